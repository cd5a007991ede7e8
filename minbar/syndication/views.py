"""The feeds with conditional GET, the sitemaps (streamed) and robots.txt."""

import hashlib
from collections.abc import Callable

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.views.decorators.http import condition
from wagtail.models import Site

from minbar.delivery import keys
from minbar.public.models import PublicationSettings

from . import sitemaps
from .feeds import FEED_SIZE, ArticleFeed, full_content

XML = "application/xml; charset=utf-8"


def feed_view(
    feed_class: type[ArticleFeed], feed_type: type
) -> Callable[..., HttpResponseBase]:
    """The feed, answering 304 while its articles are unchanged.

    The validators come from the very rows the feed lists: their ids and
    update times give the ETag, the newest update the Last-Modified date.
    """
    feed = feed_class()
    feed.feed_type = feed_type

    def state(request, *args, **kwargs):
        if not hasattr(request, "_minbar_feed_state"):
            subject = feed.get_object(request, *args, **kwargs)
            rows = list(
                feed.articles(subject).values_list("pk", "last_published_at")[
                    :FEED_SIZE
                ]
            )
            key = repr((feed_type.__name__, full_content(), rows))
            etag = hashlib.sha256(key.encode()).hexdigest()[:32]
            updates = [updated for _pk, updated in rows if updated]
            request._minbar_feed_state = (etag, max(updates, default=None))
        return request._minbar_feed_state

    def etag(request, *args, **kwargs):
        return state(request, *args, **kwargs)[0]

    def last_modified(request, *args, **kwargs):
        return state(request, *args, **kwargs)[1]

    return condition(etag_func=etag, last_modified_func=last_modified)(feed)


def sitemap_index(request: HttpRequest) -> HttpResponse:
    root = sitemaps.site_root(request)
    lines = sitemaps.index_lines(root, ["sitemap-pages.xml"])
    return HttpResponse("".join(lines), content_type=XML)


def sitemap_pages(request: HttpRequest) -> HttpResponse:
    root = sitemaps.site_root(request)
    return HttpResponse("".join(sitemaps.pages_lines(request, root)), content_type=XML)


def sitemap_month(
    request: HttpRequest, year: str, month: str, part: str | None = None
) -> StreamingHttpResponse:
    # The first part has one name only: sitemap-2024-05.xml, never ...-05-1.xml.
    if (part is not None and int(part) < 2) or not 1 <= int(month) <= 12:
        raise Http404
    rows = sitemaps.month_rows(int(year), int(month), int(part or 1))
    if not rows[:1]:
        raise Http404
    keys.add(request, keys.sitemap_key(int(year), int(month)))
    root = sitemaps.site_root(request)
    return StreamingHttpResponse(sitemaps.month_lines(root, rows), content_type=XML)


def sitemap_news(request: HttpRequest) -> StreamingHttpResponse:
    site = Site.find_for_request(request)
    name = PublicationSettings.for_site(site).name if site else ""
    root = sitemaps.site_root(request)
    return StreamingHttpResponse(sitemaps.news_lines(root, name), content_type=XML)


def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = sitemaps.robots_lines(sitemaps.site_root(request))
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
