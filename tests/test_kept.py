"""What each app process keeps: read once, read again after a change.

The masthead (identity, sections, staff box, ticker) is the same on every
page, and an article's related stories are its section's newest; a process
keeps them until a change purges their keys, or a pinned ticker item
expires (minbar/delivery/kept.py, minbar/public/masthead.py).  Each test
here makes the change the way the newsroom does, and looks for it on the
next page a reader gets.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from minbar.delivery import versions
from minbar.delivery.kept import kept
from minbar.delivery.redis_cache import DegradingRedisCache
from minbar.newsroom.models import ArticlePage, SectionPage
from minbar.public.models import (
    HomePage,
    PublicationSettings,
    StaffLine,
    TickerItem,
)

pytestmark = pytest.mark.django_db

MASTHEAD_TABLES = (
    "wagtailcore_site",
    "minbar_public_publicationsettings",
    "minbar_public_staffline",
    "minbar_public_tickeritem",
)


@pytest.fixture(autouse=True)
def demo(newsroom):
    cache.clear()
    yield
    cache.clear()


def an_article() -> ArticlePage:
    return ArticlePage.objects.listing().filter(image__isnull=False).first()


def page_and_tables(client, path):
    """The page's HTML, and the masthead tables its rendering read."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    read = " ".join(query["sql"] for query in queries.captured_queries)
    return response.content.decode(), {t for t in MASTHEAD_TABLES if f'"{t}"' in read}


def test_the_masthead_is_read_once_then_kept(client):
    path = f"/{an_article().public_id}"
    first, read_first = page_and_tables(client, path)
    again, read_again = page_and_tables(client, path)
    assert read_first == set(MASTHEAD_TABLES)
    assert read_again == set()
    assert again == first
    # Another page of the same site shows the same masthead, unread (Wagtail
    # looks the site up itself to route a page of its tree).
    _home, read_home = page_and_tables(client, "/")
    assert read_home <= {"wagtailcore_site"}


def test_a_published_story_is_in_the_next_pages_ticker(client):
    path = f"/{an_article().public_id}"
    client.get(path)
    section = SectionPage.objects.live().filter(depth=3).first()
    story = section.add_child(
        instance=ArticlePage(title="خبر منشور للتو يظهر في الشريط", live=False)
    )
    story.save_revision().publish()
    html, _read = page_and_tables(client, path)
    ticker = html.split('class="ticker"', 1)[1].split("</section>", 1)[0]
    assert "خبر منشور للتو يظهر في الشريط" in ticker


def test_a_new_story_is_among_the_next_pages_related_stories(client):
    article = an_article()
    path = f"/{article.public_id}"
    client.get(path)
    story = article.get_parent().add_child(
        instance=ArticlePage(title="قصة جديدة في القسم نفسه", live=False)
    )
    story.save_revision().publish()
    html = client.get(path).content.decode()
    related = html.split('id="related-title"', 1)[1].split("</aside>", 1)[0]
    assert "قصة جديدة في القسم نفسه" in related


def test_the_curated_lead_story_shows_on_the_next_home_page(client):
    client.get("/")
    home = HomePage.objects.get()
    chosen = ArticlePage.objects.listing().last()  # the oldest: not the lead unasked
    home.lead_story = chosen
    home.save_revision().publish()
    assert f'href="/{chosen.public_id}"' in lead_story(client.get("/").content.decode())


def test_one_picture_in_two_articles_keeps_each_articles_description(client):
    first, second = ArticlePage.objects.listing().filter(image__isnull=False)[:2]
    second.image = first.image
    second.image_alt = "وصف الصورة في المقال الثاني"
    second.save_revision().publish()
    first.image_alt = "وصف الصورة في المقال الأول"
    first.save_revision().publish()
    for article in (first, second, first):
        html = client.get(f"/{article.public_id}").content.decode()
        figure = html.split("<figure>", 1)[1].split("</figure>", 1)[0]
        assert f'alt="{article.image_alt}"' in figure


def test_a_staff_box_change_shows_on_the_next_page(client):
    client.get("/")
    StaffLine.objects.create(
        publication=PublicationSettings.objects.first(),
        role="مدير التحرير",
        person="اسم أضيف الآن",
    )
    html, read = page_and_tables(client, "/")
    assert "اسم أضيف الآن" in html
    assert "minbar_public_staffline" in read


def test_a_new_name_shows_on_the_next_page(client):
    client.get("/")
    publication = PublicationSettings.objects.first()
    publication.name = "منبر المساء"
    publication.save()
    html = client.get(f"/{an_article().public_id}").content.decode()
    assert '<span class="brand-name">منبر المساء</span>' in html


def test_a_renamed_section_shows_in_the_next_pages_navigation(client):
    client.get("/")
    section = SectionPage.objects.live().filter(depth=3).first()
    section.title = "قسم باسم جديد"
    section.save_revision().publish()
    html = client.get(f"/{an_article().public_id}").content.decode()
    nav = html.split('<nav class="sections"', 1)[1].split("</nav>", 1)[0]
    assert "قسم باسم جديد" in nav


def test_a_preview_of_the_home_page_shows_its_draft_and_keeps_nothing(client):
    client.get("/")  # the live front is kept
    home = HomePage.objects.get()
    chosen = ArticlePage.objects.listing().last()
    home.lead_story = chosen
    home.save_revision()  # a draft: not published
    draft = home.get_latest_revision_as_object()
    preview = draft.make_preview_request()  # as the newsroom's preview panel
    lead = f'href="/{chosen.public_id}"'
    assert preview.status_code == 200
    assert lead in lead_story(preview.render().content.decode())
    assert lead not in lead_story(client.get("/").content.decode())


def lead_story(html):
    return html.split('<article class="teaser lead">', 1)[1].split("</article>", 1)[0]


def test_a_pinned_item_leaves_the_ticker_when_it_expires(client, monkeypatch):
    now = timezone.now()
    TickerItem.objects.create(
        text="عاجل ينتهي بعد ساعة", expires_at=now + datetime.timedelta(hours=1)
    )
    assert "عاجل ينتهي بعد ساعة" in client.get("/").content.decode()
    # Nothing purges an expiry; the kept masthead knows its own time.
    later = now + datetime.timedelta(hours=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "عاجل ينتهي بعد ساعة" not in client.get("/").content.decode()


def test_nothing_is_kept_while_the_shared_cache_is_down(client, settings, monkeypatch):
    # The cache remembers an outage until it reaches Redis again: not past this test.
    monkeypatch.setattr(DegradingRedisCache, "_outage", False)
    closed = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "minbar.delivery.redis_cache.DegradingRedisCache",
            "LOCATION": closed,
        },
    }
    client.get("/")
    # Its purge cannot be recorded: a kept masthead would go on without it.
    TickerItem.objects.create(text="عاجل أثناء انقطاع الذاكرة المشتركة")
    html, read = page_and_tables(client, "/")
    assert "عاجل أثناء انقطاع الذاكرة المشتركة" in html
    assert read == set(MASTHEAD_TABLES)


def test_a_kept_value_is_read_again_after_its_keys_are_purged():
    reads = []

    def read():
        reads.append(len(reads) + 1)
        return reads[-1]

    assert kept("answer", ["s1"], read) == 1
    assert kept("answer", ["s1"], read) == 1
    versions.bump(["t1"])  # another key
    assert kept("answer", ["s1"], read) == 1
    versions.bump(["s1"])
    assert kept("answer", ["s1"], read) == 2
    assert kept("answer", ["s1"], read) == 2
    # Emptied (after an outage, say): the numbers are forgotten, and with
    # them what was kept.
    cache.clear()
    assert kept("answer", ["s1"], read) == 3
    # One key evicted alone, after a purge that this process did not see the
    # value through: its number must not fall back to where it was.
    assert kept("other", ["s2"], read) == 4
    versions.bump(["s2"])
    cache.delete(versions.PREFIX + "s2")
    assert kept("other", ["s2"], read) == 5
