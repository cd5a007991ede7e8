"""Keeping the index in step with published articles, and searching it."""

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from django.core.cache import cache
from django.db import transaction

from minbar.arabic.variants import DEFAULT_LEXICON, VariantLexicon

from .analysis import Analyzer, Query, phrase_at
from .backends import FIELDS, Filters, Hits, get_backend
from .models import SearchDocument, SpellingVariant

LEXICON_CACHE_KEY = "minbar-search-lexicon"
TAG = re.compile(r"<[^>]+>")


def analyzer() -> Analyzer:
    """The analyzer with the built-in name lexicon and the newsroom's additions."""
    entries = cache.get(LEXICON_CACHE_KEY)
    if entries is None:
        entries = [v.spelling_list() for v in SpellingVariant.objects.all()]
        cache.set(LEXICON_CACHE_KEY, entries, 300)
    return _analyzer_for(tuple(tuple(spellings) for spellings in entries))


@lru_cache(maxsize=4)
def _analyzer_for(entries: tuple[tuple[str, ...], ...]) -> Analyzer:
    # Building the lexicon and warming its caches costs more than a search:
    # keep one analyzer per set of editors' entries, not one per request.
    return Analyzer(VariantLexicon([*DEFAULT_LEXICON, *entries]))


def forget_lexicon():
    cache.delete(LEXICON_CACHE_KEY)


def html_text(value: str) -> str:
    return html.unescape(TAG.sub(" ", value))


def body_text(article) -> str:
    """The readable text of an article's body, block by block."""
    parts = []
    for block in article.body:
        if block.block_type == "paragraph":
            parts.append(html_text(block.value.source))
        elif block.block_type == "heading":
            parts.append(block.value)
        elif block.block_type == "quote":
            parts.extend([block.value["text"], block.value["attribution"]])
        elif block.block_type == "image":
            parts.append(block.value["caption"])
    return "\n".join(p for p in parts if p)


def document_for(article) -> SearchDocument:
    section = article.get_parent()
    authors = list(article.authors.all())
    meta = [a.name for a in authors]
    meta += [tag.name for tag in article.tags.all()]
    meta += [section.title, article.byline, article.dateline, article.kicker]
    meta += [agency.name for agency in article.agencies.all()]
    return SearchDocument(
        page_id=article.pk,
        public_id=article.public_id,
        headline=article.title,
        summary=article.summary,
        body=body_text(article),
        meta="\n".join(m for m in meta if m),
        section_path=section.path,
        article_type=article.article_type,
        authors="|" + "|".join(str(a.pk) for a in authors) + "|" if authors else "",
        first_published_at=article.first_published_at,
    )


def streams(document: SearchDocument, text_analyzer: Analyzer) -> dict[str, list[str]]:
    result = {}
    for name in FIELDS:
        terms = text_analyzer.field_terms(getattr(document, name))
        result[name] = terms.primary + terms.extra
    return result


def index_document(document: SearchDocument, text_analyzer=None, backend=None):
    backend = backend or get_backend()
    with transaction.atomic():
        document.save()
        backend.index(document.page_id, streams(document, text_analyzer or analyzer()))


def index_article(article):
    """Index a live article, or take a no-longer-live one out of the index."""
    article = article.specific
    if not article.live or article.public_id is None:
        unindex_article(article.pk)
        return
    index_document(document_for(article))


def unindex_article(page_id: int):
    with transaction.atomic():
        get_backend().delete(page_id)
        SearchDocument.objects.filter(page_id=page_id).delete()


def reindex_all(text_analyzer=None) -> int:
    """Rebuild the index from every live article; returns how many."""
    from minbar.newsroom.models import ArticlePage

    backend = get_backend()
    backend.ensure_table()
    text_analyzer = text_analyzer or analyzer()
    with transaction.atomic():
        backend.clear()
        SearchDocument.objects.all().delete()
        count = 0
        articles = ArticlePage.objects.live().filter(public_id__isnull=False)
        for article in articles.prefetch_related(
            "authors", "agencies", "tagged_items__tag"
        ):
            index_document(document_for(article), text_analyzer, backend)
            count += 1
    return count


def reindex_spellings(spellings: list[str]) -> int:
    """Re-index the articles whose text uses any of these spellings."""
    from django.db.models import Q

    from minbar.newsroom.models import ArticlePage

    forget_lexicon()
    condition = Q()
    for spelling in spellings:
        for field in ("headline", "summary", "body", "meta"):
            condition |= Q(**{f"{field}__contains": spelling})
    page_ids = SearchDocument.objects.filter(condition).values_list(
        "page_id", flat=True
    )
    articles = ArticlePage.objects.filter(pk__in=list(page_ids))
    for article in articles:
        index_article(article)
    return len(articles)


MAX_PHRASE_CANDIDATES = 2000


def phrase_hits(query, filters, order, offset, limit, text_analyzer) -> Hits:
    """Articles with all the words, kept when each phrase stands in one field."""
    candidates = get_backend().search(query, filters, order, 0, MAX_PHRASE_CANDIDATES)
    documents = SearchDocument.objects.in_bulk(candidates.page_ids)
    kept = []
    for page_id in candidates.page_ids:
        document = documents.get(page_id)
        fields = [document.headline, document.summary, document.body, document.meta]
        if all(
            any(phrase_at(text, phrase, text_analyzer) for text in fields)
            for phrase in query.phrases
        ):
            kept.append(page_id)
    page = kept[offset : offset + limit]
    return Hits(len(kept), page, {i: candidates.scores[i] for i in page})


@dataclass
class SearchResults:
    query: Query
    hits: Hits
    articles: list  # ArticlePage, in hit order, each with .snippet and .score


def run_search(
    raw: str,
    filters: Filters,
    order="relevance",
    offset=0,
    limit=20,
    text_analyzer=None,
):
    from minbar.newsroom.models import ArticlePage

    from .snippets import highlight, snippet

    text_analyzer = text_analyzer or analyzer()
    query = text_analyzer.parse(raw or "")
    if not query:
        return SearchResults(query, Hits(), [])
    if query.phrases:
        hits = phrase_hits(query, filters, order, offset, limit, text_analyzer)
    else:
        hits = get_backend().search(query, filters, order, offset, limit)
    documents = SearchDocument.objects.in_bulk(hits.page_ids)
    pages = ArticlePage.objects.select_related("image").in_bulk(hits.page_ids)
    articles = []
    for page_id in hits.page_ids:
        article, document = pages.get(page_id), documents.get(page_id)
        if article is None or document is None:
            continue
        article.score = hits.scores.get(page_id, 0.0)
        article.headline_html = highlight(document.headline, query, text_analyzer)
        article.snippet = snippet(
            "\n".join([document.summary, document.body]), query, text_analyzer
        )
        articles.append(article)
    return SearchResults(query, hits, articles)
