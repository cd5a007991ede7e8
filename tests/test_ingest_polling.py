"""Wire sources polled over real HTTP (a local server): conditional GET, pictures."""

import functools
import http.server
import threading

import pytest
from PIL import Image as PILImage

from minbar.ingest import polling
from minbar.ingest.models import IncomingItem, WireSource
from minbar.newsroom.models import Agency, ArticlePage

from .test_ingest_command import ingest

pytestmark = pytest.mark.django_db

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>وكالة الاختبار</title><link>{root}/</link>
<description>أخبار الوكالة</description><language>ar</language>
<item><title>افتتاح جسر جديد فوق النهر</title><link>{root}/news/1</link>
<guid>urn:test-wire:1</guid><pubDate>Wed, 13 Mar 2024 09:30:00 +0200</pubDate>
<description>افتتحت المحافظة جسرا جديدا يربط ضفتي النهر.</description>
<media:content url="{root}/media/bridge.jpg" medium="image" type="image/jpeg">
<media:description>الجسر الجديد عند افتتاحه</media:description></media:content>
</item>
<item><title>ارتفاع أسعار الذهب في السوق المحلية</title><link>{root}/news/2</link>
<guid>urn:test-wire:2</guid><pubDate>Wed, 13 Mar 2024 10:00:00 +0200</pubDate>
<description>ارتفع سعر غرام الذهب في تعاملات الصباح.</description>
</item></channel></rss>
"""


@pytest.fixture(autouse=True)
def demo(newsroom):
    """The demo newsroom."""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    requests: list[tuple[str, int]] = []

    def log_message(self, *args):
        pass

    def send_response(self, code, message=None):
        QuietHandler.requests.append((self.path, code))
        super().send_response(code, message)


@pytest.fixture
def wire_server(tmp_path):
    """A real HTTP server on loopback serving a feed and its picture."""
    (tmp_path / "media").mkdir()
    PILImage.new("RGB", (800, 450), (120, 60, 20)).save(tmp_path / "media/bridge.jpg")
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    root = f"http://127.0.0.1:{server.server_port}"
    (tmp_path / "feed.xml").write_text(FEED.format(root=root), encoding="utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    QuietHandler.requests = []
    yield root
    server.shutdown()
    server.server_close()


def test_a_trusted_source_is_polled_with_a_conditional_get(wire_server):
    agency = Agency.objects.create(name="وكالة الاختبار", slug="test-wire-agency")
    source = WireSource.objects.create(
        name="test-wire", url=f"{wire_server}/feed.xml", trusted=True, agency=agency
    )
    assert source in polling.due_sources()
    outcomes = polling.poll(source)
    assert [o.outcome for o in outcomes] == ["created", "created"]
    source.refresh_from_db()
    assert source.last_error == "" and source.last_modified
    assert source not in polling.due_sources()

    bridge = ArticlePage.objects.get(title="افتتاح جسر جديد فوق النهر")
    assert bridge.live and bridge.image is not None and bridge.image.width == 800
    assert bridge.image_caption == "الجسر الجديد عند افتتاحه"
    assert list(bridge.agencies.all()) == [agency]

    # Unchanged since: the server answers 304 and nothing is read again.
    assert polling.poll(source) == []
    assert ("/feed.xml", 304) in QuietHandler.requests
    assert IncomingItem.objects.filter(source="test-wire").count() == 2


def test_an_untrusted_source_queues_and_an_unreachable_one_keeps_its_error():
    source = WireSource.objects.create(name="down", url="http://127.0.0.1:9/feed.xml")
    assert polling.poll(source) == []
    source.refresh_from_db()
    assert "cannot be reached" in source.last_error or "تعذر" in source.last_error
    assert source.last_polled_at is not None


def test_the_command_reads_a_feed_address_and_fetches_its_pictures(wire_server):
    lines, summary = ingest(f"{wire_server}/feed.xml", "--source", "cli-wire")
    assert summary["queued"] == 2
    lines, summary = ingest(f"{wire_server}/feed.xml", "--source", "cli-wire")
    assert summary["unchanged"] == 2
    lines, summary = ingest(
        f"{wire_server}/feed.xml", "--source", "cli-wire-2", "--publish"
    )
    # The same stories from another source are recognised by their content.
    assert summary["duplicate"] == 2
