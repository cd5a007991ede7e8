"""The incoming queue (الوارد) and the wire sources, over HTTP in the newsroom.

Items are queued as the wires queue them (``services.receive``), then listed,
filtered, searched, inspected, made into draft articles or rejected by a
writer and an editor, each a member of their group only.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override
from PIL import Image as PILImage
from wagtail.models import PageLogEntry

from minbar.ingest import services, views
from minbar.ingest.items import Picture, WireItem
from minbar.ingest.models import IncomingItem, WireSource
from minbar.newsroom.models import ArticlePage
from minbar.newsroom.roles import EDITOR, WRITER

from .test_permissions import client_for, member

pytestmark = pytest.mark.django_db

ADMIN = "/newsroom/"
QUEUE = f"{ADMIN}incoming/"
SOURCES = f"{ADMIN}snippets/minbar_ingest/wiresource/"
WIRE = "test-wire"

MOSCOW = WireItem(
    format="ninjs",
    guid="test-1",
    headline="وزير الخارجية يصل إلى موسكو في زيارة رسمية",
    summary="زيارة تستمر ثلاثة أيام.",
    body_html=(
        "<p>بدأ وزير الخارجية اليوم زيارة رسمية إلى موسكو تتناول المباحثات فيها"
        " التعاون الاقتصادي.</p><script>alert(1)</script>"
        '<p onclick="steal()">ويلتقي الوزير نظيره الروسي غدًا.</p>'
    ),
    byline="مراسل الوكالة",
    urgency=3,
    located="موسكو",
    pictures=[
        Picture(
            href="moscow.jpg",
            caption="الوزير لدى وصوله إلى مطار موسكو",
            credit="تصوير الوكالة",
        )
    ],
)
RAIN = WireItem(
    format="ninjs",
    guid="test-2",
    headline="أمطار غزيرة تغمر شوارع الإسكندرية",
    body_html="<p>غمرت الأمطار شوارع المدينة الساحلية صباح اليوم.</p>",
    urgency=2,
    located="الإسكندرية",
)
GOLD = WireItem(
    format="rss",
    guid="other-1",
    headline="ارتفاع أسعار الذهب في الأسواق المحلية",
    body_html="<p>ارتفعت أسعار الذهب للأسبوع الثالث.</p>",
)


@pytest.fixture
def writer():
    return member("writer", WRITER)


@pytest.fixture
def editor():
    return member("editor", EDITOR)


@pytest.fixture(params=["writer", "editor"])
def staff(request):
    """Each test runs as a writer and as an editor: both work the queue."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def items(tmp_path):
    """Three queued items from two sources; the first source drops pictures."""
    PILImage.new("RGB", (64, 48), "navy").save(tmp_path / "moscow.jpg")
    WireSource.objects.create(name=WIRE, folder=str(tmp_path))
    queued = {}
    for name, item, source in (
        ("moscow", MOSCOW, WIRE),
        ("rain", RAIN, WIRE),
        ("gold", GOLD, "other-wire"),
    ):
        outcome = services.receive(item, f"{source}.json", services.Destination(source))
        assert outcome.outcome == "queued", outcome
        queued[name] = IncomingItem.objects.get(source=source, guid=item.guid)
    return queued


def inspect_url(item):
    return f"{QUEUE}inspect/{item.pk}/"


def use_url(item):
    return f"{QUEUE}use/{item.pk}/"


def reject_url(item):
    return f"{QUEUE}reject/{item.pk}/"


def html(response):
    assert response.status_code == 200
    return response.content.decode()


def listed(response):
    """The headlines a queue page lists, in their order."""
    page = html(response)
    headlines = (MOSCOW.headline, RAIN.headline, GOLD.headline)
    return sorted((h for h in headlines if h in page), key=page.index)


def levels(response):
    return [m.level_tag for m in get_messages(response.wsgi_request)]


# The queue


def test_queue_lists_items_newest_first(staff, items):
    client = client_for(staff)
    response = client.get(QUEUE)
    assert listed(response) == [GOLD.headline, RAIN.headline, MOSCOW.headline]
    page = html(response)
    # Each new item offers its two actions, as forms that POST.
    for item in items.values():
        assert f'action="{use_url(item)}"' in page
        assert f'action="{reject_url(item)}"' in page
    assert 'method="post"' in page
    # Received a moment ago, in Arabic; the dateline and urgency are shown.
    assert "الآن" in page
    assert "الإسكندرية" in page
    # The queue is in the menu.
    assert f'"{QUEUE}"' in html(client.get(ADMIN))


def test_queue_queries_do_not_grow_with_its_length(editor, items):
    client = client_for(editor)
    services.use_item(items["moscow"])
    client.get(QUEUE)  # the session and the permission caches
    with CaptureQueriesContext(connection) as short:
        client.get(QUEUE)
    for n in range(10):
        item = WireItem(format="rss", guid=f"more-{n}", headline=f"خبر إضافي {n}")
        services.receive(item, "more.xml", services.Destination("more-wire"))
    services.use_item(IncomingItem.objects.get(guid="more-0"))
    with CaptureQueriesContext(connection) as long:
        assert len(listed(client.get(QUEUE))) == 3
    assert len(long) == len(short), [q["sql"][:120] for q in long]


def test_queue_filters_by_source_and_status(staff, items):
    client = client_for(staff)
    assert listed(client.get(QUEUE, {"source": "other-wire"})) == [GOLD.headline]
    assert listed(client.get(QUEUE, {"source": WIRE})) == [
        RAIN.headline,
        MOSCOW.headline,
    ]
    IncomingItem.objects.filter(pk=items["rain"].pk).update(status="rejected")
    assert listed(client.get(QUEUE, {"status": "rejected"})) == [RAIN.headline]
    assert listed(client.get(QUEUE, {"status": "new"})) == [
        GOLD.headline,
        MOSCOW.headline,
    ]
    # The filter as the admin's script asks for it: the results fragment.
    fragment = client.get(f"{QUEUE}results/", {"source": WIRE, "status": "new"})
    assert listed(fragment) == [MOSCOW.headline]


def test_queue_filters_by_received_date(staff, items):
    client = client_for(staff)
    day = items["moscow"].received_at.date().isoformat()
    everything = [GOLD.headline, RAIN.headline, MOSCOW.headline]
    assert listed(client.get(QUEUE, {"received_at_from": day})) == everything
    assert listed(client.get(QUEUE, {"received_at_to": "2001-01-01"})) == []


@pytest.mark.parametrize(
    ("word", "found"),
    [
        ("الإسكندرية", RAIN.headline),  # in the headline
        ("المباحثات", MOSCOW.headline),  # in the body only
        ("ثلاثة أيام", MOSCOW.headline),  # in the summary only
        ("الذهب", GOLD.headline),
    ],
)
def test_queue_search_finds_arabic_words(editor, items, word, found):
    response = client_for(editor).get(QUEUE, {"q": word})
    assert listed(response) == [found]


def test_inspect_shows_the_item(staff, items):
    page = html(client_for(staff).get(inspect_url(items["moscow"])))
    # The body as HTML, cleaned: its paragraphs, without script or handler.
    assert "<p>بدأ وزير الخارجية اليوم زيارة رسمية" in page
    assert "<p>ويلتقي الوزير نظيره الروسي غدًا.</p>" in page
    assert "alert(1)" not in page
    assert "steal()" not in page
    for text in (
        MOSCOW.headline,
        MOSCOW.summary,
        MOSCOW.byline,
        "موسكو",
        "الوزير لدى وصوله إلى مطار موسكو",  # the picture's caption
        "تصوير الوكالة",  # its credit
        "moscow.jpg",
    ):
        assert text in page, text
    assert f'action="{use_url(items["moscow"])}"' in page
    assert 'name="csrfmiddlewaretoken"' in page


# The actions


def test_create_article_makes_a_draft_from_the_item(staff, items):
    client = client_for(staff)
    incoming = items["moscow"]
    response = client.post(use_url(incoming))

    article = ArticlePage.objects.get(wire_items=incoming)
    assert response.status_code == 302
    assert response.url == f"{ADMIN}pages/{article.pk}/edit/"
    assert "success" in levels(response)
    assert not article.live
    # What the editor opens: the draft's latest revision.
    draft = article.get_latest_revision_as_object()
    assert draft.title == MOSCOW.headline
    assert draft.summary == MOSCOW.summary
    assert draft.dateline == "موسكو"
    assert "بدأ وزير الخارجية اليوم" in str(draft.body)
    assert draft.image is not None
    assert draft.image_caption == "الوزير لدى وصوله إلى مطار موسكو"
    assert draft.image_credit == "تصوير الوكالة"
    assert article.latest_revision.user == staff
    # The page's history names them too.
    created = PageLogEntry.objects.get(page=article, action="wagtail.create")
    assert created.user == staff
    # Whoever made the draft owns it, so a writer can go on editing it.
    assert article.owner == staff
    editor_page = html(client.get(response.url))
    assert "الوزير لدى وصوله إلى مطار موسكو" in editor_page

    incoming.refresh_from_db()
    assert incoming.status == IncomingItem.Status.USED
    assert incoming.article_id == article.pk
    # The queue now links to the article instead of offering the actions.
    page = html(client.get(QUEUE))
    assert f'href="{ADMIN}pages/{article.pk}/edit/"' in page
    assert f'action="{use_url(incoming)}"' not in page
    assert f'href="{ADMIN}pages/{article.pk}/edit/"' in html(
        client.get(inspect_url(incoming))
    )


def test_an_item_makes_one_article_only(editor, items):
    client = client_for(editor)
    client.post(use_url(items["rain"]))
    response = client.post(use_url(items["rain"]))
    assert response.status_code == 302
    assert response.url == inspect_url(items["rain"])
    assert "error" in levels(response)
    assert ArticlePage.objects.filter(wire_items=items["rain"]).count() == 1


def test_an_item_that_cannot_become_an_article_says_why(editor, items):
    client = client_for(editor)
    client.post(use_url(items["rain"]))
    taken = ArticlePage.objects.get(wire_items=items["rain"]).public_id
    clash = WireItem(format="wxr", guid="post-1", headline="مقال قديم", public_id=taken)
    services.receive(clash, "export.xml", services.Destination("archive"))
    incoming = IncomingItem.objects.get(guid="post-1")
    response = client.post(use_url(incoming))
    assert response.url == inspect_url(incoming)
    assert "error" in levels(response)
    incoming.refresh_from_db()
    assert incoming.status == IncomingItem.Status.NEW
    assert incoming.article is None


def test_times_read_in_the_admin_language():
    moment = timezone.now() - datetime.timedelta(minutes=2)
    with override("ar"):
        assert views.moment(moment)["relative"] == "منذ دقيقتين"
    with override("en"):
        assert views.moment(moment)["relative"] == "2\xa0minutes ago"
    assert views.moment(None) is None


def test_reject_marks_the_item_rejected(staff, items):
    client = client_for(staff)
    incoming = items["rain"]
    back = f"{QUEUE}?status=new"
    response = client.post(reject_url(incoming), {"next": back})
    assert response.status_code == 302
    assert response.url == back
    assert "success" in levels(response)
    incoming.refresh_from_db()
    assert incoming.status == IncomingItem.Status.REJECTED
    assert incoming.article is None
    # A rejected item makes no article.
    response = client.post(use_url(incoming))
    assert "error" in levels(response)
    assert not ArticlePage.objects.filter(wire_items=incoming).exists()
    assert listed(client.get(QUEUE, {"status": "rejected"})) == [RAIN.headline]


def test_reject_leaves_a_foreign_next_address_alone(editor, items):
    response = client_for(editor).post(
        reject_url(items["gold"]), {"next": "https://example.com/"}
    )
    assert response.url == QUEUE


@pytest.mark.parametrize("action", [use_url, reject_url])
def test_actions_answer_get_with_405(editor, items, action):
    response = client_for(editor).get(action(items["moscow"]))
    assert response.status_code == 405
    items["moscow"].refresh_from_db()
    assert items["moscow"].status == IncomingItem.Status.NEW


def test_actions_need_the_csrf_token(editor, items):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    incoming = items["moscow"]
    assert client.post(reject_url(incoming)).status_code == 403
    incoming.refresh_from_db()
    assert incoming.status == IncomingItem.Status.NEW
    # The inspect page's form carries the token.
    page = html(client.get(inspect_url(incoming)))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    response = client.post(reject_url(incoming), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    incoming.refresh_from_db()
    assert incoming.status == IncomingItem.Status.REJECTED


# Who may


def test_anonymous_visitor_is_sent_to_the_login_page(client, items):
    for url in (QUEUE, inspect_url(items["moscow"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"{ADMIN}login/?next={url}"
    response = client.post(use_url(items["moscow"]))
    assert response.url.startswith(f"{ADMIN}login/")
    assert not ArticlePage.objects.filter(wire_items=items["moscow"]).exists()


def test_staff_who_cannot_write_articles_do_not_see_the_queue(items):
    """Admin access alone (no page permission) gives no queue."""
    reader = member("reader")
    access = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    reader.user_permissions.add(access)
    client = client_for(reader)
    assert f'"{QUEUE}"' not in html(client.get(ADMIN))
    for response in (
        client.get(QUEUE),
        client.get(inspect_url(items["moscow"])),
        client.post(use_url(items["moscow"])),
        client.post(reject_url(items["moscow"])),
    ):
        assert response.status_code == 302
        assert response.url == ADMIN
    items["moscow"].refresh_from_db()
    assert items["moscow"].status == IncomingItem.Status.NEW


def test_items_are_neither_added_nor_edited_by_hand(editor, items):
    client = client_for(editor)
    pk = items["moscow"].pk
    for url in (
        f"{QUEUE}new/",
        f"{QUEUE}edit/{pk}/",
        f"{QUEUE}delete/{pk}/",
        f"{QUEUE}copy/{pk}/",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    assert f"{QUEUE}new/" not in html(client.get(QUEUE))


# The sources


def test_sources_are_listed_and_searched_as_snippets(items):
    WireSource.objects.create(
        name="وكالة الأنباء",
        url="https://wire.example/feed.xml",
        format="rss",
        last_error="connection refused " * 20,
    )
    admin = User.objects.create_superuser("boss")
    client = client_for(admin)
    page = html(client.get(SOURCES))
    assert "https://wire.example/feed.xml" in page
    assert WIRE in page
    assert "connection refused " * 20 not in page  # shortened
    assert "connection refused" in page
    found = html(client.get(SOURCES, {"q": "الأنباء"}))
    assert "https://wire.example/feed.xml" in found
    assert "test-wire" not in found
    assert html(client.get(f"{SOURCES}add/"))
    assert f'"{SOURCES}"' in html(client.get(ADMIN))  # in the menu
