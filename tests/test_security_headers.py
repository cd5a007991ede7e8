"""Security headers of the public site, and pages that keep within them."""

import pytest
from lxml import html

from minbar.newsroom.models import ArticlePage

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/search/?q=الوزير", "/writers/", "/does-not-exist/"]


@pytest.fixture(autouse=True)
def demo(newsroom):
    """The demo newsroom."""


def policy(response) -> dict[str, list[str]]:
    directives = response["Content-Security-Policy"].split(";")
    return {d.split()[0]: d.split()[1:] for d in directives if d.strip()}


def public_pages():
    article = ArticlePage.objects.listing().first()
    section = article.get_parent().specific
    return [*PUBLIC_PAGES, f"/{article.public_id}", section.url]


def test_public_pages_forbid_inline_scripts_plugins_and_foreign_frames(client):
    for path in public_pages():
        response = client.get(path)
        found = policy(response)
        assert found["script-src"] == ["'self'"], path
        assert found["style-src"] == ["'self'"], path
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert found["object-src"] == ["'none'"]
        assert found["frame-ancestors"] == ["'self'"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_public_pages_need_nothing_the_policy_forbids(client):
    """No inline script (JSON-LD is data, not run), style or event handler."""
    for path in public_pages():
        tree = html.fromstring(client.get(path).content)
        for script in tree.iter("script"):
            assert script.get("type") == "application/ld+json", path
        assert not tree.xpath("//style | //*[@style]"), path
        handlers = [
            name for element in tree.iter() for name in element.attrib
            if name.startswith("on")
        ]  # fmt: skip
        assert handlers == [], path


def test_the_newsroom_keeps_its_own_rules(admin_client):
    response = admin_client.get("/newsroom/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response
    assert response["X-Frame-Options"] == "DENY"
