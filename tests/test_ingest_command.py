"""`minbar ingest` end to end: the seed item, WordPress, the IPTC files, failures."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from minbar.ingest import parsers
from minbar.ingest.models import IncomingItem
from minbar.newsroom.models import ArticlePage, Author, SectionPage

from .conftest import SEED_BUNDLE, SHARED, require_seed
from .test_seed import run_seedcheck

pytestmark = pytest.mark.django_db

WXR = Path(__file__).parent / "fixtures" / "wxr"
STANDARDS = SHARED / "standards"


@pytest.fixture(autouse=True)
def demo(newsroom):
    """The demo newsroom (and the seed bundle's publication, where it exists)."""


def ingest(*args) -> tuple[list[dict], dict]:
    """Run the command with --json: its entry lines and its summary."""
    out = io.StringIO()
    failed = None
    try:
        call_command("ingest", *args, "--json", stdout=out)
    except CommandError as exc:
        failed = exc
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    summary = lines.pop()["summary"]
    if summary["failed"]:
        assert failed is not None and "failed" in str(failed)
    else:
        assert failed is None
    return lines, summary


def test_the_seed_item_ingested_passes_seedcheck(client, monkeypatch):
    require_seed()
    # The session loaded the seed bundle; take its article away first.
    ArticlePage.objects.get(public_id=33234).delete()
    lines, summary = ingest(str(SEED_BUNDLE / "items" / "33234.json"), "--publish")
    assert summary["created"] == 1 and lines[0]["url"] == "/33234"
    assert lines[0]["warnings"] == []  # the picture was found in the bundle
    output, code = run_seedcheck(client, monkeypatch)
    assert "seed page fidelity: 10/10 checks" in output, output
    assert code == 0


def test_a_wordpress_export_keeps_numbers_and_addresses_and_imports_once(client):
    ArticlePage.objects.filter(public_id=33234).delete()
    export = str(WXR / "arabic-export.xml")
    media = str(WXR / "uploads")
    args = (export, "--publish", "--media", media, "--source", "old-site")
    lines, summary = ingest(*args)
    by_location = {line["location"]: line for line in lines}
    created = {line["public_id"] for line in lines if line["outcome"] == "created"}
    assert created == {33229, 33230, 33232, 33233, 33234, 33235}
    assert by_location["arabic-export.xml#post-33236"]["outcome"] == "held"
    skipped = {line["location"] for line in lines if line["outcome"] == "skipped"}
    assert "arabic-export.xml#post-33228" in skipped  # a page
    assert "arabic-export.xml#post-33231" in skipped  # a draft
    assert "arabic-export.xml#post-33234/comments" in skipped
    assert summary["failed"] == 0

    article = ArticlePage.objects.get(public_id=33234)
    assert client.get("/33234").status_code == 200
    assert article.image is not None and article.image_caption
    writers = set(
        Author.objects.filter(articlepage__public_id__in=created).values_list(
            "name", flat=True
        )
    )
    assert writers == {"سميرة حداد", "خالد منصور"}
    assert SectionPage.objects.filter(title="أسواق").exists()
    # The old permalink leads to the same story, permanently.
    old = by_permalink(export, 33234)
    response = client.get(old)
    assert response.status_code == 301 and response["Location"].endswith("/33234")

    again, summary_again = ingest(*args)
    outcomes = {line["outcome"] for line in again}
    assert outcomes <= {"unchanged", "skipped"}, again
    assert summary_again["unchanged"] == len(created) + 1  # and the held one
    assert ArticlePage.objects.get(public_id=33234).revisions.count() == (
        article.revisions.count()
    )


def by_permalink(export: str, post_id: int) -> str:
    """The post's old path, read from the export."""
    from minbar.ingest.parsers import wxr

    with open(export, "rb") as stream:
        for entry in wxr.parse(stream, "x"):
            if entry.item and entry.item.public_id == post_id:
                return entry.item.permalink.split("archive.minbar.example", 1)[1]
    raise AssertionError(post_id)


def test_every_ninjs_example_and_newsml_listing_is_received():
    if not STANDARDS.is_dir():
        pytest.skip(f"the standards are not here ({STANDARDS})")
    examples = sorted((STANDARDS / "ninjs" / "examples").rglob("*.json"))
    examples += sorted((STANDARDS / "newsml-g2" / "examples").glob("*.xml"))
    for number, path in enumerate(examples):
        source = f"std-{number}"
        lines, _summary = ingest(str(path), "--source", source)
        with path.open("rb") as stream:
            stories = [e for e in parsers.parse(stream, path.name) if e.item]
        # Every story is queued (or recognised as one already received); the
        # other entries say why not, in words.
        received = [
            line for line in lines if line["outcome"] in {"queued", "duplicate"}
        ]
        assert len(received) == len(stories), (path, lines)
        for line in lines:
            if line["outcome"] in {"skipped", "failed"}:
                assert line["reason"], (path, line)
    assert IncomingItem.objects.filter(source__startswith="std-").count() >= 15


def test_should_fail_documents_are_rejected_and_write_nothing():
    suite = STANDARDS / "ninjs" / "test-suite" / "2.2" / "should_fail"
    if not suite.is_dir():
        pytest.skip(f"the IPTC test suite is not here ({suite})")
    before = (IncomingItem.objects.count(), ArticlePage.objects.count())
    lines, summary = ingest(str(suite), "--publish")
    assert summary["failed"] == len(lines) == len(list(suite.glob("*.json")))
    assert all(line["reason"] for line in lines)
    assert (IncomingItem.objects.count(), ArticlePage.objects.count()) == before


def test_a_missing_file_and_an_unknown_format_are_reported(tmp_path):
    (tmp_path / "note.xml").write_text("<memo>not news</memo>", encoding="utf-8")
    lines, summary = ingest(str(tmp_path / "nowhere.json"), str(tmp_path))
    assert summary["failed"] == 2
    assert "no such file" in lines[0]["reason"]
    assert "not ninjs" in lines[1]["reason"]


def test_the_text_report_has_one_line_per_item_and_a_summary(tmp_path):
    require_seed()
    out = io.StringIO()
    call_command(
        "ingest", str(SEED_BUNDLE / "items"), "--dry-run", "--source", "r", stdout=out
    )
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("queued") and "33234.json" in lines[0]
    assert lines[-1] == "1 queued"
    assert not IncomingItem.objects.filter(source="r").exists()
