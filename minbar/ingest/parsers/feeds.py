"""RSS 2.0 (and 1.0) and Atom 1.0 feeds, one wire item per item or entry.

``feedparser`` does the mapping (dates, authors, Atom's content types, RSS's
dialects), on a copy of the feed that lxml has parsed first, for two reasons:

- lxml tells a malformed feed from a good one, and parses it without loading a
  DTD, expanding an entity or using the network; a feed that declares entities
  is refused.
- feedparser reads Media RSS captions as the item's own description and titles
  (``media:description`` overwrites the summary, ``media:title`` the title), so
  the ``media:`` elements are read here and taken out before feedparser sees
  the feed.

A malformed feed is an error, but the items that lxml recovered whole (closed
before the break) are still yielded, before the error.  ``body_html`` is the
feed's HTML as found: relative links are kept (``base_url`` says how to resolve
them) and scripts are left for the sanitiser that runs when an article is made.
"""

import datetime
import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import BinaryIO

import feedparser
from lxml import etree

from ..items import ParsedEntry, Person, Picture, Subject, WireItem

ATOM = "http://www.w3.org/2005/Atom"
RSS1 = "http://purl.org/rss/1.0/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
MRSS = ("http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss")
WP_EXPORT = "http://wordpress.org/export/"
ITEMS = ("item", f"{{{RSS1}}}item", f"{{{ATOM}}}entry")
ROOTS = {"rss": "rss", f"{{{RDF}}}RDF": "rss", f"{{{ATOM}}}feed": "atom"}
CLOSED_ITEM = re.compile(rb"</(?:[\w.-]+:)?(?:item|entry)\s*>")
HTML_TAG = re.compile(r"<[a-zA-Z][^>]*>")


def sniff(head: bytes, format: str) -> bool:
    """RSS is an ``<rss>`` (or RSS 1.0 ``<rdf:RDF>``) root that is not a
    WordPress export; Atom is a ``<feed>`` in the Atom namespace."""
    text = _text(head)
    root = _root_name(text)
    if format == "rss":
        is_rss = root == "rss" or (root.endswith(":RDF") and RSS1 in text)
        return is_rss and WP_EXPORT not in text
    if format == "atom":
        return root.rpartition(":")[2] == "feed" and ATOM in text
    return False


def parse(source: BinaryIO, name: str) -> Iterator[ParsedEntry]:
    """One entry per item of a feed (feeds are small: read whole)."""
    data = source.read()
    root, problem = _xml(data)
    if root is None:
        yield ParsedEntry(location=name, error=problem)
        return
    format = ROOTS.get(root.tag)
    if format is None:
        local = etree.QName(root).localname
        yield ParsedEntry(
            location=name, error=f"not an RSS or Atom feed: the root is <{local}>"
        )
        return
    media = [_take_media(element) for element in root.iter(*ITEMS)]
    parsed = feedparser.parse(
        etree.tostring(root, encoding="utf-8", xml_declaration=True),
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    if not problem and parsed.bozo and _fatal(parsed.bozo_exception):
        problem = f"malformed feed: {parsed.bozo_exception}"
    entries = parsed.entries
    if problem:  # keep only the items closed before the break
        entries = entries[: len(CLOSED_ITEM.findall(data))]
    language = parsed.feed.get("language", "")
    for position, entry in enumerate(entries, start=1):
        location = f"{name}#{position}"
        pictures = media[position - 1] if position <= len(media) else _Media()
        try:
            item = _wire_item(entry, format, language, pictures)
        except ValueError as exc:
            yield ParsedEntry(location=location, error=str(exc))
        else:
            yield ParsedEntry(location=location, item=item)
    if problem:
        yield ParsedEntry(location=name, error=problem)


# The file ---------------------------------------------------------------------


def _text(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    return head.decode("utf-8", errors="ignore")


def _root_name(text: str) -> str:
    """The name of the first element, past the XML declaration and comments."""
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    match = re.search(r"<([A-Za-z_][\w.:-]*)", text)
    return match.group(1) if match else ""


def _xml(data: bytes) -> tuple[etree._Element | None, str]:
    """The feed's root element and, if the XML is malformed, why.

    A malformed feed is parsed again in lxml's recovery mode, so that the items
    before the break can be kept.
    """
    options = {"resolve_entities": False, "no_network": True, "load_dtd": False}
    problem = ""
    try:
        root = etree.fromstring(data, etree.XMLParser(**options))
    except etree.XMLSyntaxError as exc:
        problem = f"malformed XML: {exc}"
        try:
            root = etree.fromstring(data, etree.XMLParser(recover=True, **options))
        except etree.XMLSyntaxError:
            root = None
    if root is None:
        return None, problem or "not XML"
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        return None, "refused: the feed declares entities in a DOCTYPE"
    return root, problem


def _fatal(exc: Exception) -> bool:
    """Whether feedparser's complaint is about the XML itself, rather than
    about a charset or a content type it could work round."""
    harmless = (
        feedparser.CharacterEncodingOverride,
        feedparser.NonXMLContentType,
    )
    return not isinstance(exc, harmless)


# Media RSS --------------------------------------------------------------------


@dataclass
class _Media:
    """An item's Media RSS pictures, read before feedparser sees the item."""

    pictures: list[Picture] = field(default_factory=list)
    thumbnails: list[Picture] = field(default_factory=list)
    caption: str = ""  # the item's own media:description, for its enclosures
    credit: str = ""


def _take_media(item: etree._Element) -> _Media:
    """Read an item's ``media:`` elements, then remove them from the tree."""
    media = _Media(
        caption=_media_text(item, "description"), credit=_media_text(item, "credit")
    )
    for content in _media_children(item, "content"):
        if content.get("medium") == "image" or _is_image(content.get("type", "")):
            media.pictures.append(_media_picture(content, media))
    for thumbnail in _media_children(item, "thumbnail"):
        media.thumbnails.append(_media_picture(thumbnail, media))
    for child in list(item):
        if etree.QName(child).namespace in MRSS:
            item.remove(child)
    return media


def _media_children(element: etree._Element, name: str) -> list[etree._Element]:
    """``media:<name>`` children of the element or of its ``media:group``."""
    found = []
    for uri in MRSS:
        found += element.findall(f"{{{uri}}}{name}")
        found += element.findall(f"{{{uri}}}group/{{{uri}}}{name}")
    return found


def _media_text(element: etree._Element, name: str) -> str:
    for child in _media_children(element, name):
        if child.text and child.text.strip():
            return _nfc(_plain(child.text) if child.get("type") else child.text)
    return ""


def _media_picture(element: etree._Element, media: _Media) -> Picture:
    return Picture(
        href=element.get("url", ""),
        caption=_media_text(element, "description") or media.caption,
        credit=_media_text(element, "credit") or media.credit,
        mimetype=element.get("type", ""),
        width=_int(element.get("width")),
        height=_int(element.get("height")),
    )


def _is_image(mimetype: str) -> bool:
    return mimetype.lower().startswith("image/")


def _pictures(entry: dict, media: _Media) -> list[Picture]:
    """Media RSS images, then image enclosures, then (failing both) thumbnails,
    each address once."""
    pictures = list(media.pictures)
    for enclosure in entry.get("enclosures", []):
        if _is_image(enclosure.get("type", "")):
            pictures.append(
                Picture(
                    href=enclosure.get("href", ""),
                    caption=media.caption,
                    credit=media.credit,
                    mimetype=enclosure.get("type", ""),
                )
            )
    pictures = pictures or media.thumbnails
    unique: dict[str, Picture] = {}
    for picture in pictures:
        if picture.href:
            unique.setdefault(picture.href, picture)
    return list(unique.values())


# One item ---------------------------------------------------------------------


def _wire_item(entry: dict, format: str, language: str, media: _Media) -> WireItem:
    """A feedparser entry as a wire item."""
    link = entry.get("link", "")
    guid = entry.get("id") or link
    if not guid:
        raise ValueError("no guid, id or link: nothing tells this item apart")
    headline = _nfc(_plain(entry.get("title", "")))
    if not headline:
        raise ValueError("no title")
    body, base = _body(entry)
    # dict.get: feedparser's own get() answers "updated" with the published
    # date (and a deprecation warning) when there is no updated date.
    published = _utc(dict.get(entry, "published_parsed"))
    updated = _utc(dict.get(entry, "updated_parsed"))
    return WireItem(
        format=format,
        guid=guid,
        headline=headline,
        summary=_nfc(_plain(entry.get("summary", ""))),
        body_html=_nfc(body),
        people=_authors(entry),
        subjects=_tags(entry),
        pictures=_pictures(entry, media),
        firstcreated=published or updated,
        versioncreated=updated or published,
        language=entry.get("language") or language,
        permalink=link,
        base_url=base or link,
    )


def _body(entry: dict) -> tuple[str, str]:
    """The item's HTML and the base its relative links resolve against.

    ``content:encoded`` or Atom content; failing them, an RSS description
    that is HTML (one that is plain text is only a summary).
    """
    contents = entry.get("content", [])
    for content in contents:
        if content.get("type") in ("text/html", "application/xhtml+xml"):
            return content.get("value", ""), content.get("base", "")
    for content in contents:  # Atom's type="text"
        return _paragraphs(content.get("value", "")), content.get("base", "")
    summary = entry.get("summary_detail") or {}
    if HTML_TAG.search(summary.get("value", "")):
        return summary["value"], summary.get("base", "")
    return "", ""


def _paragraphs(text: str) -> str:
    return "".join(
        f"<p>{html.escape(part.strip())}</p>"
        for part in re.split(r"\n\s*\n", text)
        if part.strip()
    )


def _authors(entry: dict) -> list[Person]:
    names: list[str] = []
    for author in entry.get("authors", []):
        name = _nfc((author.get("name") or author.get("email") or "").strip())
        if name and name not in names:
            names.append(name)
    return [Person(name=name, role="author") for name in names]


def _tags(entry: dict) -> list[Subject]:
    subjects = []
    for tag in entry.get("tags", []):
        term = _nfc((tag.get("term") or "").strip())
        label = _nfc((tag.get("label") or "").strip())
        if term or label:
            subjects.append(Subject(name=label or term, kind="tag", code=term))
    return subjects


# Values -----------------------------------------------------------------------


def _utc(parsed: tuple | None) -> datetime.datetime | None:
    """feedparser's UTC struct_time as an aware datetime."""
    if not parsed:
        return None
    return datetime.datetime(*parsed[:6], tzinfo=datetime.UTC)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class _TextOnly(HTMLParser):
    """Collects the text of an HTML fragment, less scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style") and self.hidden > 0

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def _plain(fragment: str) -> str:
    """An HTML fragment as one line of plain text."""
    if "<" not in fragment and "&" not in fragment:
        return " ".join(fragment.split())
    parser = _TextOnly()
    parser.feed(fragment)
    parser.close()
    return " ".join(" ".join(parser.parts).split())
