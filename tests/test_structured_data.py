"""schema.org JSON-LD, Open Graph and Twitter tags, as crawlers extract them."""

import extruct
import pytest

from minbar.newsroom.models import ArticlePage, ArticleType, SectionPage
from minbar.public.models import PublicationSettings

pytestmark = pytest.mark.django_db

EXPECTED_TYPE = {
    "news": "NewsArticle",
    "interview": "NewsArticle",
    "report": "ReportageNewsArticle",
    "analysis": "AnalysisNewsArticle",
    "opinion": "OpinionNewsArticle",
    "editorial": "OpinionNewsArticle",
}


@pytest.fixture(autouse=True)
def _newsroom(newsroom):
    pass


def extract(client, url):
    html = client.get(url).content.decode()
    return html, extruct.extract(
        html, base_url="http://localhost/", syntaxes=["json-ld", "opengraph"]
    )


def by_type(items, schema_type):
    return [item for item in items if item.get("@type") == schema_type]


@pytest.mark.parametrize("article_type", [choice for choice, _ in ArticleType.choices])
def test_article_json_ld_for_every_type(client, article_type):
    article = ArticlePage.objects.listing().filter(article_type=article_type).first()
    _html, data = extract(client, f"/{article.public_id}")
    [item] = by_type(data["json-ld"], EXPECTED_TYPE[article_type])
    url = f"http://localhost/{article.public_id}"
    assert item["headline"] == article.title
    assert item["url"] == url and item["mainEntityOfPage"]["@id"] == url
    assert item["inLanguage"] == "ar" and item["isAccessibleForFree"] is True
    assert item["articleSection"] == article.get_parent().title
    assert item["datePublished"] == article.first_published_at.isoformat()
    assert item["dateModified"] >= item["datePublished"]
    publisher = item["publisher"]
    settings = PublicationSettings.objects.get()
    assert publisher["@type"] == "NewsMediaOrganization"
    assert publisher["name"] == settings.name
    assert [(e["jobTitle"], e["name"]) for e in publisher["employee"]] == [
        (line.role, line.person) for line in settings.staff_lines.all()
    ]
    authors = list(article.authors.all())
    if authors:
        assert [a["name"] for a in item["author"]] == [a.name for a in authors]
        assert all(a["@type"] == "Person" for a in item["author"])
        assert (
            item["author"][0]["url"]
            == f"http://localhost{authors[0].get_absolute_url()}"
        )
    if article.image_id:
        [image] = item["image"]
        assert image["width"] > 0 and image["height"] > 0
        assert image["url"].startswith("http://localhost/media/")


def test_breadcrumb_and_open_graph(client):
    article = (
        ArticlePage.objects.listing()
        .filter(image__isnull=False, tags__isnull=False)
        .first()
    )
    html, data = extract(client, f"/{article.public_id}")
    [crumbs] = by_type(data["json-ld"], "BreadcrumbList")
    names = [item["name"] for item in crumbs["itemListElement"]]
    assert names == ["الرئيسية", article.get_parent().title, article.title]
    assert [i["position"] for i in crumbs["itemListElement"]] == [1, 2, 3]
    og = dict(data["opengraph"][0]["properties"])
    assert og["og:type"] == "article"
    assert og["og:title"] == article.title
    assert og["og:url"] == f"http://localhost/{article.public_id}"
    assert og["og:image"].startswith("http://localhost/media/")
    assert 'name="twitter:card" content="summary_large_image"' in html
    assert f'<link rel="canonical" href="http://localhost/{article.public_id}">' in html
    assert 'type="application/rss+xml"' in html and 'href="/feed/"' in html


def test_home_page_has_website_with_search_action(client):
    _html, data = extract(client, "/")
    [site] = by_type(data["json-ld"], "WebSite")
    action = site["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert (
        action["target"]["urlTemplate"]
        == "http://localhost/search/?q={search_term_string}"
    )
    assert action["query-input"] == "required name=search_term_string"
    [organization] = by_type(data["json-ld"], "NewsMediaOrganization")
    assert organization["name"] == PublicationSettings.objects.get().name


def test_a_hostile_headline_cannot_leave_the_json_ld_script(client):
    section = SectionPage.objects.get(slug="politics")
    hostile = '</script><script>alert("x")</script> & <b>'
    article = section.add_child(instance=ArticlePage(title=hostile))
    article.save_revision().publish()
    html, data = extract(client, f"/{article.public_id}")
    assert '<script>alert("x")</script>' not in html
    [item] = by_type(data["json-ld"], "NewsArticle")
    assert item["headline"] == hostile  # intact once parsed
