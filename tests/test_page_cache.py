"""The app's own copy of public pages: served again until a change purges it."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext

from minbar.delivery import kept
from minbar.delivery.pagecache import FRAGMENT_PREFIX
from minbar.newsroom.models import ArticlePage
from minbar.public import masthead
from minbar.public.models import TickerItem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(newsroom, settings):
    settings.MINBAR_PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


def queries_for(client, path, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    return response, len(queries)


def an_article() -> ArticlePage:
    return ArticlePage.objects.listing().first()


def test_a_page_is_rendered_once_then_served_without_a_query(client):
    path = f"/{an_article().public_id}"
    first, rendered = queries_for(client, path)
    again, served = queries_for(client, path)
    assert rendered > 5 and served == 0
    assert again.content == first.content and again.status_code == 200
    assert "<esi:" not in again.content.decode()  # the fragments were put in
    assert 'class="ticker"' in again.content.decode()
    assert again["Cache-Control"] == first["Cache-Control"]
    # Whole, and with the headers the first answer had.
    assert int(first["Content-Length"]) == len(first.content)
    assert int(again["Content-Length"]) == len(again.content)
    for name in ("Content-Security-Policy", "X-Frame-Options", "xkey"):
        assert again[name] == first[name], name


def test_a_ticker_change_refreshes_the_ticker_not_the_page(client):
    path = f"/{an_article().public_id}"
    client.get(path)
    TickerItem.objects.create(text="عاجل: خبر مثبت في الشريط")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(path)
    assert "عاجل: خبر مثبت في الشريط" in page.content.decode()
    # The masthead was read again for the ticker; the article was not.
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert "minbar_public_tickeritem" in read
    assert "minbar_newsroom_articlepage_authors" not in read
    assert "minbar_newsroom_articletag" not in read


def test_publishing_an_edit_shows_at_once(client):
    article = an_article()
    client.get(f"/{article.public_id}")
    client.get("/")
    article.title = "عنوان معدل يظهر فورا"
    article.save_revision().publish()
    assert (
        "عنوان معدل يظهر فورا" in client.get(f"/{article.public_id}").content.decode()
    )
    assert "عنوان معدل يظهر فورا" in client.get("/").content.decode()


def test_the_front_cache_gets_the_fragments_as_includes(client):
    path = f"/{an_article().public_id}"
    client.get(path)  # stored by a request without a front cache
    behind = client.get(path, HTTP_SURROGATE_CAPABILITY='varnish="ESI/1.0"')
    assert '<esi:include src="/_fragments/ticker"/>' in behind.content.decode()
    assert behind["Surrogate-Control"] == 'content="ESI/1.0"'
    direct = client.get(path)
    assert "<esi:" not in direct.content.decode()
    assert not direct.has_header("Surrogate-Control")


def test_staff_see_the_site_as_it_is(client, django_user_model):
    path = f"/{an_article().public_id}"
    client.get(path)
    client.force_login(django_user_model.objects.create_superuser("chief"))
    _page, queries = queries_for(client, path)
    assert queries > 5


def publish(article: ArticlePage, headline: str, on_commit) -> None:
    """As another process would: the change, its commit and its purge."""
    fresh = ArticlePage.objects.get(pk=article.pk)
    fresh.title = headline
    with on_commit(execute=True):
        fresh.save_revision().publish()


HEADLINE = "عنوان جديد نشر أثناء عرض الصفحة"


def test_a_page_rendered_while_a_publish_committed_is_not_kept(
    client, django_capture_on_commit_callbacks
):
    # A reader's request has read the article when the newsroom publishes a
    # new headline: the page it renders holds the old one, and must not be
    # served as current afterwards.
    article = an_article()
    path = f"/{article.public_id}"

    def publish_meanwhile(sender, **kwargs):
        template_rendered.disconnect(publish_meanwhile)
        publish(article, HEADLINE, django_capture_on_commit_callbacks)

    template_rendered.connect(publish_meanwhile)
    try:
        during = client.get(path).content.decode()
    finally:
        template_rendered.disconnect(publish_meanwhile)
    assert HEADLINE not in title(during)  # it had been read before
    assert HEADLINE in title(client.get(path).content.decode())


def test_a_ticker_rendered_while_a_publish_committed_is_not_kept(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    article = an_article()
    path = f"/{ArticlePage.objects.listing().exclude(pk=article.pk)[0].public_id}"
    client.get(path)  # the page is kept; its ticker is rendered again below
    cache.delete(FRAGMENT_PREFIX + "testserver/_fragments/ticker")
    kept.forget()
    read_masthead = masthead.read

    def read_then_publish(request):
        monkeypatch.setattr(masthead, "read", read_masthead)
        found = read_masthead(request)
        publish(article, HEADLINE, django_capture_on_commit_callbacks)
        return found

    monkeypatch.setattr(masthead, "read", read_then_publish)
    assert HEADLINE not in ticker(client.get(path).content.decode())
    assert HEADLINE in ticker(client.get(path).content.decode())


def ticker(page: str) -> str:
    return page.split('<section class="ticker"', 1)[1].split("</section>", 1)[0]


def title(page: str) -> str:
    return page.split("<h1", 1)[1].split("</h1>", 1)[0]
