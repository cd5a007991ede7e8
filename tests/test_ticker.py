"""The ticker: pinned breaking items first, in their order, then the newest."""

import datetime

import pytest
from django.utils import timezone

from minbar.newsroom.models import ArticlePage, SectionPage
from minbar.public.models import PublicationSettings, TickerItem
from minbar.public.ticker import ticker_entries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _newsroom(newsroom):
    pass


def ticker_texts(html):
    ticker = html.split('class="ticker"')[1].split("</section>")[0]
    return ticker


def test_pinned_items_come_first_in_their_order_then_latest_headlines():
    TickerItem.objects.all().delete()
    TickerItem.objects.create(text="ثانيًا", sort_order=2)
    TickerItem.objects.create(text="أولًا", sort_order=1, url="/1001")
    entries = ticker_entries(size=12)
    assert [e.text for e in entries[:2]] == ["أولًا", "ثانيًا"]
    assert entries[0].pinned and entries[0].url == "/1001"
    latest = list(ArticlePage.objects.listing()[:12])
    assert [e.text for e in entries[2:]] == [a.title for a in latest]
    assert [e.url for e in entries[2:]] == [f"/{a.public_id}" for a in latest]
    assert not any(e.pinned for e in entries[2:])


def test_expired_items_disappear_without_a_deploy(client):
    now = timezone.now()
    TickerItem.objects.all().delete()
    TickerItem.objects.create(
        text="عاجل ينتهي بعد ساعة", expires_at=now + datetime.timedelta(hours=1)
    )
    TickerItem.objects.create(
        text="عاجل انتهى", expires_at=now - datetime.timedelta(minutes=1)
    )
    html = ticker_texts(client.get("/").content.decode())
    assert "عاجل ينتهي بعد ساعة" in html
    assert "عاجل انتهى" not in html
    later = now + datetime.timedelta(hours=2)
    assert "عاجل ينتهي بعد ساعة" not in [e.text for e in ticker_entries(now=later)]


def test_ticker_size_is_set_by_the_newsroom(client):
    TickerItem.objects.all().delete()
    settings = PublicationSettings.objects.get()
    settings.ticker_size = 3
    settings.save()
    html = ticker_texts(client.get("/").content.decode())
    assert html.count("<li") == 3


def test_a_newly_published_article_enters_the_ticker_at_the_front(client):
    section = SectionPage.objects.get(slug="economy")
    article = section.add_child(
        instance=ArticlePage(title="البورصة تغلق على ارتفاع قياسي")
    )
    article.save_revision().publish()
    entries = [e for e in ticker_entries() if not e.pinned]
    assert entries[0].text == "البورصة تغلق على ارتفاع قياسي"
    assert entries[0].url == f"/{article.public_id}"
    # Every public page carries it, before the main content.
    article_html = client.get("/1019").content.decode()
    assert article_html.index("البورصة تغلق على ارتفاع قياسي") < article_html.index(
        "<main"
    )


def test_unpublished_articles_leave_the_ticker():
    newest = ArticlePage.objects.listing().first()
    newest.unpublish()
    assert newest.title not in [e.text for e in ticker_entries()]


def test_ticker_links_escape_their_text(client):
    TickerItem.objects.create(text='<script>alert("x")</script>', sort_order=-1)
    html = client.get("/").content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html
