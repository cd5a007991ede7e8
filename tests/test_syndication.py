"""Feeds and sitemaps, checked against their specifications and published schemas.

The feeds are parsed with feedparser and then read element by element for what
RSS 2.0 and Atom 1.0 (RFC 4287) require.  The sitemaps are validated with lxml
against the sitemaps.org schemas in ../shared/standards/sitemaps/, extended
with our own schemas of Google's image and news namespaces (tests/schemas/).
"""

import datetime
import email.utils
import tracemalloc
import uuid
from pathlib import Path

import feedparser
import lxml.html
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from lxml import etree
from wagtail.models import Page, Site

from minbar.newsroom.models import ArticlePage, Author, SectionPage
from minbar.public.models import PublicationSettings
from minbar.syndication import sitemaps

pytestmark = pytest.mark.django_db

ROOT = "http://localhost"
STANDARDS = Path(__file__).resolve().parents[2] / "shared" / "standards"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "dc": "http://purl.org/dc/elements/1.1/",
    "media": "http://search.yahoo.com/mrss/",
    "sm": sitemaps.SITEMAP_NS,
    "image": sitemaps.IMAGE_NS,
    "news": sitemaps.NEWS_NS,
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(autouse=True)
def _newsroom(newsroom):
    pass


# What each feed is about, and the articles it must list.


def feed_subjects():
    """kind -> (feed path after /feed/ or /feed/atom/, its expected articles)."""
    listing = ArticlePage.objects.listing()
    site = Site.objects.get(is_default_site=True)
    section = next(
        s
        for s in SectionPage.objects.live().order_by("-depth", "path")
        if s.articles().exists()
    )
    section_path = section.url_path.removeprefix(site.root_page.url_path)
    writer = (
        Author.objects.filter(articlepage__live=True)
        .annotate(n=Count("articlepage"))
        .order_by("-n")
        .first()
    )
    tag = listing.filter(tags__isnull=False).first().tags.first()
    return {
        "site": ("", listing),
        "section": (f"section/{section_path}", section.articles()),
        "writer": (f"writer/{writer.slug}/", listing.filter(authors=writer)),
        "tag": (f"tag/{tag.slug}/", listing.filter(tags=tag)),
    }


def fetch_feed(client, kind, atom):
    path, articles = feed_subjects()[kind]
    response = client.get(f"/feed/{'atom/' if atom else ''}{path}")
    assert response.status_code == 200, response
    return response, list(articles[:30])


def check_picture(element_attrs, article):
    rendition = article.image.get_rendition("width-1200")
    assert element_attrs["url"] == ROOT + rendition.url
    # The length is the file's size on disk, in bytes.
    assert int(element_attrs["length"]) == Path(rendition.file.path).stat().st_size
    assert element_attrs["type"] in {"image/jpeg", "image/png", "image/webp"}


def expected_writers(article):
    """(name, page address) of each writer, or the byline alone."""
    writers = [
        (a.name, iri_to_uri(ROOT + a.get_absolute_url())) for a in article.authors.all()
    ]
    return writers or ([(article.byline, None)] if article.byline else [])


def assert_site_offset(moment, stamp):
    """Written in the site's time zone, and the same instant."""
    assert moment == stamp
    assert moment.utcoffset() == timezone.localtime(stamp).utcoffset()


# RSS 2.0


@pytest.mark.parametrize("kind", ["site", "section", "writer", "tag"])
def test_rss_feed(client, kind):
    response, articles = fetch_feed(client, kind, atom=False)
    assert response["Content-Type"].startswith("application/rss+xml")
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert parsed.feed.title and parsed.feed.link.startswith(ROOT)
    assert parsed.feed.subtitle and parsed.feed.language == "ar"
    assert [e.link for e in parsed.entries] == [
        f"{ROOT}/{a.public_id}" for a in articles
    ]
    # (feedparser's guidislink means "no <link>, use the guid": not our case.)
    assert all(entry.id == entry.link for entry in parsed.entries)

    rss = etree.fromstring(response.content)
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    (channel,) = rss.findall("channel")
    for name in ("title", "link", "description", "language"):
        (element,) = channel.findall(name)
        assert element.text.strip(), name
    items = channel.findall("item")
    assert 0 < len(items) <= 30 and len(items) == len(articles)
    dates = []
    for item, article in zip(items, articles, strict=True):
        check_rss_item(item, article)
        dates.append(email.utils.parsedate_to_datetime(item.findtext("pubDate")))
    assert dates == sorted(dates, reverse=True)


def check_description(html, article):
    """The summary as HTML that says its language and direction."""
    (block,) = lxml.html.fragments_fromstring(html)
    assert block.tag == "div"
    assert (block.get("dir"), block.get("lang")) == ("rtl", "ar")
    assert block.text_content() == article.summary


def check_rss_item(item, article):
    assert item.findtext("title") == article.title
    link = f"{ROOT}/{article.public_id}"
    assert item.findtext("link") == link
    (guid,) = item.findall("guid")
    assert guid.text == link and guid.get("isPermaLink") == "true"
    check_description(item.findtext("description"), article)
    published = email.utils.parsedate_to_datetime(item.findtext("pubDate"))
    assert_site_offset(published, article.first_published_at.replace(microsecond=0))
    categories = [c.text for c in item.findall("category")]
    section = article.get_parent().title
    assert categories[0] == section and len(categories) == len(set(categories))
    assert set(categories) == {section} | {t.name for t in article.tags.all()}
    writers = [c.text for c in item.findall("dc:creator", NS)]
    assert writers == [name for name, _uri in expected_writers(article)]
    enclosures = item.findall("enclosure")
    if article.image is None:
        assert enclosures == [] and item.find("media:content", NS) is None
        return
    (enclosure,) = enclosures
    check_picture(enclosure.attrib, article)
    media = item.find("media:content", NS)
    assert media.get("url") == enclosure.get("url") and media.get("medium") == "image"
    caption = media.findtext("media:description", namespaces=NS)
    assert caption == (article.image_caption or None)


# Atom 1.0


@pytest.mark.parametrize("kind", ["site", "section", "writer", "tag"])
def test_atom_feed(client, kind):
    response, articles = fetch_feed(client, kind, atom=True)
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.id and parsed.feed.title and parsed.feed.updated_parsed
    alternates = [x.href for x in parsed.feed.links if x.rel == "alternate"]
    assert len(alternates) == 1 and alternates[0].startswith(ROOT)
    assert [e.id for e in parsed.entries] == [f"{ROOT}/{a.public_id}" for a in articles]

    feed = etree.fromstring(response.content)
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert feed.get(XML_LANG) == "ar"
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"atom:{name}", NS)) == 1, name
    # Either the feed has an author or every entry has one (RFC 4287, 4.1.1).
    assert feed.findtext("atom:author/atom:name", namespaces=NS)
    entries = feed.findall("atom:entry", NS)
    assert len(entries) == len(articles) > 0
    updated = [check_atom_entry(e, a) for e, a in zip(entries, articles, strict=True)]
    feed_updated = datetime.datetime.fromisoformat(
        feed.findtext("atom:updated", namespaces=NS)
    )
    assert feed_updated == max(updated)


def check_atom_entry(entry, article):
    link = f"{ROOT}/{article.public_id}"
    for name in ("id", "title", "updated"):
        assert len(entry.findall(f"atom:{name}", NS)) == 1, name
    assert entry.findtext("atom:id", namespaces=NS) == link
    assert entry.findtext("atom:title", namespaces=NS) == article.title
    (summary,) = entry.findall("atom:summary", NS)
    assert summary.get("type") == "html"
    check_description(summary.text, article)
    alternate = entry.findall("atom:link[@rel='alternate']", NS)
    assert [x.get("href") for x in alternate] == [link]
    published = datetime.datetime.fromisoformat(
        entry.findtext("atom:published", namespaces=NS)
    )
    updated = datetime.datetime.fromisoformat(
        entry.findtext("atom:updated", namespaces=NS)
    )
    assert_site_offset(published, article.first_published_at.replace(microsecond=0))
    assert_site_offset(updated, article.last_published_at.replace(microsecond=0))
    assert updated >= published
    writers = [
        (a.findtext("atom:name", namespaces=NS), a.findtext("atom:uri", namespaces=NS))
        for a in entry.findall("atom:author", NS)
    ]
    assert writers == expected_writers(article)
    enclosures = entry.findall("atom:link[@rel='enclosure']", NS)
    if article.image is None:
        assert enclosures == []
    else:
        (enclosure,) = enclosures
        check_picture({**enclosure.attrib, "url": enclosure.get("href")}, article)
    return updated


def test_feeds_of_unknown_subjects_are_not_found(client):
    for path in ("section/nowhere/", "writer/nobody/", "tag/nothing/"):
        assert client.get(f"/feed/{path}").status_code == 404
        assert client.get(f"/feed/atom/{path}").status_code == 404


def test_full_content_setting_puts_the_body_in_items(client, settings):
    summary = client.get("/feed/")
    settings.MINBAR_FEED_FULL_CONTENT = True
    response = client.get("/feed/")
    assert response["ETag"] != summary["ETag"]
    item = etree.fromstring(response.content).find("channel/item")
    body = item.findtext("description")
    assert "<p" in body and ' src="/' not in body and ' href="/' not in body


# Conditional GET


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_conditional_get_answers_304_until_an_article_changes(client, url):
    response = client.get(url)
    etag, modified = response["ETag"], response["Last-Modified"]
    assert etag and modified
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304

    newest = ArticlePage.objects.listing().first()
    newest.save_revision().publish()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


# Sitemaps


def standard_schema(name):
    path = STANDARDS / "sitemaps" / name
    if not path.exists():
        pytest.skip(f"the sitemaps.org schemas are not here ({path}): see ../shared/")
    return path


def schema(*extensions):
    """The sitemaps.org urlset schema, with our schemas of Google's extensions."""
    imports = [(sitemaps.SITEMAP_NS, standard_schema("sitemap.xsd"))]
    imports += [(ns, SCHEMAS / name) for ns, name in extensions]
    document = (
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        + "".join(
            f'<xsd:import namespace="{ns}" schemaLocation="{path.as_uri()}"/>'
            for ns, path in imports
        )
        + "</xsd:schema>"
    )
    return etree.XMLSchema(etree.fromstring(document))


IMAGE = (sitemaps.IMAGE_NS, "sitemap-image.xsd")
NEWS = (sitemaps.NEWS_NS, "sitemap-news.xsd")


def fetch_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    content = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    return etree.fromstring(content)


def assert_valid(xml_schema, document):
    assert xml_schema.validate(document), xml_schema.error_log


def test_sitemap_index_and_every_child_validate(client):
    index_schema = etree.XMLSchema(file=str(standard_schema("siteindex.xsd")))
    articles_schema = schema(IMAGE)
    index = fetch_xml(client, "/sitemap.xml")
    assert_valid(index_schema, index)
    locs = index.xpath("sm:sitemap/sm:loc/text()", namespaces=NS)

    articles = ArticlePage.objects.listing()
    months = {
        f"{ROOT}/sitemap-{timezone.localtime(a.first_published_at):%Y-%m}.xml"
        for a in articles
    }
    assert set(locs) == months | {f"{ROOT}/sitemap-pages.xml"}

    seen = {}
    for loc in locs:
        child = fetch_xml(client, loc.removeprefix(ROOT))
        assert_valid(articles_schema, child)
        if loc.endswith("pages.xml"):
            pages = child.xpath("sm:url/sm:loc/text()", namespaces=NS)
            assert f"{ROOT}/" in pages and f"{ROOT}/writers/" in pages
            continue
        for url in child.findall("sm:url", NS):
            seen[url.findtext("sm:loc", namespaces=NS)] = url
    assert len(seen) == articles.count()
    for article in articles:
        url = seen[f"{ROOT}/{article.public_id}"]
        lastmod = url.findtext("sm:lastmod", namespaces=NS)
        assert_site_offset(
            datetime.datetime.fromisoformat(lastmod),
            article.last_published_at.replace(microsecond=0),
        )
        images = url.xpath("image:image/image:loc/text()", namespaces=NS)
        assert len(images) == (1 if article.image else 0)
        if article.image:
            assert images[0] == ROOT + article.image.file.url


def test_months_without_articles_and_misnamed_parts_are_not_found(client):
    newest = ArticlePage.objects.listing().first()
    month = f"{timezone.localtime(newest.first_published_at):%Y-%m}"
    assert client.get(f"/sitemap-{month}.xml").status_code == 200
    for name in (f"{month}-1", f"{month}-2", "1901-01", "2024-13"):
        assert client.get(f"/sitemap-{name}.xml").status_code == 404, name


def test_news_sitemap_lists_what_was_published_in_the_last_two_days(client):
    section = SectionPage.objects.live().first()
    article = ArticlePage(title="خبر عاجل للتو", summary="ملخص الخبر.")
    section.add_child(instance=article)
    article.save_revision().publish()
    article.refresh_from_db()

    news = fetch_xml(client, "/sitemap-news.xml")
    assert_valid(schema(NEWS, IMAGE), news)
    name = PublicationSettings.for_site(Site.objects.get(is_default_site=True)).name
    since = timezone.now() - datetime.timedelta(hours=48)
    entries = {}
    for url in news.findall("sm:url", NS):
        published = url.findtext("news:news/news:publication_date", namespaces=NS)
        assert datetime.datetime.fromisoformat(published) >= since
        entries[url.findtext("sm:loc", namespaces=NS)] = url
    url = entries[f"{ROOT}/{article.public_id}"]
    assert url.findtext("news:news/news:publication/news:name", namespaces=NS) == name
    assert (
        url.findtext("news:news/news:publication/news:language", namespaces=NS) == "ar"
    )
    assert url.findtext("news:news/news:title", namespaces=NS) == article.title
    published = url.findtext("news:news/news:publication_date", namespaces=NS)
    assert_site_offset(
        datetime.datetime.fromisoformat(published),
        article.first_published_at.replace(microsecond=0),
    )


def test_robots_txt_points_at_both_sitemaps(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    for line in (
        "User-agent: *",
        "Allow: /",
        "Disallow: /newsroom/",
        "Disallow: /search/",
        f"Sitemap: {ROOT}/sitemap.xml",
        f"Sitemap: {ROOT}/sitemap-news.xml",
    ):
        assert line in lines


# A large archive


def bulk_articles(count, first_published):
    """``count`` live articles in one month, inserted in bulk: no signals, no index."""
    section = SectionPage.objects.live().first()
    image_id = ArticlePage.objects.filter(image__isnull=False).first().image_id
    content_type = ContentType.objects.get_for_model(ArticlePage)
    start = 36**3 * 10  # above any child path the demo uses
    paths = [section.path + base36(start + n) for n in range(count)]
    Page.objects.bulk_create(
        [
            Page(
                title=f"مقال {n}",
                draft_title=f"مقال {n}",
                slug=f"bulk-{n}",
                content_type=content_type,
                path=path,
                depth=section.depth + 1,
                numchild=0,
                url_path=f"{section.url_path}bulk-{n}/",
                live=True,
                first_published_at=first_published + datetime.timedelta(seconds=n),
                last_published_at=first_published + datetime.timedelta(seconds=n),
                locale_id=section.locale_id,
                translation_key=uuid.uuid4(),
            )
            for n, path in enumerate(paths)
        ],
        batch_size=2000,
    )
    bulk = Page.objects.filter(path__startswith=section.path, slug__startswith="bulk-")
    pks = dict(bulk.values_list("path", "pk"))
    fields = ArticlePage._meta.local_concrete_fields
    template = ArticlePage(image_id=image_id)
    values = {
        f.attname: f.get_db_prep_save(getattr(template, f.attname), connection)
        for f in fields
    }
    columns = [f.column for f in fields]
    rows = [
        [
            {"page_ptr_id": pks[path], "public_id": 10_000_000 + n}.get(
                f.attname, values[f.attname]
            )
            for f in fields
        ]
        for n, path in enumerate(paths)
    ]
    table = ArticlePage._meta.db_table
    quote = connection.ops.quote_name
    # Table and column names come from the model's own metadata.
    names = ", ".join(map(quote, columns))
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def base36(number):
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    for _ in range(ArticlePage.steplen):
        number, digit = divmod(number, 36)
        out = digits[digit] + out
    return out


def streamed_size(response):
    """Read a streamed body to the end without keeping it."""
    return sum(len(chunk) for chunk in response.streaming_content)


def peak_memory(function):
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


ARCHIVE_SIZE = 20_000


def test_large_archive_in_bounded_memory_and_queries(client, monkeypatch):
    def index_queries():
        with CaptureQueriesContext(connection) as queries:
            client.get("/sitemap.xml")
        return len(queries)

    client.get("/sitemap.xml")  # warm the site cache
    before = index_queries()
    bulk_articles(ARCHIVE_SIZE, datetime.datetime(2001, 1, 2, tzinfo=datetime.UTC))
    assert index_queries() == before <= 3

    def index_and_month():
        assert client.get("/sitemap.xml").status_code == 200
        streamed_size(client.get("/sitemap-2001-01.xml"))

    peak = peak_memory(index_and_month)
    monkeypatch.setattr(sitemaps, "MAX_URLS", ARCHIVE_SIZE // 10)
    small_peak = peak_memory(index_and_month)
    print(  # noqa: T201 (the figure for the report, with -s)
        f"peak Python memory, index + one month file: {peak / 1e6:.1f} MB for "
        f"{ARCHIVE_SIZE} URLs, {small_peak / 1e6:.1f} MB for {ARCHIVE_SIZE // 10}"
    )
    assert peak < 2 * small_peak + 2_000_000

    # Split past the limit: ten parts of 2,000, every one valid and complete.
    index = fetch_xml(client, "/sitemap.xml")
    parts = [
        loc
        for loc in index.xpath("sm:sitemap/sm:loc/text()", namespaces=NS)
        if "2001-01" in loc
    ]
    assert parts == [f"{ROOT}/sitemap-2001-01.xml"] + [
        f"{ROOT}/sitemap-2001-01-{n}.xml" for n in range(2, 11)
    ]
    urlset_schema = schema(IMAGE)
    total = set()
    for loc in parts:
        child = fetch_xml(client, loc.removeprefix(ROOT))
        assert_valid(urlset_schema, child)
        total.update(child.xpath("sm:url/sm:loc/text()", namespaces=NS))
    assert len(total) == ARCHIVE_SIZE
    assert client.get("/sitemap-2001-01-11.xml").status_code == 404


def test_the_extended_schema_is_strict():
    """Foreign elements are checked: a wrong image or news entry is rejected."""
    xml_schema = schema(NEWS, IMAGE)
    url = f"<url><loc>{ROOT}/1001</loc>{{}}</url>"
    document = (
        f'<urlset xmlns="{sitemaps.SITEMAP_NS}" xmlns:image="{sitemaps.IMAGE_NS}"'
        f' xmlns:news="{sitemaps.NEWS_NS}" xmlns:x="urn:x">{{}}</urlset>'
    )
    news = (
        "<news:news><news:publication><news:name>منبر</news:name>"
        "<news:language>{}</news:language></news:publication>"
        "<news:publication_date>2026-11-29T10:00:00+02:00</news:publication_date>"
        "{}</news:news>"
    )
    good = news.format("ar", "<news:title>عنوان</news:title>")
    image = f"<image:image><image:loc>{ROOT}/a.jpg</image:loc></image:image>"
    assert xml_schema.validate(etree.fromstring(document.format(url.format(good))))
    assert xml_schema.validate(etree.fromstring(document.format(url.format(image))))
    for wrong in (
        news.format("ar", ""),  # no title
        news.format("Arabic", "<news:title>عنوان</news:title>"),
        "<image:image><image:caption>بلا عنوان</image:caption></image:image>",
        "<x:unknown/>",
    ):
        tree = etree.fromstring(document.format(url.format(wrong)))
        assert not xml_schema.validate(tree), wrong
