"""What every parser produces: wire items, in one shape whatever the format.

Parsers are pure (bytes in, ``ParsedEntry`` objects out) and know nothing of
Django; ``minbar.ingest.services`` turns a ``WireItem`` into an article.  Text
fields are NFC; ``body_html`` is the source's HTML as found (after format
conversion, e.g. NITF to HTML) and is sanitised when an article is made.
"""

import datetime
from dataclasses import dataclass, field


@dataclass
class Picture:
    """A picture that goes with the item: the featured image is the first."""

    href: str  # absolute URL, or a path relative to the source file
    caption: str = ""
    credit: str = ""
    alt: str = ""
    mimetype: str = ""
    width: int | None = None
    height: int | None = None


@dataclass
class Person:
    name: str
    role: str = "author"  # "author", or what the source says (e.g. "subject")
    code: str = ""  # the source's identifier, e.g. a ninjs literal or a WXR login


@dataclass
class Subject:
    name: str
    kind: str = "subject"  # "section", "tag", "subject", "place", "person"
    code: str = ""


@dataclass
class WireItem:
    """One story as a wire or an export delivers it."""

    format: str  # "ninjs", "newsml-g2", "rss", "atom", "wxr"
    guid: str  # the item's id in its source (ninjs uri, G2 guid, RSS guid, WXR post)
    headline: str
    version: str = ""  # as the source numbers it; "" when it has none
    pubstatus: str = "usable"  # "usable", "withheld" or "canceled"
    kicker: str = ""
    summary: str = ""
    body_html: str = ""
    byline: str = ""
    people: list[Person] = field(default_factory=list)
    subjects: list[Subject] = field(default_factory=list)
    genre: str = ""  # the source's genre code or name, mapped to an article type later
    urgency: int | None = None  # 1 (flash) to 9, as in IPTC
    located: str = ""  # the dateline place, e.g. "موسكو"
    dateline: str = ""  # the dateline as written, when the source gives one
    pictures: list[Picture] = field(default_factory=list)
    embargoed: datetime.datetime | None = None  # held until then
    firstcreated: datetime.datetime | None = None
    versioncreated: datetime.datetime | None = None
    language: str = ""
    credit: str = ""  # the agency or provider to credit, e.g. "تاس"
    credits: list[str] = field(default_factory=list)  # all of them, when several
    public_id: int | None = None  # a number the article must keep (WXR post id)
    permalink: str = ""  # the story's old address, redirected to the new one
    base_url: str = ""  # for resolving relative links in the body

    @property
    def authors(self) -> list[Person]:
        return [person for person in self.people if person.role == "author"]


@dataclass
class ParsedEntry:
    """One entry of a source file: an item, or why there is none.

    ``location`` names the entry for the report: the file, then the item's
    position or id, e.g. ``export.xml#post-33234``.
    """

    location: str
    item: WireItem | None = None
    error: str = ""  # malformed: the reason, in plain words
    skipped: str = ""  # well formed but not a story (a WXR page or comment)
