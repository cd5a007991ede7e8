"""Turn an HTML article body (from a bundle or a wire) into body blocks.

The HTML is first cleaned to the newsroom's allowlist with nh3 (scripts,
styles, event handlers and unknown tags go), then split at the top level:
``<h2>``/``<h3>`` become subheadings, ``<blockquote>`` a quote, and runs of
paragraphs and lists one rich-text block each.
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
URL_SCHEMES = {"http", "https", "mailto"}

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
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
    )


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
