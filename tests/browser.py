"""Shared by the browser tests: a fresh demo newsroom served in a subprocess.

tests/test_browser.py serves the demo to look at it; the newsroom and
accessibility tests also log in, so they need the demo's password and a site
whose address (used in feeds and canonical links) is the one served.
"""

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .conftest import SEED_BUNDLE
from .test_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, free_port

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "SCREENSHOTS",
    "TIMEOUT_MS",
    "DemoSite",
    "demo_newsroom",
    "launch_chromium",
]

# `minbar runserver`, with the tracebacks of server errors in its output: without
# DEBUG, Django would only mail them to the ADMINS.
SERVE = (
    "import logging, sys; from minbar.cli import main; "
    "errors = logging.StreamHandler(); errors.setLevel(logging.ERROR); "
    "logging.getLogger('django.request').addHandler(errors); "
    "main(['runserver', sys.argv[1], '--noreload'])"
)
# The machine is shared and busy: one step may wait this long (milliseconds).
TIMEOUT_MS = 90_000
SETUP_TIMEOUT = 900  # seconds for `minbar demo --no-serve` (migrate and load)
START_TIMEOUT = 120  # seconds for the server to answer


@dataclass(frozen=True)
class DemoSite:
    url: str
    password: str
    data_dir: Path
    seeded: bool  # the seed bundle (article /33234) was loaded

    def server_log(self, tail=4000):
        """The end of the server's output: requests, and tracebacks of errors."""
        return (self.data_dir / "server.log").read_text()[-tail:]

    def get(self, path, timeout=60):
        """A public page or feed, fetched without the browser: (status, text)."""
        with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
            return response.status, response.read().decode()


@contextmanager
def demo_newsroom(data_dir, seed=True):
    """`minbar demo --no-serve` in data_dir, then `minbar runserver` on a free port.

    The demo creates the admin, chief, editor and writer accounts; two-factor
    authentication stays off (MINBAR_REQUIRE_2FA is removed from the
    environment).  The server's output goes to data_dir/server.log.
    """
    data_dir = Path(data_dir)
    drop = {"DATABASE_URL", "MINBAR_REQUIRE_2FA", "MINBAR_PAGE_CACHE", "DEBUG"}
    env = {
        **{k: v for k, v in os.environ.items() if k not in drop},
        "DJANGO_SETTINGS_MODULE": "minbar.settings.dev",
        "MINBAR_DATA_DIR": str(data_dir),
    }
    minbar = [sys.executable, "-m", "minbar"]
    seeded = seed and SEED_BUNDLE.is_dir()
    bundles = ["--bundle", str(SEED_BUNDLE)] if seeded else []
    port = free_port()
    setup = subprocess.run(
        [*minbar, "demo", "--no-serve", "--port", str(port), *bundles],
        env=env, capture_output=True, text=True, timeout=SETUP_TIMEOUT,
    )  # fmt: skip
    if setup.returncode:
        raise RuntimeError(f"minbar demo failed:\n{setup.stdout}\n{setup.stderr}")
    log = (data_dir / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, f"127.0.0.1:{port}"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=10).close()
                break
            except OSError as exc:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    output = (data_dir / "server.log").read_text()[-3000:]
                    raise RuntimeError(
                        f"the demo server did not answer:\n{output}"
                    ) from exc
                time.sleep(0.5)
        password = (data_dir / "demo-password").read_text().strip()
        yield DemoSite(url, password, data_dir, seeded)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@contextmanager
def launch_chromium():
    """Debian's Chromium, headless, under Playwright (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
