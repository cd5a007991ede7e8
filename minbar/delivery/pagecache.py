"""The app's own copy of public pages, for requests no front cache answered.

Rendering an article page costs tens of milliseconds; a burst of readers
that misses the front cache (a cold cache after a deploy, a purge of the
home page, a site run without Varnish) would pay it for every request.  So
the app keeps the public responses it renders in Django's cache (Redis in
production, files in the data folder for the embedded default), under the
same surrogate keys the front cache uses (``keys.py``), and serves them
again until a change purges one of their keys or their time is up.

Purging here is by key versions (``versions.py``): an entry remembers the
numbers of its keys when it was stored, and is stale as soon as one differs.
A lookup is two cache reads.  A page a purge came in while it was rendered
is served but not kept.

Pages are stored with their ticker and staff box as ESI includes, and the
fragments are stored on their own: a publish, which changes the ticker, does
not make every page stale here.  The fragments are put in as a page goes
out, and the page then carries their keys and is kept by the front cache no
longer than they are: a ticker change purges it there, and this copy makes
fetching it again cheap.
"""

import re
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import resolve

from . import keys, versions
from .middleware import includes_fragments

ENTRY_PREFIX = "minbar:page:"
FRAGMENT_PREFIX = "minbar:fragment:"
# Every header the response had is kept (the security headers too), except
# these: a cookie is someone's, a length changes when fragments go in.
UNKEPT_HEADERS = {"set-cookie", "content-length", "date"}
ESI_INCLUDE = re.compile(r'<esi:include src="(/_fragments/[a-z]+)"/>')
S_MAXAGE = re.compile(r"s-maxage=(\d+)")


def current(entry: dict | None) -> bool:
    """Whether a stored entry's keys have not been purged since."""
    return entry is not None and versions.read(list(entry["keys"])) == entry["keys"]


def unpurged_since(purges: int | None) -> bool:
    """Whether no purge came while a copy was made: its data may be older
    than the numbers read after it (versions.py)."""
    return purges is not None and versions.purges() == purges


def entry_name(request: HttpRequest) -> str:
    return ENTRY_PREFIX + request.get_host() + request.get_full_path()


class PageCacheMiddleware:
    """Serve a reader's GET from the app's copy when it is still current."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.applies(request):
            return self.get_response(request)
        request.renders_fragments_as_esi = True
        response = self.from_cache(request) or self.render_and_keep(request)
        return assemble(request, response)

    def applies(self, request) -> bool:
        return (
            getattr(settings, "MINBAR_PAGE_CACHE", False)
            and request.method in {"GET", "HEAD"}
            and "sessionid" not in request.COOKIES
            and not request.path.startswith(("/newsroom/", "/_health"))
        )

    def from_cache(self, request) -> HttpResponse | None:
        entry = cache.get(entry_name(request))
        if not current(entry):
            return None
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        return response

    def render_and_keep(self, request) -> HttpResponse:
        purges = versions.purges()
        response = self.get_response(request)
        seconds = S_MAXAGE.search(response.get("Cache-Control", ""))
        keep = (
            request.method == "GET"
            and seconds
            and response.has_header("xkey")
            and not response.streaming
            and not response.cookies
        )
        numbers = versions.read(response["xkey"].split()) if keep else None
        if numbers is not None and unpurged_since(purges):
            entry = {
                "status": response.status_code,
                "headers": [
                    (name, value)
                    for name, value in response.items()
                    if name.lower() not in UNKEPT_HEADERS
                ],
                "content": response.content,
                "keys": numbers,
            }
            cache.set(entry_name(request), entry, timeout=int(seconds.group(1)))
        return response


def assemble(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Put the fragments in, unless a front cache will."""
    if includes_fragments(request) or response.streaming:
        return response
    if not response.get("Content-Type", "").startswith("text/html"):
        return response
    content = response.content.decode()
    if "<esi:include" not in content:
        return response
    fragments = {
        path: fragment(request, path) for path in set(ESI_INCLUDE.findall(content))
    }
    response.content = ESI_INCLUDE.sub(
        lambda match: fragments[match.group(1)]["content"].decode(), content
    )
    # Set by CommonMiddleware for the body with its includes.
    response["Content-Length"] = str(len(response.content))
    if response.has_header("Surrogate-Control"):
        del response["Surrogate-Control"]
    if response.has_header("xkey"):
        shown = set(response["xkey"].split())
        shown.update(*(entry["keys"] for entry in fragments.values()))
        response["xkey"] = " ".join(sorted(shown))
        changes = [entry["changes"] for entry in fragments.values() if entry["changes"]]
        if changes:
            left = max(0, int(min(changes) - time.time()))
            response["Cache-Control"] = S_MAXAGE.sub(
                lambda match: f"s-maxage={min(int(match.group(1)), left)}",
                response["Cache-Control"],
            )
    return response


def fragment(request: HttpRequest, path: str) -> dict:
    """A fragment's entry, from the cache or rendered by its view: its HTML,
    its keys and when it changes by itself (a pinned item's expiry)."""
    name = FRAGMENT_PREFIX + request.get_host() + path
    entry = cache.get(name)
    if current(entry) and "changes" in entry:
        return entry
    inner = HttpRequest()
    inner.method, inner.path, inner.path_info = "GET", path, path
    inner.META = {**request.META, "PATH_INFO": path, "QUERY_STRING": ""}
    inner.COOKIES = {}
    purges = versions.purges()
    response = resolve(path).func(inner)
    shown = [keys.EVERYTHING, *sorted(getattr(inner, "surrogate_keys", ()))]
    seconds = getattr(inner, "cache_seconds", settings.MINBAR_CACHE_SECONDS)
    ceiling = getattr(inner, "cache_ceiling", None)
    if ceiling is not None:
        seconds = min(seconds, ceiling)
    numbers = versions.read(shown)
    entry = {
        "content": response.content,
        "keys": numbers or dict.fromkeys(shown, 0),
        "changes": time.time() + ceiling if ceiling is not None else None,
    }
    if numbers is not None and unpurged_since(purges):
        cache.set(name, entry, timeout=seconds)
    return entry
