"""Snippets of the original text around the words a query matched, highlighted.

Matching is decided on the analysed form of each word, but what the reader
sees is the text as written, diacritics and all, with ``<mark>`` around the
words that matched: searching ترمب highlights ترامب.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from minbar.arabic.normalize import words
from minbar.arabic.stemming import index_stems

from .analysis import Analyzer, Query

MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
# A word as written: letters and digits with their diacritics and tatweel,
# including a word broken by dots (د.ا.عش).
WRITTEN_WORD = re.compile(rf"[\w{MARKS}]+(?:[.*][\w{MARKS}]+)*")
SNIPPET_WORDS = 36


def _matches(text: str, query: Query, analyzer: Analyzer):
    spans = [(m.start(), m.end()) for m in WRITTEN_WORD.finditer(text)]
    normalized = [" ".join(words(text[a:b])) for a, b in spans]
    hit = [False] * len(spans)
    for i, word in enumerate(normalized):
        for token in word.split():
            key = analyzer.lexicon.key(token)
            if key in query.highlight or set(index_stems(token)) & query.highlight:
                hit[i] = True
    flat = [w.replace(" ", "") for w in normalized]
    for start, end, key in analyzer.lexicon.spans(flat):
        if key in query.highlight:
            for i in range(start, end):
                hit[i] = True
    return spans, hit


def _render(text, spans, hit, first, last) -> str:
    out, position = [], spans[first][0] if spans else 0
    for (a, b), matched in zip(
        spans[first : last + 1], hit[first : last + 1], strict=True
    ):
        out.append(escape(text[position:a]))
        out.append(
            f"<mark>{escape(text[a:b])}</mark>" if matched else escape(text[a:b])
        )
        position = b
    return "".join(out)


def highlight(text: str, query: Query, analyzer: Analyzer) -> SafeString:
    """The whole text, escaped, with the matched words marked."""
    spans, hit = _matches(text, query, analyzer)
    if not spans:
        return escape(text)
    rendered = (
        escape(text[: spans[0][0]])
        + _render(text, spans, hit, 0, len(spans) - 1)
        + escape(text[spans[-1][1] :])
    )
    return mark_safe(rendered)  # noqa: S308 - every piece is escaped above  # nosec B308, B703


def snippet(
    text: str, query: Query, analyzer: Analyzer, size=SNIPPET_WORDS
) -> SafeString:
    """About ``size`` words around the densest run of matches."""
    spans, hit = _matches(text, query, analyzer)
    if not spans:
        return escape(text[:200])
    best_start, best_count = 0, -1
    window = min(size, len(spans))
    count = sum(hit[:window])
    for start in range(len(spans) - window + 1):
        if start:
            count += hit[start + window - 1] - hit[start - 1]
        if count > best_count:
            best_start, best_count = start, count
    # Start a few words before the window's first match, for context.
    first_hit = next(
        (i for i in range(best_start, best_start + window) if hit[i]), best_start
    )
    start = max(0, min(first_hit - 6, len(spans) - window))
    end = min(len(spans) - 1, start + window - 1)
    rendered = _render(text, spans, hit, start, end)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(spans) - 1 else ""
    return mark_safe(prefix + rendered + suffix)  # noqa: S308 - escaped in _render  # nosec B308, B703
