"""Sitemaps: an index of monthly article sitemaps, the pages sitemap and Google News.

Built for a large archive.  The index comes from one aggregate query (articles
and the latest update per month of first publication); each monthly file
streams its rows from ``values_list(...).iterator()``, so memory stays flat
however many articles there are.  A month with more than ``MAX_URLS`` articles
is split into parts: ``sitemap-2024-05.xml``, ``sitemap-2024-05-2.xml`` ...
"""

import datetime
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.core.files.storage import Storage
from django.db.models import Count, Max, QuerySet
from django.db.models.functions import TruncMonth
from django.http import HttpRequest
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from wagtail.images import get_image_model
from wagtail.models import Site

from minbar.newsroom.html_body import xml_text
from minbar.newsroom.models import ArticlePage, Author, SectionPage

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
MAX_URLS = 50_000  # the protocol's limit per file
NEWS_WINDOW = datetime.timedelta(hours=48)
NEWS_MAX_URLS = 1_000  # Google News reads no more
CHUNK_ROWS = 1_000  # rows fetched, and URLs written, at a time
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def site_root(request: HttpRequest) -> str:
    """The canonical scheme and host, as in every page's ``<link rel="canonical">``."""
    site = Site.find_for_request(request)
    if site is not None:
        return site.root_url
    return f"{request.scheme}://{request.get_host()}"


def w3c_datetime(value: datetime.datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def live_articles() -> QuerySet:
    return ArticlePage.objects.listing().order_by()


# The index.


@dataclass(frozen=True)
class MonthFile:
    year: int
    month: int
    part: int
    lastmod: datetime.datetime | None

    @property
    def name(self) -> str:
        suffix = f"-{self.part}" if self.part > 1 else ""
        return f"sitemap-{self.year:04d}-{self.month:02d}{suffix}.xml"


def month_files() -> list[MonthFile]:
    """One file per month with articles (more for a month over the limit)."""
    months = (
        live_articles()
        .filter(first_published_at__isnull=False)
        .annotate(month=TruncMonth("first_published_at"))
        .values("month")
        .annotate(count=Count("pk"), lastmod=Max("last_published_at"))
        .order_by("month")
    )
    files = []
    for row in months:
        month = timezone.localtime(row["month"])
        parts = -(-row["count"] // MAX_URLS)
        files += [
            MonthFile(month.year, month.month, part, row["lastmod"])
            for part in range(1, parts + 1)
        ]
    return files


def index_lines(root: str, extra_files: Iterable[str]) -> Iterator[str]:
    yield XML_DECLARATION
    yield f'<sitemapindex xmlns="{SITEMAP_NS}">\n'
    for name in extra_files:
        yield f"<sitemap><loc>{escape(root)}/{name}</loc></sitemap>\n"
    for file in month_files():
        lastmod = (
            f"<lastmod>{w3c_datetime(file.lastmod)}</lastmod>" if file.lastmod else ""
        )
        yield f"<sitemap><loc>{escape(root)}/{file.name}</loc>{lastmod}</sitemap>\n"
    yield "</sitemapindex>\n"


# The children.


@functools.cache
def image_storage() -> Storage:
    return get_image_model()._meta.get_field("file").storage


def image_url(root: str, name: str) -> str:
    url = image_storage().url(name)
    return root + url if url.startswith("/") else url


def url_entry(
    root: str,
    loc: str,
    lastmod: datetime.datetime | None = None,
    image: str | None = None,
    extra: str = "",
) -> str:
    parts = [f"<url><loc>{escape(iri_to_uri(loc))}</loc>"]
    if lastmod:
        parts.append(f"<lastmod>{w3c_datetime(lastmod)}</lastmod>")
    if image:
        url = escape(image_url(root, image))
        parts.append(f"<image:image><image:loc>{url}</image:loc></image:image>")
    parts.append(f"{extra}</url>\n")
    return "".join(parts)


def urlset(entries: Iterable[str], namespaces: str = "") -> Iterator[str]:
    """The document around the entries, written out a chunk at a time."""
    yield f'{XML_DECLARATION}<urlset xmlns="{SITEMAP_NS}"{namespaces}>\n'
    chunk = []
    for entry in entries:
        chunk.append(entry)
        if len(chunk) == CHUNK_ROWS:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk) + "</urlset>\n"


def month_rows(year: int, month: int, part: int) -> QuerySet:
    """The part's rows: (public id, last update, image file), oldest first."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, month, 1, tzinfo=tz)
    end = datetime.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
    offset = (part - 1) * MAX_URLS
    return (
        live_articles()
        .filter(first_published_at__gte=start, first_published_at__lt=end)
        .order_by("first_published_at", "pk")
        .values_list("public_id", "last_published_at", "image__file")[
            offset : offset + MAX_URLS
        ]
    )


def month_lines(root: str, rows: QuerySet) -> Iterator[str]:
    entries = (
        url_entry(root, f"{root}/{public_id}", lastmod, image)
        for public_id, lastmod, image in rows.iterator(chunk_size=CHUNK_ROWS)
    )
    return urlset(entries, f' xmlns:image="{IMAGE_NS}"')


def pages_lines(request: HttpRequest, root: str) -> Iterator[str]:
    """The home page, the sections and the writers' pages."""
    newest = live_articles().aggregate(latest=Max("last_published_at"))["latest"]
    entries = [url_entry(root, f"{root}/", newest)]
    for section in SectionPage.objects.live().order_by("path"):
        entries.append(
            url_entry(root, section.get_full_url(request), section.last_published_at)
        )
    entries.append(url_entry(root, f"{root}/writers/"))
    writers = Author.objects.filter(articlepage__live=True).distinct()
    entries += [url_entry(root, root + w.get_absolute_url()) for w in writers]
    return urlset(entries)


def news_lines(
    root: str, publication: str, now: datetime.datetime | None = None
) -> Iterator[str]:
    """Google News: the articles first published in the last 48 hours."""
    since = (now or timezone.now()) - NEWS_WINDOW
    rows = (
        ArticlePage.objects.listing()
        .filter(first_published_at__gte=since)
        .values_list("public_id", "title", "first_published_at", "image__file")
    )[:NEWS_MAX_URLS]
    name = escape(xml_text(publication))
    entries = (
        url_entry(
            root,
            f"{root}/{public_id}",
            image=image,
            extra=(
                "<news:news><news:publication>"
                f"<news:name>{name}</news:name><news:language>ar</news:language>"
                "</news:publication>"
                f"<news:publication_date>{w3c_datetime(published)}"
                "</news:publication_date>"
                # A row written around the models may hold characters XML forbids.
                f"<news:title>{escape(xml_text(title))}</news:title></news:news>"
            ),
        )
        for public_id, title, published, image in rows.iterator()
    )
    return urlset(entries, f' xmlns:news="{NEWS_NS}" xmlns:image="{IMAGE_NS}"')


def robots_lines(root: str) -> list[str]:
    return [
        "User-agent: *",
        "Allow: /",
        "Disallow: /newsroom/",
        "Disallow: /search/",
        "",
        f"Sitemap: {root}/sitemap.xml",
        f"Sitemap: {root}/sitemap-news.xml",
        "",
    ]
