"""The production stack on loopback: Varnish with deploy/'s VCL, in front of
`minbar serve`, on a demo newsroom of its own (SQLite, in a temporary folder).

A publish (`minbar ingest --publish`, which purges as the newsroom's publish
button does) shows on the home page, in the ticker of another article page
and in the feed through the cache, without purging that article page; with
the app stopped, cached pages are still served.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
VCL = REPO / "deploy" / "varnish" / "minbar.vcl"
MINBAR = [sys.executable, "-m", "minbar"]
VARNISHD = shutil.which("varnishd")

pytestmark = pytest.mark.skipif(
    VARNISHD is None,
    reason="Varnish is not installed here (Debian: varnish varnish-modules); "
    "the front-cache tests are skipped",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (OSError, urllib.error.HTTPError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def get(url: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            body = response.read().decode()
            return response.status, dict(response.headers), body
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


class Stack:
    def __init__(self, folder: Path):
        self.folder = folder
        self.app_port, self.cache_port = free_port(), free_port()
        self.cache = f"http://127.0.0.1:{self.cache_port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "DJANGO_SETTINGS_MODULE": "minbar.settings.dev",
            "MINBAR_DATA_DIR": str(folder / "data"),
            "FRONT_CACHES": self.cache,
            "PYTHONPATH": str(REPO),
        }
        self.app = self.varnish = None

    def minbar(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*MINBAR, *args], env=self.env, capture_output=True, text=True, check=True
        )

    def start_app(self) -> None:
        self.app = subprocess.Popen(
            [
                *MINBAR,
                "serve",
                "--bind",
                f"127.0.0.1:{self.app_port}",
                "--workers",
                "2",
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(f"http://127.0.0.1:{self.app_port}/_health")

    def stop_app(self) -> None:
        self.app.terminate()
        self.app.wait(timeout=20)

    def start_varnish(self) -> None:
        # The shipped VCL, with this test's app as its one backend.
        (self.folder / "backends.vcl").write_text(
            'probe health { .url = "/_health"; .interval = 1s; .timeout = 1s;'
            " .window = 2; .threshold = 1; }\n"
            f'backend app {{ .host = "127.0.0.1"; .port = "{self.app_port}";'
            " .probe = health; }\n"
            "sub vcl_recv { set req.backend_hint = app; }\n"
        )
        self.varnish = subprocess.Popen(
            [VARNISHD, "-F", "-j", "none", "-n", str(self.folder / "varnish"),
             "-a", f"127.0.0.1:{self.cache_port}", "-f", str(VCL),
             "-p", f"vcl_path={self.folder}:{VCL.parent}",
             "-s", "malloc,64m", "-T", "none"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        wait_for(f"{self.cache}/_health")

    def stop(self) -> None:
        for process in (self.varnish, self.app):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=20)

    def publish(self, number: int, headline: str, section: str) -> None:
        item = {
            "uri": f"urn:minbar:test:front-cache:{number}",
            "type": "text",
            "version": "1",
            "pubstatus": "usable",
            "language": "ar",
            "headlines": [{"role": "main", "value": headline}],
            "bodies": [{"role": "main", "contenttype": "text/html",
                        "value": "<p>نص الخبر العاجل كما وصل من الوكالة.</p>"}],
            "subjects": [{"name": section, "rel": "section", "literal": section}],
        }  # fmt: skip
        path = self.folder / f"item-{number}.json"
        path.write_text(json.dumps(item, ensure_ascii=False), encoding="utf-8")
        self.minbar("ingest", str(path), "--publish")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("front-cache"))
    try:
        stack.minbar("demo", "--no-serve")
        stack.start_app()
        stack.start_varnish()
        yield stack
    finally:
        stack.stop()


def an_article(stack: Stack) -> str:
    """An article of the demo, as the feed lists it."""
    _status, _headers, feed = get(f"{stack.cache}/feed/")
    start = feed.index("<item>")
    link = feed[feed.index("<link>", start) + 6 : feed.index("</link>", start)]
    return "/" + link.rstrip("/").rsplit("/", 1)[-1]


def test_a_publish_shows_through_the_cache_on_every_surface(stack):
    article = an_article(stack)
    for path in ("/", article, "/feed/"):
        get(stack.cache + path)
        status, headers, _body = get(stack.cache + path)
        assert (status, headers["X-Cache"]) == (200, "hit"), path
    # The page comes whole: the ticker is in it, no ESI tag is left.
    _status, headers, page = get(stack.cache + article)
    assert "<esi:" not in page and 'class="ticker"' in page
    assert "xkey" not in {name.lower() for name in headers}

    headline = "عاجل: الخبر الجديد يظهر في كل مكان بعد النشر"
    stack.publish(1, headline, "economy")

    status, headers, home = get(stack.cache + "/")
    assert status == 200 and headline in home
    status, headers, page = get(stack.cache + article)
    assert status == 200 and headline in page  # in its ticker
    # Fetched once again (from the app's page cache, which keeps the page
    # apart from its ticker: tests/test_page_cache.py), then kept.
    assert get(stack.cache + article)[1]["X-Cache"] == "hit"
    status, headers, feed = get(stack.cache + "/feed/")
    assert status == 200 and headline in feed


def test_with_the_app_down_cached_pages_are_still_served(stack):
    article = an_article(stack)
    for path in ("/", article):
        get(stack.cache + path)
    stack.stop_app()
    try:
        # A publish while the app servers are down (the newsroom on another
        # server, or the worker) purges: the cache has only stale copies.
        stack.publish(2, "خبر نشر والخادم متوقف", "politics")
        for path in ("/", article):
            status, _headers, page = get(stack.cache + path)
            assert status == 200, path
            assert 'class="ticker"' in page
        # What was never cached cannot be served.
        status, _headers, _page = get(stack.cache + "/search/?q=never-cached")
        assert status == 503
    finally:
        stack.start_app()
