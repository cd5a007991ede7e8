"""The search page and its JSON twin, built from the same search."""

from django.core.paginator import Page, Paginator
from django.http import JsonResponse
from django.shortcuts import render

from minbar.api.encoders import HtmlSafeJSONEncoder
from minbar.delivery.middleware import cache_for

from .backends import Filters
from .forms import SearchForm
from .services import run_search

PAGE_SIZE = 20
MAX_PAGE = 10_000


class _Hits:
    """A sequence of the right length for the paginator, without fetching it all."""

    def __init__(self, total):
        self.total = total

    def __len__(self):
        return self.total

    def __getitem__(self, item):
        return []


def search_results(request):
    form = SearchForm(request.GET or None)
    query_text = form.cleaned_data["q"] if form.is_valid() else ""
    page_number = request.GET.get("page") or 1
    paginator = Paginator(_Hits(0), PAGE_SIZE)
    results = None
    if query_text:
        try:
            # A page beyond the last shows the last; never an offset the
            # database cannot hold.
            number = min(max(1, int(page_number)), MAX_PAGE)
        except ValueError:
            number = 1
        sort = form.cleaned_data.get("sort") or "relevance"
        results = run_search(
            query_text, form.filters(), sort, (number - 1) * PAGE_SIZE, PAGE_SIZE
        )
        paginator = Paginator(_Hits(results.hits.total), PAGE_SIZE)
        number = min(number, paginator.num_pages)
        page = Page(results.articles, number, paginator)
    else:
        page = Page([], 1, paginator)
    return form, query_text, results, page


def suggestions(form, query_text, results):
    """When nothing matched: single words that do match, and dropping filters."""
    if not results or results.hits.total or not results.query:
        return {}
    words = [term.text for term in results.query.terms]
    hint = {"words": []}
    if len(words) > 1:
        for word in words:
            total = run_search(word, form.filters(), limit=1).hits.total
            if total:
                hint["words"].append((word, total))
    if form.has_filters:
        hint["without_filters"] = run_search(query_text, Filters(), limit=1).hits.total
    return hint


# Search results are not purged when an article changes: they are kept a
# few minutes only.
SEARCH_CACHE_SECONDS = 300


def search(request):
    cache_for(request, SEARCH_CACHE_SECONDS)
    form, query_text, results, page = search_results(request)
    return render(
        request,
        "minbar/search/search.html",
        {
            "form": form,
            "query_text": query_text,
            "results": results,
            "page_obj": page,
            "hint": suggestions(form, query_text, results),
        },
    )


def search_json(request):
    cache_for(request, SEARCH_CACHE_SECONDS)
    form, query_text, results, page = search_results(request)
    items = [
        {
            "id": article.public_id,
            "url": request.build_absolute_uri(f"/{article.public_id}"),
            "headline": article.title,
            "score": round(article.score, 6),
            "first_published_at": article.first_published_at.isoformat()
            if article.first_published_at
            else None,
        }
        for article in page.object_list
    ]
    return JsonResponse(
        {
            "query": query_text,
            "total": results.hits.total if results else 0,
            "total_is_lower_bound": bool(results and results.hits.capped),
            "page": page.number,
            "pages": page.paginator.num_pages,
            "errors": form.errors.get_json_data() if form.is_bound else {},
            "results": items,
        },
        encoder=HtmlSafeJSONEncoder,
        json_dumps_params={"ensure_ascii": False},
    )
