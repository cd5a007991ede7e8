"""The ninjs read API: valid ninjs 2.2 by IPTC's schema, filters, cursors, errors."""

import json
import os
import shutil
from pathlib import Path

import jsonschema
import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from minbar.newsroom.bundles import load_bundle
from minbar.newsroom.models import ArticlePage, Author, SectionPage
from minbar.search.services import body_text

from .conftest import require_seed

pytestmark = pytest.mark.django_db

STANDARDS = Path(__file__).resolve().parents[2] / "shared" / "standards"
NINJS = STANDARDS / "ninjs"
NINJS_SCHEMA = NINJS / "schema" / "ninjs-schema_2.2.json"
NINJS_SUITE = NINJS / "test-suite" / "2.2"


@pytest.fixture(autouse=True)
def _newsroom(newsroom):
    pass


@pytest.fixture(scope="module")
def ninjs_errors():
    """The validator every ninjs check goes through: IPTC's schema, formats checked."""
    if not NINJS_SCHEMA.exists():
        pytest.skip(f"the ninjs 2.2 schema is not here ({NINJS_SCHEMA})")
    schema = json.loads(NINJS_SCHEMA.read_text())
    validator_class = jsonschema.validators.validator_for(schema)
    assert validator_class is jsonschema.Draft202012Validator
    validator_class.check_schema(schema)
    checker = validator_class.FORMAT_CHECKER
    # Without these the "uri" and "date-time" formats would pass anything.
    assert {"uri", "date-time"} <= set(checker.checkers)
    validator = validator_class(schema, format_checker=checker)

    def errors(document):
        return [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(document)
        ]

    return errors


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    assert response["Content-Type"] == "application/json"
    return response.json()


def all_items(client, url="/api/ninjs/?limit=7"):
    """Every item of a listing, following `next` to the end."""
    items, pages = [], 0
    while url:
        page = get_json(client, url)
        items += page["items"]
        url, pages = page["next"], pages + 1
        assert pages < 200
    return items


def public_ids(items):
    return [int(item["altids"][0]["value"]) for item in items]


def values(entries, key, wanted):
    return [entry["value"] for entry in entries if entry.get(key) == wanted]


# The validator is IPTC's schema, and it is not lenient.


def test_iptc_test_suite_through_the_same_validator(ninjs_errors):
    if not NINJS_SUITE.is_dir():
        pytest.skip(f"IPTC's ninjs test suite is not here ({NINJS_SUITE})")
    should_pass = sorted((NINJS_SUITE / "should_pass").glob("*.json"))
    should_fail = sorted((NINJS_SUITE / "should_fail").glob("*.json"))
    assert should_pass and should_fail
    for path in should_pass:
        assert ninjs_errors(json.loads(path.read_text())) == [], path.name
    for path in should_fail:
        assert ninjs_errors(json.loads(path.read_text())) != [], path.name


def test_the_validator_checks_formats(ninjs_errors):
    assert ninjs_errors({"uri": "http://example.com/1"}) == []
    assert ninjs_errors({"uri": "not a uri"}) != []
    assert ninjs_errors({"uri": "urn:x:1", "versioncreated": "2026-11-29"}) != []


# Every published article, as the API gives it.


def test_every_published_article_is_listed_once_as_valid_ninjs(client, ninjs_errors):
    items = all_items(client)
    listed = public_ids(items)
    live = ArticlePage.objects.listing().values_list("public_id", flat=True)
    assert len(listed) == len(set(listed))  # no duplicates across pages
    assert listed == list(live)  # no gaps, newest first
    for item in items:
        assert ninjs_errors(item) == [], item["uri"]


def test_the_seed_article_is_valid_ninjs(client, ninjs_errors):
    require_seed()
    article = ArticlePage.objects.get(public_id=33234)
    response = client.get("/api/ninjs/33234")
    assert response["Content-Type"] == "application/json"
    assert article.title.encode() in response.content  # Arabic, not \u escapes
    item = response.json()
    assert ninjs_errors(item) == []
    assert item["uri"] == "http://localhost/33234"  # the site's canonical root
    assert values(item["headlines"], "role", "main") == [article.title]


def test_an_article_in_full(client, ninjs_errors):
    article = (
        ArticlePage.objects.listing()
        .filter(agencies__isnull=False, image__isnull=False, tags__isnull=False)
        .exclude(kicker="")
        .exclude(summary="")
        .first()
    )
    item = get_json(client, f"/api/ninjs/{article.public_id}")
    assert ninjs_errors(item) == []
    assert item["type"] == "text" and item["pubstatus"] == "usable"
    assert item["language"] == "ar" and item["version"].isdigit()
    assert item["altids"] == [{"role": "public-id", "value": str(article.public_id)}]
    assert values(item["headlines"], "role", "kicker") == [article.kicker]
    assert values(item["descriptions"], "role", "summary") == [article.summary]
    assert item["genres"] == [
        {
            "name": str(article.get_article_type_display()),
            "literal": article.article_type,
        }
    ]
    assert item["firstcreated"] == timezone.localtime(
        article.first_published_at
    ).isoformat(timespec="seconds")
    [body] = item["bodies"]
    assert body["role"] == "main" and body["contenttype"] == "text/html"
    assert body["value"].startswith("<")
    section = [s for s in item["subjects"] if s["rel"] == "section"]
    assert section == [
        {
            "name": article.section.title,
            "rel": "section",
            "literal": article.section.slug,
            "uri": f"http://localhost{article.section.url}",
        }
    ]
    tags = {s["literal"] for s in item["subjects"] if s["rel"] == "about"}
    assert tags == set(article.tags.values_list("slug", flat=True))
    assert [s["name"] for s in item["infosources"]] == [
        a.name for a in article.agencies.all()
    ]
    assert {s["role"] for s in item["infosources"]} == {"source"}
    [picture] = item["associations"]
    assert picture["name"] == "featureimage" and picture["type"] == "picture"
    assert values(picture["descriptions"], "role", "caption") == [article.image_caption]
    names = [r["name"] for r in picture["renditions"]]
    assert names == ["original", "width-1200", "width-640"]
    for rendition in picture["renditions"]:
        assert rendition["href"].startswith("http://localhost/")
        assert rendition["width"] > 0 and rendition["height"] > 0
        assert rendition["contenttype"].startswith("image/")
    assert picture["renditions"][2]["width"] <= 640


def test_writers_are_people_with_their_slug(client):
    article = ArticlePage.objects.listing().filter(authors__isnull=False).first()
    item = get_json(client, f"/api/ninjs/{article.public_id}")
    writers = list(article.authors.all())
    assert [p["literal"] for p in item["people"] if p["rel"] == "author"] == [
        w.slug for w in writers
    ]
    assert all(w.name in item["by"] for w in writers)


# Round trip: ninjs out, bundle item in.


@pytest.mark.parametrize("source", ["demo", "seed"])
def test_ninjs_loads_back_as_the_same_article(client, tmp_path, source):
    if source == "seed":
        require_seed()
        article = ArticlePage.objects.get(public_id=33234)
    else:
        article = (
            ArticlePage.objects.listing()
            .filter(agencies__isnull=False, image__isnull=False)
            .first()
        )
    item = get_json(client, f"/api/ninjs/{article.public_id}")
    new_id = 990_000 + article.pk
    item["altids"] = [{"role": "public-id", "value": str(new_id)}]
    item["uri"] = f"urn:minbar:test:{new_id}"
    [picture] = item["associations"]
    (tmp_path / "media").mkdir()
    (tmp_path / "items").mkdir()
    shutil.copy(article.image.file.path, tmp_path / "media" / "picture")
    picture["renditions"] = [{"name": "original", "href": "media/picture"}]
    (tmp_path / "items" / f"{new_id}.json").write_text(
        json.dumps(item, ensure_ascii=False), encoding="utf-8"
    )

    report = load_bundle(tmp_path)
    assert [i.outcome for i in report.items] == ["created"], report.items
    copy = ArticlePage.objects.get(public_id=new_id)
    assert copy.title == article.title and copy.kicker == article.kicker
    assert copy.summary == article.summary
    assert copy.article_type == article.article_type
    assert copy.get_parent().pk == article.get_parent().pk
    assert paragraphs(copy) == paragraphs(article)
    assert body_text(copy) == body_text(article)
    assert file_bytes(copy.image) == file_bytes(article.image)
    assert copy.image_caption == article.image_caption
    assert copy.image_credit == article.image_credit
    assert copy.image_alt == (article.image_alt or article.image_caption)
    assert copy.dateline == article.dateline and copy.byline == article.byline
    assert names(copy.agencies) == names(article.agencies)
    assert names(copy.authors) == names(article.authors)
    assert names(copy.tags) == names(article.tags)
    assert copy.first_published_at == article.first_published_at


def paragraphs(article):
    return [
        (block.block_type, str(block.value.source))
        for block in article.body
        if block.block_type == "paragraph"
    ]


def file_bytes(image):
    return Path(image.file.path).read_bytes()


def names(manager):
    return sorted(manager.values_list("name", flat=True))


# Filters and cursor pagination.


def listed_ids(client, query):
    return public_ids(all_items(client, f"/api/ninjs/?limit=5&{query}"))


def ids(queryset):
    return list(queryset.values_list("public_id", flat=True))


def test_filter_by_section_includes_subsections(client):
    for section in SectionPage.objects.live():
        assert listed_ids(client, f"section={section.slug}") == ids(
            section.articles()
        ), section.slug


def test_filter_by_type_writer_and_tag(client):
    listing = ArticlePage.objects.listing()
    for article_type in ("news", "opinion", "interview"):
        expected = ids(listing.filter(article_type=article_type))
        assert listed_ids(client, f"type={article_type}") == expected
    writer = Author.objects.filter(articlepage__live=True).first()
    assert listed_ids(client, f"writer={writer.slug}") == ids(
        listing.filter(authors=writer)
    )
    tag = listing.filter(tags__isnull=False).first().tags.first()
    assert listed_ids(client, f"tag={tag.slug}") == ids(
        listing.filter(tags__slug=tag.slug)
    )


def test_filter_by_dates_in_the_site_time_zone(client):
    listing = ArticlePage.objects.listing()
    dates = sorted({timezone.localdate(a.first_published_at) for a in listing})
    day = dates[len(dates) // 2]
    on_day = [
        a.public_id for a in listing if timezone.localdate(a.first_published_at) == day
    ]
    assert on_day
    assert listed_ids(client, f"since={day}&until={day}") == on_day
    since = [
        a.public_id for a in listing if timezone.localdate(a.first_published_at) >= day
    ]
    assert listed_ids(client, f"since={day}") == since
    newest = listing.first().first_published_at
    query = f"since={newest.isoformat().replace('+', '%2B')}"
    expected = ids(listing.filter(first_published_at__gte=newest))
    assert listed_ids(client, query) == expected


def test_filters_combine_and_the_cursor_keeps_them(client):
    article = ArticlePage.objects.listing().filter(article_type="news").first()
    section = article.section
    query = f"section={section.slug}&type=news&limit=1"
    first = get_json(client, f"/api/ninjs/?{query}")
    assert public_ids(first["items"]) == [article.public_id]
    expected = ids(section.articles().filter(article_type="news"))
    if len(expected) > 1:
        assert "section=" in first["next"] and "type=news" in first["next"]
    assert public_ids(all_items(client, f"/api/ninjs/?{query}")) == expected


def test_default_and_largest_page(client):
    total = ArticlePage.objects.listing().count()
    page = get_json(client, "/api/ninjs/")
    assert len(page["items"]) == min(total, 20)
    page = get_json(client, "/api/ninjs/?limit=100")
    assert len(page["items"]) == min(total, 100)


def test_a_page_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    client.get("/api/ninjs/?limit=100")  # the renditions exist from here on
    # Measured 7 for every page size: no query per article.
    for limit in (100, 5):
        with django_assert_max_num_queries(8):
            client.get(f"/api/ninjs/?limit={limit}")


# Errors: 400 for bad parameters, 404 for unknown articles, JSON always.


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=101",
        "limit=ten",
        "limit=-5",
        "limit=%EF%BC%91",  # a full-width digit one
        "type=gossip",
        "type=",
        "section=nowhere",
        "section=a%20b",
        "writer=nobody",
        "tag=no-such-tag",
        "since=yesterday",
        "until=2026-02-30",
        "since=0001-01-01T00:00:00%2B14:00",
        "until=9999-12-31T23:59:59-12:00",
        "since=2026-11-29&until=2026-11-01",
        "cursor=",
        "cursor=not-a-cursor",
        "cursor=MjAyNi0xMS0yOXw1",  # base64 of a cursor without a time zone
        "secton=politics",
    ],
)
def test_bad_parameters_are_400_with_a_message(client, query):
    data = get_json(client, f"/api/ninjs/?{query}", status=400)
    last = query.split("&")[-1]
    assert data["error"] and data["parameter"] == last.split("=")[0]


@pytest.mark.parametrize(
    "public_id",
    ["999999999", "0", "abc", "1001x", "99999999999999999999999999", "1001/", "a/b"],
)
def test_unknown_articles_are_404_json(client, public_id):
    assert "error" in get_json(client, f"/api/ninjs/{public_id}", status=404)


def test_unpublished_articles_are_404_and_not_listed(client):
    article = ArticlePage.objects.listing().first()
    article.unpublish()
    get_json(client, f"/api/ninjs/{article.public_id}", status=404)
    assert article.public_id not in public_ids(all_items(client))


# The OpenAPI description, and the API fuzzed against it.


def test_openapi_description(client):
    document = get_json(client, "/api/openapi.json")
    assert document["openapi"].startswith("3.1")
    assert {"/api/ninjs/", "/api/ninjs/{public_id}", "/api/search/"} <= set(
        document["paths"]
    )


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


POSITIVE, NEGATIVE = schemathesis.GenerationMode


@pytest.fixture
def keep_connection():
    """Call the WSGI app in-process without it closing the test's database
    connection after each request, as Django's test client also arranges."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Schemathesis's pytest integration (from_fixture) does not run under pytest 9,
# so each operation's strategy is drawn with Hypothesis directly.
@pytest.mark.parametrize(
    ("path", "mode"),
    [
        ("/api/ninjs/", POSITIVE),
        ("/api/ninjs/", NEGATIVE),
        ("/api/ninjs/{public_id}", POSITIVE),
        ("/api/ninjs/{public_id}", NEGATIVE),
        ("/api/search/", POSITIVE),
        ("/api/search/", NEGATIVE),
    ],
)
def test_the_api_fuzzed_against_its_openapi_description(path, mode, keep_connection):
    operation = api_operation(path)
    # Negative cases only need to be refused cleanly, not to match the description.
    checks = CHECKS if mode == POSITIVE else CHECKS[:1]
    statuses = fuzz(operation.as_strategy(generation_mode=mode), checks)
    assert statuses and max(statuses) < 500


def test_every_published_article_matches_the_openapi_description(keep_connection):
    """Random numbers are almost never articles: here each case is a real one."""
    published = list(ArticlePage.objects.live().values_list("public_id", flat=True))
    operation = api_operation("/api/ninjs/{public_id}")

    def with_published_id(case, public_id):
        case.path_parameters = {"public_id": public_id}
        return case

    strategy = st.builds(
        with_published_id,
        operation.as_strategy(generation_mode=POSITIVE),
        st.sampled_from(published),
    )
    statuses = fuzz(strategy, CHECKS, examples=len(published))
    assert statuses and set(statuses) == {200}


def api_operation(path):
    app = get_wsgi_application()
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)[path]["GET"]


def fuzz(strategy, checks, examples=25):
    """Call the API with each drawn case; the statuses it answered."""
    statuses = []

    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case):
        response = case.call()
        statuses.append(response.status_code)
        case.validate_response(response, checks=checks)

    call()
    return statuses


def test_search_survives_a_huge_page_number(client):
    client.raise_request_exception = False
    response = client.get("/api/search/?q=%D9%85%D8%AC%D9%84%D8%B3&page=" + "9" * 20)
    assert response.status_code < 500


def test_addresses_are_canonical_whatever_host_is_asked(client):
    from wagtail.models import Site

    root = Site.objects.get(is_default_site=True).root_url
    article = ArticlePage.objects.live().first()
    response = client.get(f"/api/ninjs/{article.public_id}", HTTP_HOST="mirror.invalid")
    assert response.json()["uri"] == f"{root}/{article.public_id}"
    assert not root.endswith("mirror.invalid")


SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi.json"


def test_the_openapi_description_matches_its_snapshot(client):
    """A change to the API's contract shows in review as a change to this file.

    After a deliberate change: MINBAR_UPDATE_SNAPSHOTS=1 pytest -k snapshot
    """
    served = json.dumps(
        client.get("/api/openapi.json").json(),
        ensure_ascii=False,
        indent=2,
        sort_keys=True,
    )
    if os.environ.get("MINBAR_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(served + "\n", encoding="utf-8")
    assert served + "\n" == SNAPSHOT.read_text(encoding="utf-8")
