"""Helpers the wire parsers share: text, dates, safe XML and NITF/XHTML to HTML.

Wire formats carry the same few things in different clothes (a date, a run of
paragraphs, an NITF body), so the rules for reading them live here once and
the ninjs and NewsML-G2 parsers agree on them.  Nothing here knows Django.
"""

import datetime
import html
import re
import unicodedata
from dataclasses import dataclass

from lxml import etree


class EntryError(ValueError):
    """One entry cannot be read; the message says why, in plain words."""


# Text


_SPACES = re.compile(r"[ \t\r\n\f\v]+")  # not \s: a no-break space is content


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def one_line(value: object) -> str:
    """A single-line field (headline, caption, byline): NFC, spaces collapsed."""
    if not isinstance(value, str):
        return ""
    return nfc(_SPACES.sub(" ", value)).strip()


def text_to_html(text: str) -> str:
    """Plain text as paragraphs: one per blank-line block, or per line when the
    text has no blank lines (wires use either convention)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if re.search(r"\n[ \t]*\n", text):
        blocks = re.split(r"\n[ \t]*\n", text)
    else:
        blocks = text.split("\n")
    paragraphs = [one_line(block) for block in blocks]
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p)


# Dates


def parse_datetime(value: object, field: str) -> datetime.datetime | None:
    """An aware datetime from ISO 8601, or None when absent.

    A time without a UTC offset is refused rather than guessed: a wrong guess
    would move an embargo by hours without anyone noticing.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise EntryError(f"{field} is not a date and time: {value!r}")
    try:
        parsed = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        raise EntryError(
            f"{field} is not an ISO 8601 date and time: {value!r}"
        ) from None
    if parsed.tzinfo is None:
        raise EntryError(f"{field} has no UTC offset: {value!r}")
    return parsed


def urgency(value: object, field: str) -> int | None:
    """IPTC urgency, a whole number from 1 (flash) to 9."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 9:
        raise EntryError(f"{field} must be a whole number from 1 to 9, not {value!r}")
    return value


# XML


def localname(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def children(element: etree._Element | None, name: str) -> list[etree._Element]:
    """The child elements with this local name, whatever their namespace."""
    if element is None:
        return []
    return [node for node in element if localname(node) == name]


def child(element: etree._Element | None, name: str) -> etree._Element | None:
    found = children(element, name)
    return found[0] if found else None


def descendants(element: etree._Element, name: str) -> list[etree._Element]:
    return [node for node in element.iter() if localname(node) == name]


def element_text(element: etree._Element | None) -> str:
    """All the text inside an element, on one line."""
    if element is None:
        return ""
    return one_line("".join(element.itertext()))


def parse_xml(data: bytes) -> etree._Element:
    """Parse untrusted XML: no network, no DTD loading, no entity expansion.

    Wire formats never need entities, and a DOCTYPE that declares them is how
    "billion laughs" and XXE attacks arrive, so such a file is refused outright.
    """
    if b"<!ENTITY" in data:
        raise EntryError(_ENTITIES)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        reason = re.sub(r" \(<string>, line \d+\)$", "", str(exc))
        raise EntryError(f"not well-formed XML: {reason}") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise EntryError(_ENTITIES)
    return root


_ENTITIES = (
    "the file declares XML entities in a DOCTYPE; they are refused because "
    "they can expand without bound or read local files"
)


# NITF and XHTML bodies to simple HTML

BLOCKS = {"p", "h2", "h3", "blockquote", "ul", "ol"}
INLINES = {"a", "b", "i", "br", "cite"}
UNWRAP = ""  # keep the content, drop the element (a <div>, an NITF <block>)
DROP = "-"  # drop the element and its content (a <media>, a <script>)

NITF_TAGS = {
    "p": "p", "hl1": "h2", "hl2": "h2", "bq": "blockquote", "pre": "p",
    "ul": "ul", "ol": "ol", "li": "li", "a": "a", "em": "i", "br": "br",
    "credit": "cite", "media": DROP, "table": DROP, "nitf-table": DROP,
    "fn": DROP, "note": DROP,
}  # fmt: skip

XHTML_TAGS = {
    "p": "p", "h1": "h2", "h2": "h2", "h3": "h3", "h4": "h3", "h5": "h3",
    "h6": "h3", "blockquote": "blockquote", "pre": "p", "ul": "ul", "ol": "ol",
    "li": "li", "a": "a", "b": "b", "strong": "b", "i": "i", "em": "i",
    "br": "br", "cite": "cite", "head": DROP, "script": DROP, "style": DROP,
    "img": DROP, "figure": DROP, "table": DROP, "video": DROP, "audio": DROP,
    "iframe": DROP, "object": DROP, "svg": DROP, "math": DROP,
}  # fmt: skip


class _SimpleHtml:
    """Walks an NITF or XHTML tree and writes the newsroom's small HTML subset.

    Loose text between blocks becomes a paragraph; containers (div, section,
    NITF block) are unwrapped; the tag maps above decide everything else.
    """

    def __init__(self, tags: dict[str, str]) -> None:
        self.tags = tags
        self.out: list[str] = []
        self.run: list[str] = []

    def kind(self, element: etree._Element) -> str:
        if not isinstance(element.tag, str):
            return DROP  # a comment or processing instruction
        return self.tags.get(localname(element), UNWRAP)

    def flush(self) -> None:
        text = _SPACES.sub(" ", "".join(self.run)).strip()
        self.run = []
        if text.replace("<br>", "").strip():  # a lone <br> is not a paragraph
            self.out.append(f"<p>{text}</p>")

    def blocks(self, element: etree._Element) -> None:
        self.run.append(_escape(element.text))
        for node in element:
            kind = self.kind(node)
            if kind in BLOCKS or kind == "li":
                self.flush()
                self.out.append(self.block(node, kind))
            elif kind == UNWRAP:
                self.flush()
                self.blocks(node)
                self.flush()
            elif kind in INLINES:
                self.run.append(self.inline(node, kind))
            self.run.append(_escape(node.tail))

    def block(self, element: etree._Element, kind: str) -> str:
        if kind in {"ul", "ol"}:
            items = [self.content(li) for li in element if localname(li) == "li"]
            items = [item.strip() for item in items if item.strip()]
            if not items:
                return ""
            return f"<{kind}>" + "".join(f"<li>{i}</li>" for i in items) + f"</{kind}>"
        kind = "p" if kind == "li" else kind
        text = self.content(element).strip()
        return f"<{kind}>{text}</{kind}>" if text else ""

    def content(self, element: etree._Element) -> str:
        """The inline HTML inside an element; nested blocks are flattened."""
        parts = [_escape(element.text)]
        for node in element:
            kind = self.kind(node)
            if kind in INLINES:
                parts.append(self.inline(node, kind))
            elif kind == UNWRAP:
                parts.append(self.content(node))
            elif kind != DROP:  # a block inside inline content: keep words apart
                parts.append(" " + self.content(node) + " ")
            parts.append(_escape(node.tail))
        return _SPACES.sub(" ", "".join(parts))

    def inline(self, element: etree._Element, kind: str) -> str:
        if kind == "br":
            return "<br>"
        inner = self.content(element)
        if kind == "a":
            href = (element.get("href") or "").strip()
            if not href:
                return inner
            return f'<a href="{html.escape(href, quote=True)}">{inner}</a>'
        return f"<{kind}>{inner}</{kind}>" if inner.strip() else inner


def _escape(text: str | None) -> str:
    return html.escape(text, quote=False) if text else ""


def simple_html(container: etree._Element, tags: dict[str, str]) -> str:
    """The children of ``container`` as p/h2/h3/blockquote/ul/ol/li/a/b/i HTML."""
    writer = _SimpleHtml(tags)
    writer.blocks(container)
    writer.flush()
    return nfc("".join(part for part in writer.out if part))


@dataclass
class BodyText:
    """What a body carries besides its paragraphs (NITF has its own head)."""

    body_html: str = ""
    headline: str = ""
    byline: str = ""
    abstract: str = ""


def read_nitf(nitf: etree._Element) -> BodyText:
    """NITF (any version, with or without its namespace) to a BodyText."""
    body = child(nitf, "body")
    if body is None:
        return BodyText()
    head = child(body, "body.head")
    content = child(body, "body.content")
    hedline = child(head, "hedline")
    return BodyText(
        body_html=simple_html(content, NITF_TAGS) if content is not None else "",
        headline=element_text(child(hedline, "hl1")),
        byline=element_text(child(head, "byline")),
        abstract=element_text(child(head, "abstract")),
    )


def read_xhtml(root: etree._Element) -> BodyText:
    """An XHTML document or fragment: the <body> when there is one."""
    body = root if localname(root) == "body" else child(root, "body")
    title = child(child(root, "head"), "title")
    return BodyText(
        body_html=simple_html(body if body is not None else root, XHTML_TAGS),
        headline=element_text(title),
    )
