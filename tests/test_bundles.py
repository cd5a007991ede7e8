"""Site bundles: idempotent, transactional per item, errors name file and reason."""

import json
import shutil
import unicodedata

import jsonschema
import pytest
from django.core.management import CommandError, call_command

from minbar.newsroom.bundles import load_bundle
from minbar.newsroom.models import ArticlePage, Author
from minbar.public.models import PublicationSettings, StaffLine, TickerItem

from .conftest import DEMO_BUNDLE, SEED_BUNDLE, SHARED, require_seed

pytestmark = pytest.mark.django_db

NINJS_22 = SHARED / "standards" / "ninjs" / "schema" / "ninjs-schema_2.2.json"


@pytest.fixture(autouse=True)
def _newsroom(newsroom):
    pass


def item(public_id, headline="عنوان تجريبي", body="<p>فقرة أولى.</p>", **extra):
    return {
        "uri": f"urn:minbar:test:{public_id}",
        "type": "text",
        "altids": [{"role": "public-id", "value": str(public_id)}],
        "headlines": [{"role": "main", "value": headline}],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": body}],
        "firstcreated": "2026-11-20T10:00:00+02:00",
        "versioncreated": "2026-11-20T10:00:00+02:00",
        **extra,
    }


@pytest.fixture
def bundle(tmp_path):
    (tmp_path / "items").mkdir()
    (tmp_path / "media").mkdir()

    def write(name, content):
        path = tmp_path / "items" / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        return path

    write.path = tmp_path
    return write


def test_demo_items_validate_against_the_ninjs_22_schema():
    if not NINJS_22.exists():
        pytest.skip(f"the ninjs schema is not here ({NINJS_22})")
    validator = jsonschema.Draft202012Validator(json.loads(NINJS_22.read_text()))
    items = sorted((DEMO_BUNDLE / "items").glob("*.json"))
    assert len(items) >= 30
    for path in items:
        errors = [
            e.message for e in validator.iter_errors(json.loads(path.read_text()))
        ]
        assert errors == [], path.name


def test_demo_text_is_nfc():
    for path in [DEMO_BUNDLE / "publication.json", *(DEMO_BUNDLE / "items").glob("*")]:
        text = path.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), path.name


def test_demo_covers_every_type_five_sections_and_four_columnists():
    articles = ArticlePage.objects.listing().filter(public_id__lt=2000)
    assert articles.count() >= 30
    assert set(articles.values_list("article_type", flat=True)) == {
        "news", "report", "analysis", "opinion", "editorial", "interview",
    }  # fmt: skip
    sections = {a.get_parent().slug for a in articles}
    assert len(sections) >= 5
    columnists = Author.objects.filter(articlepage__article_type="opinion").distinct()
    assert columnists.count() >= 4


def test_loading_twice_changes_nothing():
    before = (
        ArticlePage.objects.count(),
        ArticlePage.objects.values_list("latest_revision_id", flat=True),
    )
    revisions = list(before[1])
    report = load_bundle(DEMO_BUNDLE)
    assert report.count("unchanged") == len(report.items) > 0
    assert report.count("created") == report.count("updated") == 0
    assert ArticlePage.objects.count() == before[0]
    assert (
        list(ArticlePage.objects.values_list("latest_revision_id", flat=True))
        == revisions
    )
    staff_ids = list(StaffLine.objects.values_list("pk", flat=True))
    ticker_ids = list(TickerItem.objects.values_list("pk", flat=True))
    load_bundle(DEMO_BUNDLE)
    assert list(StaffLine.objects.values_list("pk", flat=True)) == staff_ids
    assert list(TickerItem.objects.values_list("pk", flat=True)) == ticker_ids


def test_seed_bundle_sets_identity_staff_box_and_pinned_ticker():
    require_seed()
    load_bundle(SEED_BUNDLE)
    settings = PublicationSettings.objects.get()
    assert settings.name == "اتحاد العالم الإسلامي"
    assert [(s.role, s.person) for s in settings.staff_lines.all()] == [
        ("رئيس مجلس الإدارة", "د. محمد أسامة هارون"),
        ("رئيس التحرير", "أحمد نصار"),
    ]
    assert TickerItem.objects.count() == 12
    article = ArticlePage.objects.get(public_id=33234)
    assert article.image_caption == "الرئيسان الروسي والكوري الشمالي"
    assert {a.name for a in article.agencies.all()} == {
        "تاس", "وكالة الأنباء المركزية الكورية الشمالية",
    }  # fmt: skip
    assert article.first_published_at.isoformat() == "2025-03-22T08:00:00+00:00"


def test_a_malformed_item_is_reported_and_the_rest_still_load(bundle):
    bundle("1-good.json", item(880001, "خبر سليم"))
    bundle("2-broken.json", "{ not json")
    bundle("3-no-headline.json", {**item(880003), "headlines": []})
    bundle("4-no-id.json", {**item(880004), "altids": []})
    bundle("5-missing-picture.json", item(880005, associations=[{
        "name": "featureimage", "uri": "urn:test:picture:880005", "type": "picture",
        "renditions": [{"name": "original", "href": "media/absent.jpg"}],
    }]))  # fmt: skip
    report = load_bundle(bundle.path)
    outcomes = {i.file: (i.outcome, i.reason) for i in report.items}
    assert outcomes["1-good.json"][0] == "created"
    assert outcomes["2-broken.json"][0] == "failed"
    assert "no headline" in outcomes["3-no-headline.json"][1]
    assert "public-id" in outcomes["4-no-id.json"][1]
    assert "absent.jpg" in outcomes["5-missing-picture.json"][1]
    # All of an item or none of it: the failed picture left no article behind.
    assert ArticlePage.objects.filter(public_id=880001).exists()
    assert not ArticlePage.objects.filter(public_id=880005).exists()


def test_load_command_exits_non_zero_and_names_the_failure(bundle, capsys):
    bundle("bad.json", {**item(880010), "bodies": []})
    with pytest.raises(CommandError, match="1 item"):
        call_command("load", str(bundle.path))
    assert "bad.json" in capsys.readouterr().out


def test_a_changed_item_becomes_a_new_revision(bundle):
    bundle("a.json", item(880020, "العنوان الأول"))
    load_bundle(bundle.path)
    article = ArticlePage.objects.get(public_id=880020)
    revisions = article.revisions.count()
    bundle("a.json", item(880020, "العنوان بعد التصحيح"))
    report = load_bundle(bundle.path)
    assert report.items[0].outcome == "updated"
    article.refresh_from_db()
    assert article.title == "العنوان بعد التصحيح"
    assert article.live and article.revisions.count() == revisions + 1


def test_item_bodies_are_sanitized(bundle, client):
    body = (
        '<p onclick="steal()">نص <strong>عريض</strong> '
        '<a href="javascript:x()">رابط</a></p>'
        "<script>alert(1)</script><h2>عنوان فرعي</h2>"
        "<blockquote><p>قول مأثور</p><cite>قائل</cite></blockquote>"
        "<iframe src='x'></iframe>"
    )
    bundle("x.json", item(880030, body=body))
    load_bundle(bundle.path)
    html = client.get("/880030").content.decode()
    article_html = html.split('class="article-body"')[1].split("</article>")[0]
    for hostile in ("<script", "onclick", "javascript:", "<iframe"):
        assert hostile not in article_html
    assert "<b>عريض</b>" in article_html
    assert "<h2>عنوان فرعي</h2>" in article_html
    assert "<cite>قائل</cite>" in article_html


def test_a_hostile_ticker_link_is_refused(bundle):
    publication = json.loads((DEMO_BUNDLE / "publication.json").read_text())
    publication["ticker"] = [{"text": "عاجل", "url": "javascript:alert(1)"}]
    shutil.copytree(DEMO_BUNDLE / "media", bundle.path / "media", dirs_exist_ok=True)
    (bundle.path / "publication.json").write_text(json.dumps(publication))
    with pytest.raises(ValueError, match="ticker item 1"):
        load_bundle(bundle.path)
    assert not TickerItem.objects.filter(url__startswith="javascript").exists()
