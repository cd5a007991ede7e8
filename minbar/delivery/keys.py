"""Surrogate keys: what a cached response shows, and what a change touches.

Every public response is cached by the front cache (Varnish with its xkey
module) under keys, sent in the ``xkey`` header:

- ``p-<hash>``: the response's path, without its query;
- ``a<id>``: an article whose page, headline or teaser the response shows;
- ``s<id>``, ``t<id>``, ``w<id>``, ``day-<date>``: a section's, tag's or
  writer's list of articles, or a day's, on its pages and in its feeds;
- ``ticker`` and ``staff``: the two fragments every page shows;
- ``i<id>``: a picture the response shows (its <img> or <picture>, or a
  link to one of its renditions);
- ``pictures``: no response; what each process keeps with pictures in it
  (kept.py) is read again when any picture changes;
- ``site``: every response, for what every page shows (the publication's
  name, the sections' navigation);
- ``sitemap-<year>-<month>``: the parts of a month's sitemap.

A change purges the keys of what shows it, and nothing else: publishing an
article purges its own page, the pages that list it (home, its sections,
tags and writers, its day, their feeds, the sitemaps) and the ticker.  In
the front cache that is every page, for every page shows the ticker; the
app's page cache keeps pages apart from it, so there only the ticker goes.
"""

import datetime
import hashlib
from collections.abc import Iterable

from django.http import HttpRequest
from django.utils import timezone

EVERYTHING = "site"
TICKER = "ticker"
STAFF = "staff"
PICTURES = "pictures"


def path_key(path: str) -> str:
    return "p-" + hashlib.blake2b(path.encode(), digest_size=8).hexdigest()


def article_key(page_id: int) -> str:
    return f"a{page_id}"


def image_key(image_id: int) -> str:
    return f"i{image_id}"


def sitemap_key(year: int, month: int) -> str:
    return f"sitemap-{year}-{month:02}"


def add(request: HttpRequest, *keys: str) -> None:
    """Say that the response to this request shows what the keys name."""
    if not hasattr(request, "surrogate_keys"):
        request.surrogate_keys = set()
    request.surrogate_keys.update(keys)


def show_articles(request: HttpRequest, articles: Iterable) -> None:
    add(request, *(article_key(article.pk) for article in articles))


def show_image(request: HttpRequest | None, image) -> None:
    if request is not None and image is not None:
        add(request, image_key(image.pk))


def of_response(request: HttpRequest) -> list[str]:
    keys = {EVERYTHING, path_key(request.path), *getattr(request, "surrogate_keys", ())}
    return sorted(keys)


def touched_by_article(article) -> set[str]:
    """Every key of what shows the article, or would once it is published."""
    from minbar.newsroom.models import SectionPage

    # Lists of the newest articles of the whole site, at fixed addresses.
    paths = {"/", "/feed/", "/feed/atom/", "/sitemap.xml", "/sitemap-news.xml"}
    paths |= {"/api/ninjs/", f"/{article.public_id}", f"/api/ninjs/{article.public_id}"}
    keys = {path_key(path) for path in paths}
    keys |= {article_key(article.pk), TICKER, "writers"}
    sections = SectionPage.objects.ancestor_of(article).values_list("pk", flat=True)
    keys |= {f"s{pk}" for pk in sections}
    keys |= {f"t{pk}" for pk in article.tags.values_list("pk", flat=True)}
    keys |= {f"w{pk}" for pk in article.authors.values_list("pk", flat=True)}
    if article.first_published_at is not None:
        day = timezone.localdate(article.first_published_at)
        keys |= {day_key(day), sitemap_key(day.year, day.month)}
    return keys


def day_key(day: datetime.date) -> str:
    return f"day-{day.isoformat()}"


def touched_by_image(image) -> set[str]:
    """Every key of what shows the picture.  Wagtail deletes a picture's
    renditions when its file is replaced: a page still linking to them would
    show a broken picture.  The articles it illustrates are purged as for an
    edit (their feeds, sitemaps and API entries link renditions), but not the
    ticker, which shows no picture."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    from minbar.newsroom.models import ArticlePage

    illustrated = ReferenceIndex.get_references_to(image).filter(
        content_type=ContentType.objects.get_for_model(ArticlePage)
    )
    ids = {int(pk) for pk in illustrated.values_list("object_id", flat=True)}
    keys = {image_key(image.pk), PICTURES}
    for article in ArticlePage.objects.filter(pk__in=ids):
        keys |= touched_by_article(article) - {TICKER}
    return keys
