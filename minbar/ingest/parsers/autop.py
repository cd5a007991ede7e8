"""WordPress's ``wpautop``, ported: how a classic post's text becomes HTML.

WordPress stores classic posts as text with some HTML, paragraphs separated by
blank lines, and adds the ``<p>`` and ``<br />`` when it shows them; an import
must do the same to show what the old site showed.
"""

import re

ALLBLOCKS = (
    "(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li"
    "|pre|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend"
    "|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu"
    "|summary)"
)
NEWLINE_MARK = " <!-- wpnl --> "


def _steps(*steps: tuple[str, str]) -> list[tuple[re.Pattern, str]]:
    """wpautop's regular expressions, compiled once (``BLOCK`` is any block
    element), in the order WordPress applies them."""
    return [(re.compile(p.replace("BLOCK", ALLBLOCKS)), r) for p, r in steps]


SEPARATE = _steps(
    (r"<br\s*/?>\s*<br\s*/?>", "\n\n"),
    (r"(<BLOCK[\s/>])", r"\n\n\1"),
    (r"(</BLOCK>)", r"\1\n\n"),
    (r"(<hr\s*?/?>)", r"\1\n\n"),
    (r"\r\n?", "\n"),
)
INSIDE_TAGS = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[^>]*>", re.DOTALL)
OPTIONS = _steps((r"\s*<option", "<option"), (r"</option>\s*", "</option>"))
FIGCAPTIONS = _steps(
    (r"\s*(<figcaption[^>]*>)", r"\1"), (r"</figcaption>\s*", "</figcaption>")
)
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
UNWRAP = _steps(
    (r"<p>\s*</p>", ""),
    (r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>"),
    (r"<p>\s*(</?BLOCK[^>]*>)\s*</p>", r"\1"),
    (r"<p>(<li.+?)</p>", r"\1"),
    (r"(?i)<p><blockquote([^>]*)>", r"<blockquote\1><p>"),
    (r"</blockquote></p>", "</p></blockquote>"),
    (r"<p>\s*(</?BLOCK[^>]*>)", r"\1"),
    (r"(</?BLOCK[^>]*>)\s*</p>", r"\1"),
)
KEEP_NEWLINES = re.compile(r"<(script|style|svg).*?</\1>", re.DOTALL)
LINE_BREAKS = _steps(
    (r"<br>|<br/>", "<br />"),
    (r"(?<!<br />)\s*\n", "<br />\n"),
    (r"<WPPreserveNewline />", "\n"),
    (r"(</?BLOCK[^>]*>)\s*<br />", r"\1"),
    (r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1"),
    (r"\n</p>$", "</p>"),
)


def autop(text: str) -> str:
    """WordPress's ``wpautop``: blank lines make paragraphs, single newlines
    ``<br />``, and block elements are left unwrapped.

    A port of the PHP function (wp-includes/formatting.php), step for step, less
    its special cases for ``<object>``, ``<audio>`` and ``<video>``: the same
    text must give the same HTML the old site showed.
    """
    if not text.strip():
        return ""
    text, pre_tags = _protect_pre(text + "\n")
    text = _apply(SEPARATE, text)
    text = INSIDE_TAGS.sub(lambda tag: tag.group().replace("\n", NEWLINE_MARK), text)
    if "<option" in text:
        text = _apply(OPTIONS, text)
    if "<figcaption" in text:
        text = _apply(FIGCAPTIONS, text)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [p for p in PARAGRAPH_BREAK.split(text) if p]
    text = "".join("<p>" + p.strip("\n") + "</p>\n" for p in paragraphs)
    text = _apply(UNWRAP, text)
    text = KEEP_NEWLINES.sub(
        lambda kept: kept.group().replace("\n", "<WPPreserveNewline />"), text
    )
    text = _apply(LINE_BREAKS, text)
    for mark, pre in pre_tags.items():
        text = text.replace(mark, pre)
    return text.replace(NEWLINE_MARK, "\n").replace(NEWLINE_MARK.strip(), "\n")


def _apply(steps: list[tuple[re.Pattern, str]], text: str) -> str:
    for pattern, replacement in steps:
        text = pattern.sub(replacement, text)
    return text


def _protect_pre(text: str) -> tuple[str, dict[str, str]]:
    """Set ``<pre>`` elements aside: their newlines are content."""
    if "<pre" not in text:
        return text, {}
    *parts, last = text.split("</pre>")
    pre_tags, out = {}, []
    for number, part in enumerate(parts):
        start = part.find("<pre")
        if start < 0:
            out.append(part)
            continue
        mark = f"<pre wp-pre-tag-{number}></pre>"
        pre_tags[mark] = part[start:] + "</pre>"
        out.append(part[:start] + mark)
    return "".join(out) + last, pre_tags
