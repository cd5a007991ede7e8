"""Delivery budgets: the bytes a reader downloads for a page.

Queries per page type have their budgets in test_pages.py.  A budget that fails
names the size and the budget; raise one only with a reason written beside it.
"""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import timezone

from minbar.newsroom.models import ArticlePage, Author, SectionPage

from .conftest import require_seed

pytestmark = pytest.mark.django_db

# The article page's HTML, uncompressed: the seed article (about 17 KB with
# its picture in three formats and sizes) and a demo story with related stories
# (about 21.5 KB) leave room for a longer story; past this, look at the markup.
ARTICLE_HTML_BUDGET = 30 * 1024
# The stylesheet is about 11.9 KB, and the public site needs no JavaScript.
# A bigger stylesheet is a decision: raise this with a reason.
CSS_JS_BUDGET = 12 * 1024


class Assets(HTMLParser):
    """The stylesheets and scripts a page links, and the types of its scripts."""

    def __init__(self):
        super().__init__()
        self.stylesheets, self.script_sources, self.script_types = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split():
            self.stylesheets.append(attrs["href"])
        elif tag == "script":
            self.script_types.append(attrs.get("type"))
            if attrs.get("src"):
                self.script_sources.append(attrs["src"])


def assets(html):
    parser = Assets()
    parser.feed(html)
    return parser


def static_file(url):
    """The file a static URL serves, found as the staticfiles finders find it."""
    assert url.startswith(settings.STATIC_URL), f"{url} is not one of our files"
    path = finders.find(url.removeprefix(settings.STATIC_URL))
    assert path, f"{url} is linked but no static file is found for it"
    return Path(path)


def public_pages():
    article = ArticlePage.objects.listing().filter(image__isnull=False).first()
    column = ArticlePage.objects.listing().filter(article_type="opinion").first()
    tag = article.tags.first()
    day = timezone.localtime(article.first_published_at).date()
    return [
        "/",
        SectionPage.objects.get(slug="world").url,
        f"/{article.public_id}",
        f"/{column.public_id}",
        Author.objects.get(slug="salma-alrashed").get_absolute_url(),
        "/writers/",
        f"/tags/{tag.slug}/",
        f"/archive/{day:%Y/%m/%d}/",
        "/search/?q=الأوقاف",
        "/no-such-page/",
    ]


def article_with_related():
    """A demo story with a photo and related stories: the fullest article page."""
    for article in ArticlePage.objects.listing().filter(image__isnull=False):
        if article.related_articles():
            return article
    raise AssertionError("the demo has no story with a photo and related stories")


def assert_article_html_within_budget(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    size = len(response.content)
    assert size <= ARTICLE_HTML_BUDGET, (
        f"{url}: the article page is {size:,} bytes of HTML, "
        f"over its budget of {ARTICLE_HTML_BUDGET:,}"
    )


def test_seed_article_html_is_within_budget(client, newsroom):
    require_seed()
    assert_article_html_within_budget(client, "/33234")


def test_demo_article_html_is_within_budget(client, newsroom):
    assert_article_html_within_budget(client, f"/{article_with_related().public_id}")


def test_public_pages_link_no_script_and_css_within_budget(client, newsroom):
    for url in public_pages():
        response = client.get(url)
        assert response.status_code in (200, 404), url
        linked = assets(response.content.decode())
        assert linked.stylesheets, f"{url} links no stylesheet"
        files = [*linked.stylesheets, *linked.script_sources]
        size = sum(static_file(href).stat().st_size for href in files)
        assert size <= CSS_JS_BUDGET, (
            f"{url}: {size:,} bytes of CSS and JavaScript, "
            f"over the budget of {CSS_JS_BUDGET:,}"
        )
        # Structured data is the only script: the public site runs none.
        assert linked.script_sources == [], f"{url} links {linked.script_sources}"
        assert set(linked.script_types) <= {"application/ld+json"}, (
            f"{url} has scripts of types {linked.script_types}"
        )
