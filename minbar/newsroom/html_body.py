"""Turn an HTML article body (from a bundle or a wire) into body blocks.

The HTML is first cleaned to the newsroom's allowlist with nh3 (scripts,
styles, event handlers and unknown tags go), then split at the top level:
``<h2>``/``<h3>`` become subheadings, ``<blockquote>`` a quote, and runs of
paragraphs and lists one rich-text block each.

The same allowlist keeps stored rich text in check (``clean_rich_text``), and
``clean_text`` makes plain text (headlines, captions, names) safe for feeds,
sitemaps and bidirectional display.
"""

import html
import re
from html.parser import HTMLParser

import nh3

from .embeds import embeddable

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "blockquote", "cite", "ul", "ol", "li",
    "strong", "b", "em", "i", "a",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}}
RICH_TEXT_ATTRIBUTES = {"a": {"href", "linktype", "id"}}
URL_SCHEMES = {"http", "https", "mailto"}

# A lone surrogate (from a "\ud800" escape in a wire's JSON) cannot be
# stored or encoded: it becomes the replacement character.
SURROGATES = re.compile("[\ud800-\udfff]")

# Wagtail's rich text stores <b>/<i> as such; keep the semantic forms.
INLINE_RENAMES = {"strong": "b", "em": "i"}


# An iframe, and the media it plays (its src); a WordPress [embed] shortcode.
IFRAME = re.compile(
    r"<iframe\b[^>]*?\bsrc\s*=\s*[\"']([^\"']*)[\"'][^>]*>.*?</iframe\s*>",
    flags=re.S | re.I,
)
EMBED_SHORTCODE = re.compile(r"\[embed[^\]]*\](.*?)\[/embed\]", flags=re.S | re.I)


def players_to_lines(value: str) -> str:
    """Allowed players become their address on a line of its own, which
    html_to_blocks turns into an embed; other iframes are left to the
    cleaning, which removes them."""

    def line(match: re.Match) -> str:
        url = embeddable(match.group(1))
        return f"<p>{html.escape(url)}</p>" if url else ""

    return EMBED_SHORTCODE.sub(line, IFRAME.sub(line, value))


def clean_html(value: str) -> str:
    return _allowlisted(value, ALLOWED_ATTRIBUTES)


def clean_rich_text(value: str) -> str:
    """Stored rich text (Wagtail's database format) kept to the same allowlist,
    plus the attributes of Wagtail's links to pages (``linktype``, ``id``)."""
    return _allowlisted(value, RICH_TEXT_ATTRIBUTES)


def _allowlisted(value: str, attributes: dict[str, set[str]]) -> str:
    return nh3.clean(
        SURROGATES.sub("\ufffd", value),
        tags=ALLOWED_TAGS,
        attributes=attributes,
        url_schemes=URL_SCHEMES,
        link_rel=None,
    )


# Plain text (headlines, captions, names) as writers paste it and wires send it.
# XML 1.0 cannot carry C0 controls other than tab and line breaks, nor lone
# surrogates or U+FFFE/U+FFFF: one of them in a headline would break the feeds
# and the sitemaps.  Word's line and page breaks become spaces.
PAGE_BREAKS = re.compile("[\x0b\x0c]")
NOT_XML = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff]")
# Besides, in plain text: DEL and the C1 controls (mis-decoded Windows-1252).
CONTROLS = re.compile("[\x7f-\x9f]")
# Bidi controls that open a run (embeddings and overrides, isolates) and close it.
EMBEDDINGS, POP_EMBEDDING = "\u202a\u202b\u202d\u202e", "\u202c"
ISOLATES, POP_ISOLATE = "\u2066\u2067\u2068", "\u2069"
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def xml_text(value: str) -> str:
    """The text without the characters XML 1.0 cannot carry."""
    value = SURROGATES.sub("\ufffd", PAGE_BREAKS.sub(" ", value))
    return NOT_XML.sub("", value)


def balance_bidi(value: str) -> str:
    """The text without the direction embeddings, overrides and isolates it
    opens and never closes, paired as the Unicode bidi algorithm pairs them.

    An unclosed U+202E in a headline would reverse what follows it on the same
    line: the site's name after it in the window title, the credit after a
    caption.  Closed runs are the writer's and stay; the text never grows, so
    it still fits its field.
    """
    if not BIDI.search(value):
        return value
    open_runs: list[tuple[str, int]] = []  # (the closer it needs, its position)
    open_isolates = 0
    for position, character in enumerate(value):
        if character in EMBEDDINGS:
            open_runs.append((POP_EMBEDDING, position))
        elif character in ISOLATES:
            open_runs.append((POP_ISOLATE, position))
            open_isolates += 1
        elif character == POP_EMBEDDING:
            # Closes an embedding, never past an isolate.
            if open_runs and open_runs[-1][0] == POP_EMBEDDING:
                open_runs.pop()
        elif character == POP_ISOLATE and open_isolates:
            # Closes the innermost isolate and the embeddings inside it.
            while open_runs.pop()[0] != POP_ISOLATE:
                pass
            open_isolates -= 1
    unclosed = {position for _closer, position in open_runs}
    return "".join(c for i, c in enumerate(value) if i not in unclosed)


def clean_text(value: str) -> str:
    """Plain text fit to show anywhere: in pages, feeds, sitemaps and the API."""
    return balance_bidi(CONTROLS.sub("", xml_text(value)))


class _TopLevelSplitter(HTMLParser):
    """Collect the top-level elements of an HTML fragment as (tag, inner html)."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.parts: list[tuple[str, str]] = []
        self.depth = 0
        self.current_tag = ""
        self.buffer: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.depth == 0:
            self.current_tag, self.buffer = tag, []
        else:
            self.buffer.append(self.get_starttag_text() or f"<{tag}>")
        if tag != "br":
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        if self.depth:
            self.buffer.append(self.get_starttag_text() or f"<{tag}>")

    def handle_endtag(self, tag):
        if tag == "br":
            return
        self.depth = max(self.depth - 1, 0)
        if self.depth == 0:
            self.parts.append((self.current_tag, "".join(self.buffer)))
        else:
            self.buffer.append(f"</{tag}>")

    def handle_data(self, data):
        if self.depth:
            self.buffer.append(data)
        elif data.strip():
            self.parts.append(("p", html.escape(data.strip(), quote=False)))

    def handle_entityref(self, name):
        self.handle_data(f"&{name};") if self.depth else None

    def handle_charref(self, name):
        self.handle_data(f"&#{name};") if self.depth else None


def _inline(value: str) -> str:
    for semantic, stored in INLINE_RENAMES.items():
        value = re.sub(rf"<(/?){semantic}>", rf"<\1{stored}>", value)
    return value.strip()


def _text(value: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", value)).strip()


def html_to_blocks(value: str) -> list[dict]:
    """Blocks for the article body StreamField, as (type, value) dicts."""
    splitter = _TopLevelSplitter()
    splitter.feed(clean_html(players_to_lines(value)))
    splitter.close()

    blocks: list[dict] = []
    rich: list[str] = []

    def flush():
        if rich:
            blocks.append({"type": "paragraph", "value": "".join(rich)})
            rich.clear()

    for tag, inner in splitter.parts:
        if tag in {"h2", "h3"}:
            flush()
            blocks.append({"type": "heading", "value": _text(inner)})
        elif tag == "blockquote":
            flush()
            blocks.append({"type": "quote", "value": _quote(inner)})
        elif tag in {"ul", "ol"}:
            rich.append(f"<{tag}>{_inline(inner)}</{tag}>")
        elif (tag == "p" or tag not in ALLOWED_TAGS) and embeddable(_text(inner)):
            # A media address on a line of its own (WordPress's rule).
            flush()
            blocks.append({"type": "embed", "value": embeddable(_text(inner))})
        elif tag == "p" or tag not in ALLOWED_TAGS:
            text = _inline(inner)
            if text:
                rich.append(f"<p>{text}</p>")
        else:  # inline element at top level: wrap it in a paragraph
            rich.append(f"<p>{_inline(f'<{tag}>{inner}</{tag}>')}</p>")
    flush()
    return blocks


def _quote(inner: str) -> dict:
    attribution = ""
    match = re.search(r"<cite>(.*?)</cite>", inner, flags=re.S)
    if match:
        attribution = _text(match.group(1))
        inner = inner[: match.start()] + inner[match.end() :]
    paragraphs = [_text(p) for p in re.split(r"</p>\s*<p>|<br\s*/?>", inner)]
    return {"text": "\n".join(p for p in paragraphs if p), "attribution": attribution}
