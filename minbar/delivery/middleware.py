"""Cache headers for the front cache, on every public response.

A public response (a reader's GET, not the newsroom, setting no cookie) is
sent with ``Cache-Control: public, max-age=0, s-maxage=<ttl>``: browsers
ask again each time, the front cache keeps it for the ttl or until a change
purges it (``xkey``: the keys of what it shows, see ``keys.py``).  Because
changes purge, the ttl can be long; it is short only where time itself
changes a page (the home page's "5 minutes ago") or where no change is
tracked (search results).

The ticker and the staff box are rendered in place, and a page that shows
them carries their keys and is kept no longer than the ticker stays as it
is (a pinned item's expiry).  The app's page cache stores pages with the two
as ESI includes and fills them in per request (``pagecache.py``); a front
cache that announces ``Surrogate-Capability: ...ESI/1.0`` gets the includes
too, though the shipped VCL does not: Varnish assembling every page costs
it two thirds of its speed (docs/operations.md).
"""

from django.conf import settings
from django.http import HttpRequest

from . import keys

CACHEABLE_STATUSES = {200, 301, 404, 410}
PRIVATE_PREFIXES = ("/newsroom/", "/documents/", "/_health")


def cache_for(request: HttpRequest, seconds: int) -> None:
    """How long the front cache may keep the response, unless purged first."""
    request.cache_seconds = seconds


def cache_at_most(request: HttpRequest, seconds: int) -> None:
    """Something the response shows changes by itself in ``seconds``."""
    request.cache_ceiling = min(seconds, getattr(request, "cache_ceiling", seconds))


def includes_fragments(request: HttpRequest) -> bool:
    """Whether the front cache assembles the page from ESI fragments."""
    return "ESI/1.0" in request.META.get("HTTP_SURROGATE_CAPABILITY", "")


def fragments_as_includes(request: HttpRequest) -> bool:
    """Whether the page is rendered with ESI includes: for the front cache, or
    for the app's page cache, which puts the fragments in itself."""
    return includes_fragments(request) or getattr(
        request, "renders_fragments_as_esi", False
    )


class FrontCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not self.is_public(request, response):
            return response
        seconds = getattr(request, "cache_seconds", None)
        if seconds is None:
            seconds = settings.MINBAR_CACHE_SECONDS
            if response.status_code >= 400:
                seconds = min(seconds, settings.MINBAR_CACHE_SECONDS_MISSING)
        seconds = min(seconds, getattr(request, "cache_ceiling", seconds))
        response["Cache-Control"] = f"public, max-age=0, s-maxage={seconds}"
        response["xkey"] = " ".join(keys.of_response(request))
        html = response.get("Content-Type", "").startswith("text/html")
        if html and fragments_as_includes(request):
            response["Surrogate-Control"] = 'content="ESI/1.0"'
        return response

    def is_public(self, request, response) -> bool:
        if request.method not in {"GET", "HEAD"}:
            return False
        if response.status_code not in CACHEABLE_STATUSES:
            return False
        if response.has_header("Cache-Control") or response.cookies:
            return False  # the view decided, or the response is someone's
        if request.path.startswith(PRIVATE_PREFIXES):
            return False
        user = getattr(request, "user", None)
        return not (user is not None and user.is_authenticated)
