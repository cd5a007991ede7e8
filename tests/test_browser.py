"""The demo, served by `minbar demo`, looked at in headless Chromium.

Runs the real demo set-up in a fresh data folder, serves it, and checks the
home and article pages at phone and desktop widths: Arabic shaped with the
shipped font, the layout mirrored, nothing overflowing.  Screenshots go to
test-artifacts/screenshots/ for a person to look at.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from .conftest import REPO, SEED_BUNDLE

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]  # fmt: skip

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="Chromium is not installed: browser tests skipped"
    ),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):
    data = tmp_path_factory.mktemp("demo-data")
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "minbar.settings.dev",
        "MINBAR_DATA_DIR": str(data),
    }
    minbar = [sys.executable, "-m", "minbar"]
    bundles = ["--bundle", str(SEED_BUNDLE)] if SEED_BUNDLE.is_dir() else []
    subprocess.run([*minbar, "demo", "--no-serve", *bundles], env=env, check=True,
                   capture_output=True)  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [*minbar, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            # A static file: the first view of a page builds its picture
            # renditions, which can take longer than a readiness probe waits.
            urllib.request.urlopen(url + "/static/minbar/css/site.css", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("path", ["/", "/1019", "/1002", "/politics/", "/33234"])
def test_pages_render_rtl_without_overflow(demo_site, browser, path, width):
    if path == "/33234" and not SEED_BUNDLE.is_dir():
        pytest.skip("the seed bundle is not here")
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(demo_site + path)
    page.wait_for_load_state("networkidle")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = path.strip("/").replace("/", "-") or "home"
    page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)

    assert page.evaluate("document.documentElement.dir") == "rtl"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} overflows by {overflow}px at {width}px"
    # The shipped Arabic font is what renders the text.
    assert page.evaluate("document.fonts.check('16px \"Minbar Naskh\"', 'مرحبا')")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert any("Minbar Naskh" in family for family in loaded)
    # Right to left: the brand sits at the right edge, the main column starts there.
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] + brand["width"] > width * 0.6
    page.close()
