"""WordPress exports (WXR 1.0 to 1.2): one wire item per published post.

An export of a big site runs to gigabytes, so it is never held whole: it is read
twice with ``lxml.etree.iterparse``, each ``<item>`` dropped once handled.  The
first pass keeps only what is small and needed by every post (authors, the
attachments' addresses and captions, the site's clock offset); the second yields
the posts.  Two passes, because a post's featured image is an attachment that
WordPress often writes after the post.

Decisions, also in the tests:

- Only ``post`` items become wire items.  Pages, attachments, menu items and any
  other type are skipped with ``"<type>: not an article"``.
- ``publish`` is usable; ``future`` (scheduled) is usable but embargoed until its
  date; ``draft``, ``pending``, ``private``, ``trash`` and password-protected
  posts are skipped with the reason, since none of them was public.
- Comments are not imported: a post with comments gets a second, skipped entry
  ``<name>#post-<id>/comments`` saying how many.
- Dates come from ``wp:post_date_gmt``.  WordPress leaves it at
  ``0000-00-00 00:00:00`` when it never computed it; then, as WordPress itself
  does, the local ``wp:post_date`` is read in the site's time zone, which the
  export does not state: it is taken as the offset most posts of the file show
  between their local and GMT dates.  With no such post, the entry is an error.
- A term's ``nicename`` is WordPress's percent-encoded slug; the code is decoded
  (``النقل-العام``, not ``%d8%a7...``).  Only the ``category`` (sections) and
  ``post_tag`` (tags) taxonomies are read.

The file's bytes are never trusted: no DTD is loaded, no entity is expanded, no
network is used, and a file with a DOCTYPE is refused (WordPress writes none).
"""

import datetime
import html
import mimetypes
import re
import shutil
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO
from urllib.parse import unquote

from lxml import etree

from ..items import ParsedEntry, Person, Picture, Subject, WireItem
from .autop import autop

WP_EXPORT = "http://wordpress.org/export/"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
ZERO_DATE = "0000-00-00 00:00:00"
POST_FIELDS = (
    *("post_id", "post_type", "status", "post_password"),
    *("post_date", "post_date_gmt", "post_modified", "post_modified_gmt"),
)
SURVEYED = ("post_id", "post_type", "post_date", "post_date_gmt")
HEAD_BYTES = 65536  # enough for the prolog and the <rss> tag's namespaces
NOT_PUBLIC = {"draft", "pending", "private", "auto-draft", "trash", "inherit"}


def sniff(head: bytes, format: str) -> bool:
    """A WordPress export is an RSS file in WordPress's export namespace."""
    return format == "wxr" and _root_name(head) == "rss" and WP_EXPORT in _text(head)


def parse(source: BinaryIO, name: str) -> Iterator[ParsedEntry]:
    """The posts of an export, one entry per ``<item>``, read in flat memory.

    The stream is read twice; one that cannot seek is first copied to a
    temporary file (on disk, not in memory).
    """
    if not _seekable(source):
        with tempfile.TemporaryFile() as copy:
            shutil.copyfileobj(source, copy)
            copy.seek(0)
            yield from parse(copy, name)
        return
    start = source.tell()
    head = source.read(HEAD_BYTES)
    problem = _refusal(head)
    if problem:
        yield ParsedEntry(location=name, error=problem)
        return
    site = _Site(*_namespaces(head))
    source.seek(start)
    problem = _survey(source, site)
    if problem:
        yield ParsedEntry(location=name, error=problem)
        return
    source.seek(start)
    yield from _entries(source, name, site)


# The file as a whole ----------------------------------------------------------


@dataclass
class _Site:
    """What the first pass learns: small, whatever the size of the export."""

    wp: str  # the wp: namespace, in braces, ready to prefix a tag
    excerpt: str
    language: str = ""
    base_url: str = ""
    authors: dict[str, str] = field(default_factory=dict)  # login -> display name
    attachments: dict[int, Picture] = field(default_factory=dict)
    offsets: Counter = field(default_factory=Counter)  # local - GMT, per post

    @property
    def post_fields(self) -> tuple[str, ...]:
        """The children of an ``<item>`` that make a wire item."""
        wp = (self.wp + name for name in POST_FIELDS)
        return ("title", "link", CREATOR, CONTENT, self.excerpt + "encoded", *wp)

    @property
    def offset(self) -> datetime.timedelta | None:
        """The site's usual offset from UTC, or None if no post shows it."""
        common = self.offsets.most_common(1)
        return common[0][0] if common else None


class _Refused(Exception):
    """The file is refused whole (it has a DOCTYPE)."""


DOCTYPE_REFUSED = "refused: the file has a DOCTYPE, which a WordPress export never has"


def _text(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    return head.decode("utf-8", errors="ignore")


def _root_name(head: bytes) -> str:
    """The name of the first element, past the XML declaration and comments."""
    text = re.sub(r"<!--.*?-->", "", _text(head), flags=re.DOTALL)
    match = re.search(r"<([A-Za-z_][\w.:-]*)", text)
    return match.group(1) if match else ""


def _refusal(head: bytes) -> str:
    """Why the file is refused before parsing, or ""."""
    text = _text(head)
    root = re.search(r"<rss[\s>]", text)
    if root is None or WP_EXPORT not in text:
        return "not a WordPress export: no <rss> in the wordpress.org/export namespace"
    if "<!DOCTYPE" in re.sub(r"<!--.*?-->", "", text[: root.start()], flags=re.S):
        return DOCTYPE_REFUSED
    return ""


def _namespaces(head: bytes) -> tuple[str, str]:
    """The wp: and excerpt: namespaces, whose URIs carry the WXR version."""
    text = _text(head)
    wp = re.search(r'xmlns:wp="(http://wordpress\.org/export/[^"]*)"', text)
    uri = wp.group(1) if wp else WP_EXPORT + "1.2/"
    excerpt = re.search(r'xmlns:excerpt="([^"]*)"', text)
    excerpt_uri = excerpt.group(1) if excerpt else uri + "excerpt/"
    return "{" + uri + "}", "{" + excerpt_uri + "}"


def _seekable(source: BinaryIO) -> bool:
    try:
        return source.seekable()
    except (AttributeError, OSError):
        return False


def _events(source: BinaryIO, tags: tuple[str, ...]) -> Iterator[etree._Element]:
    """The elements named ``tags``, each dropped (with what came before it)
    once the caller is done with it, so that memory stays flat."""
    context = etree.iterparse(
        source,
        events=("end",),
        tag=tags,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,  # a post's CDATA may pass libxml2's 10 MB text limit
    )
    checked = False
    for _event, element in context:
        if not checked and element.getroottree().docinfo.doctype:
            raise _Refused(DOCTYPE_REFUSED)
        checked = True
        yield element
        element.clear(keep_tail=True)
        parent = element.getparent()
        while parent is not None and element.getprevious() is not None:
            del parent[0]


def _survey(source: BinaryIO, site: _Site) -> str:
    """First pass: authors, attachments and the clock, into ``site``.

    A file that breaks off is surveyed up to the break.
    """
    wp = site.wp
    tags = ("item", wp + "author", "language", wp + "base_blog_url")
    # A post's body is not needed yet: leave it in libxml2's memory.
    surveyed = tuple(wp + name for name in SURVEYED)
    try:
        for element in _events(source, tags):
            if element.tag == "item":
                _survey_item(_Item(element, wp, surveyed), site)
            elif element.tag == wp + "author":
                author = _Item(element, wp)
                login = author.wp("author_login")
                site.authors[login] = author.wp("author_display_name") or login
            elif element.tag == "language":
                site.language = (element.text or "").strip()
            else:
                site.base_url = (element.text or "").strip()
    except etree.XMLSyntaxError:
        pass  # the second pass reports it, after the posts before the break
    except _Refused as exc:
        return str(exc)
    return ""


def _survey_item(item: "_Item", site: _Site) -> None:
    local, gmt = _date(item.wp("post_date")), _date(item.wp("post_date_gmt"))
    if local and gmt:
        site.offsets[local - gmt] += 1
    post_id = _int(item.wp("post_id"))
    if item.wp("post_type") == "attachment" and post_id is not None:
        site.attachments[post_id] = _attachment(_Item(item.element, site.wp), site)


def _entries(source: BinaryIO, name: str, site: _Site) -> Iterator[ParsedEntry]:
    """Second pass: an entry (or two, with comments) per item."""
    position = 0
    try:
        for element in _events(source, ("item",)):
            position += 1
            fields = _Item(element, site.wp, site.post_fields)
            yield from _post(fields, name, position, site)
    except etree.XMLSyntaxError as exc:
        reason = re.sub(r" \([^()]*, line \d+\)$", "", str(exc))
        yield ParsedEntry(
            location=name, error=f"malformed XML after item {position}: {reason}"
        )
    except _Refused as exc:
        yield ParsedEntry(location=name, error=str(exc))


# One item ---------------------------------------------------------------------


class _Item:
    """An element's fields, read in one pass over its children: a ``find`` per
    field would cost more than parsing the XML."""

    def __init__(
        self, element: etree._Element, wp: str, only: tuple[str, ...] = ()
    ) -> None:
        self.element = element
        self.prefix = wp
        self.values: dict[str, str] = {}
        # lxml filters by tag in C: the children not asked for cost nothing.
        for child in element.iterchildren(*only) if only else element:
            tag = child.tag
            if isinstance(tag, str) and tag not in self.values:
                self.values[tag] = (child.text or "").strip()

    def __getitem__(self, tag: str) -> str:
        return self.values.get(tag, "")

    def wp(self, name: str) -> str:
        return self.values.get(self.prefix + name, "")

    def meta(self, key: str) -> str:
        """A ``wp:postmeta`` value."""
        for meta in self.element.iterfind(self.prefix + "postmeta"):
            fields = _Item(meta, self.prefix)
            if fields.wp("meta_key") == key:
                return fields.wp("meta_value")
        return ""


def _post(item: _Item, name: str, position: int, site: _Site) -> Iterator[ParsedEntry]:
    post_id = item.wp("post_id")
    location = f"{name}#post-{post_id}" if post_id else f"{name}#{position}"
    reason = _skip_reason(item)
    if reason:
        yield ParsedEntry(location=location, skipped=reason)
        return
    try:
        yield ParsedEntry(location=location, item=_wire_item(item, site))
    except ValueError as exc:
        yield ParsedEntry(location=location, error=str(exc))
        return
    comments = len(item.element.findall(site.wp + "comment"))
    if comments:
        noun = "comment" if comments == 1 else "comments"
        yield ParsedEntry(
            location=location + "/comments",
            skipped=f"{comments} {noun} not imported",
        )


def _skip_reason(item: _Item) -> str:
    """Why an item is no article, or "" if it is one."""
    post_type = item.wp("post_type") or "post"
    status = item.wp("status") or "publish"
    if post_type == "attachment":
        return "attachment: not an article (a featured image goes with its post)"
    if post_type != "post":
        return f"{post_type}: not an article"
    if status in NOT_PUBLIC:
        return f"{status}: not published"
    if status not in {"publish", "future"}:
        return f"{status}: not a WordPress status for a published post"
    if item.wp("post_password"):
        return "password-protected: not public"
    return ""


def _wire_item(item: _Item, site: _Site) -> WireItem:
    """The wire item for a published (or scheduled) post."""
    post_id = _int(item.wp("post_id"))
    if post_id is None:
        raise ValueError("no wp:post_id: cannot keep the post's number")
    created = _utc(item, "post_date", site)
    modified = _utc(item, "post_modified", site)
    login = item[CREATOR]
    thumbnail = _int(item.meta("_thumbnail_id"))
    picture = site.attachments.get(thumbnail) if thumbnail is not None else None
    return WireItem(
        format="wxr",
        guid=f"wp-post-{post_id}",
        public_id=post_id,
        headline=_nfc(item["title"]),
        summary=_plain(item[site.excerpt + "encoded"]),
        body_html=_nfc(body_html(item[CONTENT])),
        people=[Person(name=site.authors.get(login, login), code=login)]
        if login
        else [],
        subjects=_subjects(item.element),
        pictures=[picture] if picture else [],
        firstcreated=created,
        versioncreated=modified or created,
        embargoed=created if item.wp("status") == "future" else None,
        language=site.language,
        permalink=item["link"],
        base_url=item["link"] or site.base_url,
    )


def _subjects(item: etree._Element) -> list[Subject]:
    kinds = {"category": "section", "post_tag": "tag"}
    return [
        Subject(
            name=_nfc((category.text or "").strip()),
            kind=kinds[category.get("domain")],
            code=_nfc(unquote(category.get("nicename", ""))),
        )
        for category in item.iterfind("category")
        if category.get("domain") in kinds
    ]


def _attachment(item: _Item, site: _Site) -> Picture:
    """A featured-image candidate: its address, caption, alt text and size."""
    href = item.wp("attachment_url") or item["guid"]
    metadata = item.meta("_wp_attachment_metadata")
    return Picture(
        href=href,
        caption=_nfc(item[site.excerpt + "encoded"]),
        credit=_nfc(_php_string(metadata, "credit")),
        alt=_nfc(item.meta("_wp_attachment_image_alt")),
        mimetype=mimetypes.guess_type(href)[0] or "",
        width=_int(_php_int(metadata, "width")),
        height=_int(_php_int(metadata, "height")),
    )


def _php_int(serialized: str, key: str) -> str:
    """An integer from WordPress's PHP-serialised attachment metadata."""
    match = re.search(r's:\d+:"' + re.escape(key) + r'";i:(\d+);', serialized)
    return match.group(1) if match else ""


def _php_string(serialized: str, key: str) -> str:
    """A string from PHP-serialised data, whose lengths count UTF-8 bytes."""
    match = re.search(r's:\d+:"' + re.escape(key) + r'";s:(\d+):"', serialized)
    if not match:
        return ""
    rest = serialized[match.end() :].encode()
    return rest[: int(match.group(1))].decode("utf-8", errors="replace")


# Values -----------------------------------------------------------------------


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _plain(text: str) -> str:
    """An excerpt as plain text: WordPress lets HTML into it now and then."""
    if "<" not in text:
        return _nfc(html.unescape(text).strip())
    fragment = etree.fromstring(
        "<div>" + text + "</div>", etree.HTMLParser(no_network=True, recover=True)
    )
    etree.strip_elements(fragment, "script", "style", with_tail=False)
    return _nfc(" ".join("".join(fragment.itertext()).split()))


def _date(value: str) -> datetime.datetime | None:
    """A WordPress date (``2024-03-10 09:15:00``), None when unset or invalid."""
    if not value or value == ZERO_DATE:
        return None
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        return None


def _utc(item: _Item, name: str, site: _Site) -> datetime.datetime | None:
    """``wp:<name>_gmt`` as an aware UTC time, else ``wp:<name>`` read in the
    site's usual offset (as WordPress reads it in the site's time zone)."""
    gmt = _date(item.wp(name + "_gmt"))
    if gmt:
        return gmt.replace(tzinfo=datetime.UTC)
    local = _date(item.wp(name))
    if local is None:
        if name == "post_date":
            raise ValueError("no wp:post_date: the post has no date")
        return None
    if site.offset is None:
        raise ValueError(
            f"wp:{name}_gmt is unset and no other post shows the site's time zone"
        )
    return (local - site.offset).replace(tzinfo=datetime.UTC)


# Body -------------------------------------------------------------------------


BLOCK_DELIMITER = re.compile(r"<!--\s+/?wp:.*?-->\n?", re.DOTALL)
CAPTION = re.compile(r"\[caption([^\]]*)\](.*?)\[/caption\]", re.DOTALL)
CAPTIONED = re.compile(
    r"((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)", re.DOTALL | re.IGNORECASE
)


def body_html(content: str) -> str:
    """A post's HTML as WordPress shows it.

    Block-editor posts are already HTML: WordPress skips ``wpautop`` for them,
    and only their ``<!-- wp:... -->`` delimiters go.  Classic posts are text
    with HTML, paragraphs separated by blank lines: ``[caption]`` shortcodes
    become figures and ``autop`` adds the paragraphs.
    """
    if "<!-- wp:" in content:
        return BLOCK_DELIMITER.sub("", content).strip()
    return autop(CAPTION.sub(_figure, content)).strip()


def _figure(match: re.Match) -> str:
    """``[caption]`` as WordPress renders it: a figure with a figcaption."""
    attrs = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
    inner = CAPTIONED.match(match.group(2).strip())
    image, caption = (inner.group(1), inner.group(2).strip()) if inner else ("", "")
    caption = attrs.get("caption", caption)
    ident = f' id="{html.escape(attrs["id"])}"' if attrs.get("id") else ""
    align = html.escape(attrs.get("align", "alignnone"))
    return (
        f'<figure{ident} class="wp-caption {align}">{image}'
        f'<figcaption class="wp-caption-text">{caption}</figcaption></figure>'
    )
