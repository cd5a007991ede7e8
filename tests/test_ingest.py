"""Receiving wire items: queue, publish, versions, withdrawals, embargo, safety."""

import datetime

import pytest
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.contrib.redirects.models import Redirect

from minbar.ingest import mapping, services
from minbar.ingest.items import Person, Picture, Subject, WireItem
from minbar.ingest.models import IncomingItem
from minbar.ingest.services import Destination, receive
from minbar.newsroom.models import ArticlePage

pytestmark = pytest.mark.django_db

MOSCOW = datetime.timezone(datetime.timedelta(hours=3))


@pytest.fixture(autouse=True)
def demo(newsroom):
    """The demo newsroom: its home page, sections and writers."""


def wire_item(guid="tass-1", version="1", **fields):
    values = {
        "format": "ninjs",
        "guid": guid,
        "version": version,
        "headline": "وزير الخارجية يصل إلى موسكو في زيارة رسمية",
        "summary": "يبحث الوزير مع نظيره ملفات التعاون الثنائي.",
        "body_html": "<p>وصل وزير الخارجية اليوم إلى موسكو.</p>"
        "<p>ويلتقي خلال الزيارة نظيره الروسي.</p>",
        "byline": "مراسل الوكالة",
        "located": "موسكو",
        "credit": "تاس",
        "subjects": [
            Subject("سياسة", kind="section", code="politics"),
            Subject("روسيا", kind="place"),
        ],
        "firstcreated": datetime.datetime(2026, 11, 28, 9, 30, tzinfo=MOSCOW),
        "versioncreated": datetime.datetime(2026, 11, 28, 9, 30, tzinfo=MOSCOW),
    }
    values.update(fields)
    return WireItem(**values)


def publishing(**fields):
    return Destination(source="tass", publish=True, **fields)


def test_an_item_becomes_a_published_article_with_its_fields(client):
    outcome = receive(wire_item(), "tass.json", publishing())
    assert outcome.outcome == "created" and not outcome.failed
    article = ArticlePage.objects.get(public_id=outcome.public_id)
    assert article.live and outcome.url == f"/{article.public_id}"
    assert article.title == "وزير الخارجية يصل إلى موسكو في زيارة رسمية"
    assert article.dateline == "موسكو" and article.byline == "مراسل الوكالة"
    assert article.get_parent().slug == "politics"
    assert [a.name for a in article.agencies.all()] == ["تاس"]
    assert [t.name for t in article.tags.all()] == ["روسيا"]
    assert article.first_published_at == wire_item().firstcreated
    page = client.get(f"/{article.public_id}").content.decode()
    assert "ويلتقي خلال الزيارة نظيره الروسي." in page
    incoming = IncomingItem.objects.get(source="tass", guid="tass-1")
    assert incoming.status == IncomingItem.Status.USED and incoming.article == article


def test_without_publish_the_item_waits_in_the_queue():
    before = ArticlePage.objects.count()
    outcome = receive(wire_item(), "tass.json", Destination(source="tass"))
    assert outcome.outcome == "queued" and outcome.public_id is None
    assert ArticlePage.objects.count() == before
    incoming = IncomingItem.objects.get(source="tass", guid="tass-1")
    assert incoming.status == IncomingItem.Status.NEW
    # "Create article" makes a draft for review, prefilled from the item.
    made = services.use_item(incoming)
    draft = ArticlePage.objects.get(public_id=made.public_id)
    assert not draft.live and draft.title == wire_item().headline
    assert draft.dateline == "موسكو"


def test_the_same_version_twice_changes_nothing():
    first = receive(wire_item(), "tass.json", publishing())
    revisions = ArticlePage.objects.get(public_id=first.public_id).revisions.count()
    again = receive(wire_item(), "tass.json", publishing())
    assert again.outcome == "unchanged" and again.public_id == first.public_id
    assert IncomingItem.objects.filter(guid="tass-1").count() == 1
    article = ArticlePage.objects.get(public_id=first.public_id)
    assert article.revisions.count() == revisions


def test_the_same_story_from_another_source_is_a_duplicate():
    receive(wire_item(), "tass.json", publishing())
    articles = ArticlePage.objects.count()
    outcome = receive(
        wire_item(guid="other-7"), "feed.xml", Destination("partner", publish=True)
    )
    assert outcome.outcome == "duplicate"
    assert ArticlePage.objects.count() == articles


def test_a_newer_version_updates_the_article_as_a_new_revision(client):
    first = receive(wire_item(), "tass.json", publishing())
    article = ArticlePage.objects.get(public_id=first.public_id)
    revisions = article.revisions.count()
    newer = wire_item(
        version="2",
        headline="وزير الخارجية يختتم زيارته إلى موسكو",
        versioncreated=datetime.datetime(2026, 11, 28, 12, 0, tzinfo=MOSCOW),
    )
    outcome = receive(newer, "tass-2.json", publishing())
    assert outcome.outcome == "updated" and outcome.public_id == first.public_id
    article.refresh_from_db()
    assert article.title == "وزير الخارجية يختتم زيارته إلى موسكو"
    assert article.revisions.count() == revisions + 1
    assert article.first_published_at == wire_item().firstcreated
    # An older version arriving late is kept in the queue but not shown.
    late = receive(
        wire_item(
            version="1b",
            headline="عنوان قديم",
            versioncreated=wire_item().versioncreated - datetime.timedelta(hours=1),
        ),
        "late.json",
        publishing(),
    )
    assert late.outcome == "older"
    article.refresh_from_db()
    assert article.title == "وزير الخارجية يختتم زيارته إلى موسكو"


def test_a_canceled_item_unpublishes_its_article(client):
    first = receive(wire_item(), "tass.json", publishing())
    assert client.get(f"/{first.public_id}").status_code == 200
    outcome = receive(
        wire_item(version="2", pubstatus="canceled"), "kill.json", publishing()
    )
    assert outcome.outcome == "withdrawn"
    assert not ArticlePage.objects.get(public_id=first.public_id).live
    assert client.get(f"/{first.public_id}").status_code == 404


def test_an_embargoed_item_is_held_until_its_time(client):
    until = timezone.now() + datetime.timedelta(hours=2)
    outcome = receive(wire_item(embargoed=until), "tass.json", publishing())
    assert outcome.outcome == "held"
    article = ArticlePage.objects.get(public_id=outcome.public_id)
    assert not article.live and article.go_live_at == until
    assert client.get(f"/{article.public_id}").status_code == 404
    assert wire_item().headline not in client.get("/").content.decode()


def test_a_legacy_number_and_old_address_are_kept(client):
    item = wire_item(
        format="wxr",
        guid="wp-post-73001",
        public_id=73001,
        permalink="https://old.example.com/2026/11/28/%d9%88%d8%b2%d9%8a%d8%b1/",
        people=[Person("سلمى حداد", code="salma")],
    )
    outcome = receive(item, "export.xml#post-73001", publishing(create_writers=True))
    assert outcome.public_id == 73001
    redirect = Redirect.objects.get(old_path="/2026/11/28/وزير")
    assert redirect.redirect_page.specific.public_id == 73001
    response = client.get("/2026/11/28/%d9%88%d8%b2%d9%8a%d8%b1/")
    assert response.status_code == 301 and response["Location"].endswith("/73001")
    article = ArticlePage.objects.get(public_id=73001)
    assert [a.name for a in article.authors.all()] == ["سلمى حداد"]
    # Another item cannot take a number in use.
    clash = receive(
        wire_item(guid="wp-post-x", public_id=73001, headline="آخر"),
        "export.xml#post-x",
        publishing(),
    )
    assert clash.failed and "73001" in clash.reason


def test_bodies_are_sanitised_and_relative_links_resolved(client):
    item = wire_item(
        body_html='<p onclick="steal()">نص <a href="/news/1">الخبر</a></p>'
        "<script>alert(1)</script><iframe src='https://evil.example'></iframe>",
        base_url="https://wire.example.com/items/",
    )
    outcome = receive(item, "tass.json", publishing())
    page = client.get(f"/{outcome.public_id}").content.decode()
    body = page[page.index("نص") - 200 :]
    assert "steal()" not in page and "alert(1)" not in page
    assert "evil.example" not in page
    assert 'href="https://wire.example.com/news/1"' in body


def test_the_featured_picture_comes_from_the_media_folder(client, tmp_path):
    PILImage.new("RGB", (640, 360), (30, 90, 140)).save(tmp_path / "lavrov.jpg")
    item = wire_item(
        pictures=[
            Picture(
                "https://wire.example.com/photos/2026/lavrov.jpg",
                caption="الوزير لدى وصوله إلى المطار",
                credit="تاس",
            )
        ]
    )
    outcome = receive(item, "tass.json", publishing(folders=[tmp_path]))
    article = ArticlePage.objects.get(public_id=outcome.public_id)
    assert article.image is not None and article.image.width == 640
    assert article.image_caption == "الوزير لدى وصوله إلى المطار"
    page = client.get(f"/{outcome.public_id}").content.decode()
    assert "الوزير لدى وصوله إلى المطار" in page
    # Missing, the story still goes in, and the report says so.
    missing = receive(
        wire_item(guid="tass-2", headline="خبر آخر", pictures=[Picture("nowhere.jpg")]),
        "tass-2.json",
        publishing(folders=[tmp_path]),
    )
    assert missing.outcome == "created"
    assert missing.warnings == ["picture not found: nowhere.jpg"]


def test_a_picture_outside_the_media_folders_is_never_read(tmp_path):
    inside = tmp_path / "media"
    inside.mkdir()
    PILImage.new("RGB", (10, 10)).save(tmp_path / "secret.png")
    picture = Picture("../secret.png")
    assert mapping.picture_file(picture, [inside]) is None


def test_a_dry_run_writes_nothing():
    before = (ArticlePage.objects.count(), IncomingItem.objects.count())
    outcome = receive(wire_item(), "tass.json", publishing(dry_run=True))
    assert outcome.outcome == "created"
    assert (ArticlePage.objects.count(), IncomingItem.objects.count()) == before


def test_a_failure_midway_leaves_that_item_out_and_a_rerun_finishes(monkeypatch):
    items = [
        wire_item(guid=f"tass-{n}", headline=f"خبر رقم {n} من الوكالة")
        for n in range(1, 6)
    ]
    real_apply_credits = mapping.apply_credits

    def failing_on_third(article, item, *args, **kwargs):
        real_apply_credits(article, item, *args, **kwargs)
        if item.guid == "tass-3":
            raise OSError("disk full while writing tass-3")

    monkeypatch.setattr(mapping, "apply_credits", failing_on_third)
    before = ArticlePage.objects.count()
    outcomes = [receive(item, f"{item.guid}.json", publishing()) for item in items]
    assert [o.outcome for o in outcomes] == [
        "created", "created", "failed", "created", "created",
    ]  # fmt: skip
    assert "disk full" in outcomes[2].reason
    assert ArticlePage.objects.count() == before + 4
    assert not ArticlePage.objects.filter(title="خبر رقم 3 من الوكالة").exists()
    assert not IncomingItem.objects.filter(guid="tass-3").exists()

    monkeypatch.setattr(mapping, "apply_credits", real_apply_credits)
    rerun = [receive(item, f"{item.guid}.json", publishing()) for item in items]
    assert [o.outcome for o in rerun] == [
        "unchanged", "unchanged", "created", "unchanged", "unchanged",
    ]  # fmt: skip
    assert ArticlePage.objects.count() == before + 5


def test_a_new_version_with_the_same_text_still_applies(client):
    first = receive(wire_item(), "tass.json", publishing())
    assert client.get(f"/{first.public_id}").status_code == 200
    until = timezone.now() + datetime.timedelta(hours=1)
    again = receive(wire_item(version="2", embargoed=until), "v2.json", publishing())
    assert again.outcome == "held" and again.public_id == first.public_id
    assert IncomingItem.objects.filter(guid="tass-1").count() == 2
