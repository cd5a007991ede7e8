"""Hostile text from writers, wires and readers comes out of every surface inert.

Scripts, event handlers, ``javascript:`` links, markup that closes the element
or the JSON-LD script it sits in, bidi overrides, control characters, broken
UTF-8 and very long strings, mixed with Arabic, go into every field a writer
or a wire can fill and into the search box.  Every public page, feed, sitemap
and API answer that shows them must still parse, carry no script but JSON-LD,
no event handler, no ``javascript:`` address and no frame but the two players,
and show the text as text.
"""

import html
import itertools
import json
import re
import urllib.parse
from contextlib import contextmanager

import html5lib
import lxml.html
import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree
from wagtail.images.models import Image
from wagtail.models import Site

from minbar.ingest.items import Person, WireItem
from minbar.ingest.services import Destination, receive
from minbar.newsroom.html_body import balance_bidi, clean_text
from minbar.newsroom.models import ArticlePage, Author, SectionPage
from minbar.public.models import PublicationSettings, StaffLine, TickerItem

pytestmark = pytest.mark.django_db

# Pieces of attacks, each of which must come out inert wherever it lands.
HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</title><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "</ScRiPt ><script>alert(1)</script>",
    "<!--<script>",
    "-->",
    "]]><x>",
    "<![CDATA[",
    '<a href="javascript:alert(1)">اضغط</a>',
    '<a href=" &#106;avascript:alert(1)">x</a>',
    '<iframe src="https://evil.example/"></iframe>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<base href=//evil.example/>",
    "<object data=//evil.example/x.swf></object>",
    "<style>*{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#x3C;script&#x3E;",
    "\\u003cscript\\u003e",
    "{{ request }}{% debug %}%(name)s{0}",
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u202d",  # LEFT-TO-RIGHT OVERRIDE
    "\u202b",  # RIGHT-TO-LEFT EMBEDDING
    "\u202c",  # POP DIRECTIONAL FORMATTING
    "\u2066",  # LEFT-TO-RIGHT ISOLATE
    "\u2067",  # RIGHT-TO-LEFT ISOLATE
    "\u2068",  # FIRST STRONG ISOLATE
    "\u2069",  # POP DIRECTIONAL ISOLATE
    "\u200f\u061c",  # RLM, ARABIC LETTER MARK
    "\x00",
    "\x0b\x0c",  # Word's line and page breaks
    "\x1b[31m",
    "\x7f\x85\x9f",
    "\ud800",  # lone surrogates
    "\udfff",
    "\ufeff\ufffd\ufffe\uffff",
    "\U0001f600",
    "\r\n",
]
# Arabic as it comes: with diacritics, tatweel, Arabic digits and punctuation.
ARABIC = [
    "عاجل: ",
    "الحكومة تعلن",
    "مُحَمَّد",
    "الـــعـــرب",
    "٢٠٢٤",
    "؟ ، ؛",
    "«اقتباس»",
    "مجلس الأمن",
    "Gaza غزة",
]
# A word no demo article has, so that search finds the article under test.
MARKER = "سلحفاةخضراء"
ALLOWED_PLAYERS = {"www.youtube-nocookie.com", "player.vimeo.com"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:image/svg")
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "poster", "background", "cite",
    "data", "ping", "xlink:href", "codebase", "longdesc", "manifest",
}  # fmt: skip
FORBIDDEN_ELEMENTS = {"object", "embed", "applet", "base", "frame", "frameset"}
BIDI_OPENERS = {
    "\u202a": "\u202c", "\u202b": "\u202c", "\u202d": "\u202c", "\u202e": "\u202c",
    "\u2066": "\u2069", "\u2067": "\u2069", "\u2068": "\u2069",
}  # fmt: skip
SURROGATE = re.compile("[\ud800-\udfff]")

piece = st.one_of(
    st.sampled_from(HOSTILE),
    st.sampled_from(ARABIC),
    st.text(max_size=8),
    st.text(alphabet=st.characters(min_codepoint=0x600, max_codepoint=0x6FF)),
)
short_text = st.lists(piece, min_size=1, max_size=12).map("".join)
# Some of it long: a 100 KB summary or body, the hostile pieces repeated (as
# words: one 100 KB word is test_a_very_long_word_does_not_stop_publishing).
long_text = st.builds(
    lambda pieces, size: " ".join(["".join(pieces)] * size)[:size],
    st.lists(piece, min_size=1, max_size=6),
    st.sampled_from([10_000, 100_000]),
)
any_text = st.one_of(short_text, short_text, short_text, long_text)

EXAMPLES = settings(
    max_examples=6,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
EVERYTHING = "".join(HOSTILE) + MARKER + "".join(ARABIC)


@pytest.fixture(scope="session")
def demo_renditions(newsroom, django_db_blocker):
    """The demo pictures' renditions, made once: each example's writes are
    rolled back, and renditions made inside one would be made again (and
    encoded again) by every example after it."""
    from django.test import Client

    client = Client()
    with django_db_blocker.unblock():
        for url in ("/", "/politics/", "/feed/", "/api/ninjs/?limit=100"):
            fetch(client, url)


@pytest.fixture(autouse=True)
def _newsroom(newsroom, demo_renditions):
    pass


@contextmanager
def rolled_back():
    """One example's writes, undone when it is checked: examples stay apart."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def accepted(value: str, max_length: int | None = None) -> str:
    """What a form lets through to the database: no NUL (Django's form fields
    refuse it), no lone surrogate (a request cannot carry one), within the
    column's length (PostgreSQL enforces it)."""
    value = SURROGATE.sub("\ufffd", value.replace("\x00", ""))
    return value[:max_length] if max_length else value


def squashed(text: str) -> str:
    return " ".join(text.split())


def comparable(text: str) -> str:
    """Text as an HTML parser hands it back: without the controls it drops."""
    return squashed(re.sub("[\x00-\x1f\x7f\ufffd]", "", text))


def unclosed_bidi(text: str) -> int:
    """How many embeddings, overrides and isolates the text leaves open."""
    open_runs: list[str] = []
    for character in text:
        if character in BIDI_OPENERS:
            open_runs.append(BIDI_OPENERS[character])
        elif character == "\u202c" and open_runs and open_runs[-1] == "\u202c":
            open_runs.pop()
        elif character == "\u2069" and "\u2069" in open_runs:
            while open_runs.pop() != "\u2069":
                pass
    return len(open_runs)


# The checks.


def fetch(client, url: str, status: int = 200) -> bytes:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def bad_address(value: str) -> bool:
    """An address a browser would run as script (it drops spaces and control
    characters around and inside the scheme, and ignores case)."""
    value = re.sub(r"[\x00-\x20\x7f]+", "", html.unescape(value)).lower()
    return value.startswith(BAD_SCHEMES)


def check_element(element, where: str) -> None:
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if not tag:
        return  # a comment or processing instruction
    for name, value in element.attrib.items():
        name = name.lower()
        assert not name.startswith("on"), (where, tag, name, value[:80])
        if name in URL_ATTRIBUTES:
            assert not bad_address(value), (where, tag, name, value[:80])
        if name in {"srcset", "imagesrcset"}:
            for candidate in value.split(","):
                assert not bad_address(candidate.strip()), (where, tag, value[:80])
        if name == "style":
            assert "javascript:" not in value.lower(), (where, tag, value[:80])
    assert tag not in FORBIDDEN_ELEMENTS, (where, tag)
    if tag == "script":
        assert element.get("type") == "application/ld+json", (where, element.attrib)
        text = element.text or ""
        assert "</script" not in text.lower() and "<!--" not in text, where
        json.loads(text)  # a breakout would leave half a document here
    if tag == "iframe":
        src = urllib.parse.urlsplit(element.get("src", ""))
        assert src.scheme == "https" and src.hostname in ALLOWED_PLAYERS, (where, src)
    if tag == "meta":
        assert (element.get("http-equiv") or "").lower() != "refresh", where


def check_html(body: bytes | str, where: str) -> lxml.html.HtmlElement:
    """A whole page, as lxml parses it; returns the document."""
    document = lxml.html.document_fromstring(body)
    for element in document.iter():
        check_element(element, where)
    return document


def check_html_fragment(fragment: str, where: str) -> None:
    """HTML inside a feed item or an API body."""
    if not fragment.strip():
        return
    for element in lxml.html.fragment_fromstring(fragment, create_parent="div").iter():
        check_element(element, where)


def check_as_browsers_parse(body: bytes, where: str) -> None:
    """The same checks on the tree a browser builds (the WHATWG algorithm)."""
    document = html5lib.parse(body, treebuilder="lxml", namespaceHTMLElements=False)
    for element in document.getroot().iter():
        if isinstance(element.tag, str):
            element.tag = element.tag.rsplit("}", 1)[-1]
        check_element(element, where)


def json_ld(document) -> list:
    return [
        json.loads(script.text)
        for script in document.iter("script")
        if script.get("type") == "application/ld+json"
    ]


def check_feed(body: bytes, where: str) -> etree._Element:
    root = etree.fromstring(body)  # well-formed XML, or this raises
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        for name, value in element.attrib.items():
            assert not etree.QName(name).localname.lower().startswith("on"), where
            if etree.QName(name).localname in {"href", "url"}:
                assert urllib.parse.urlsplit(value).scheme in {"http", "https"}, (
                    where,
                    value[:80],
                )
        # HTML, unless it says it is plain text (Media RSS's caption, Atom's
        # type="text").
        if local in {"description", "summary", "content", "encoded"} and (
            element.get("type") not in {"plain", "text"}
        ):
            check_html_fragment(element.text or "", f"{where} <{local}>")
    return root


def html_values(data):
    """Every ninjs value whose content type says it is HTML."""
    if isinstance(data, dict):
        if data.get("contenttype") == "text/html":
            yield data.get("value", "")
        for value in data.values():
            yield from html_values(value)
    elif isinstance(data, list):
        for value in data:
            yield from html_values(value)


def check_api(body: bytes, where: str):
    # Headlines are text/plain and say what they say, "<script>" included;
    # but nothing in the bytes may be taken for markup by a sniffing browser.
    assert b"<script" not in body.lower(), where
    assert b"</" not in body, where
    data = json.loads(body)
    for fragment in html_values(data):
        check_html_fragment(fragment, f"{where} text/html")
    return data


def check_public_html(client, url: str) -> lxml.html.HtmlElement:
    return check_html(fetch(client, url), url)


def check_syndication(client, article: ArticlePage) -> None:
    """The feeds, the news sitemap and the API that list the article."""
    for url in ("/feed/", "/feed/atom/"):
        root = check_feed(fetch(client, url), url)
        titles = [squashed(t.text or "") for t in root.iter("{*}title")]
        assert squashed(article.title) in titles, url
    news = check_feed(fetch(client, "/sitemap-news.xml"), "/sitemap-news.xml")
    titles = [squashed(t.text or "") for t in news.iter("{*}title")]
    assert squashed(article.title) in titles
    listing = check_api(fetch(client, "/api/ninjs/"), "/api/ninjs/")
    assert str(article.public_id) in json.dumps(listing)
    item = check_api(
        fetch(client, f"/api/ninjs/{article.public_id}"), "/api/ninjs/<id>"
    )
    assert item["headlines"][0]["value"] == article.title


def check_article_page(client, article: ArticlePage) -> lxml.html.HtmlElement:
    document = check_public_html(client, f"/{article.public_id}")
    [h1] = document.iter("h1")
    # The headline is shown as text: escaped, neither dropped nor escaped twice.
    assert squashed(h1.text_content()) == squashed(article.title)
    [data, _breadcrumb] = json_ld(document)
    assert data["headline"] == article.title
    return document


# Articles written by the newsroom.


def new_article(**fields) -> ArticlePage:
    section = SectionPage.objects.get(slug="politics")
    article = section.add_child(instance=ArticlePage(**fields))
    article.save_revision().publish()
    article.refresh_from_db()
    return article


def demo_image() -> Image:
    return Image.objects.order_by("pk").first()


@given(
    title=short_text,
    kicker=short_text,
    summary=any_text,
    caption=short_text,
    credit=short_text,
    paragraph=any_text,
)
@example(
    title=EVERYTHING,
    kicker=EVERYTHING,
    summary=EVERYTHING * 20,
    caption=EVERYTHING,
    credit=EVERYTHING,
    paragraph=EVERYTHING,
)
@EXAMPLES
def test_an_articles_fields_come_out_inert_everywhere(
    client, title, kicker, summary, caption, credit, paragraph
):
    with rolled_back():
        article = new_article(
            title=f"{MARKER} {title}"[:255],
            kicker=kicker[:80],
            summary=summary,
            image=demo_image(),
            image_caption=caption[:500],
            image_credit=credit[:255],
            image_alt=caption[:500],
            byline=credit[:255],
            dateline=kicker[:120],
            # Stored as it is, behind the editor's back: the page must not
            # trust what the database holds.
            body=[
                ("paragraph", f"<p>{paragraph}</p>"),
                ("heading", accepted(title, 255)),
                ("quote", {"text": accepted(summary), "attribution": accepted(credit)}),
            ],
        )
        document = check_article_page(client, article)
        body = document.find_class("article-body")[0]
        assert body.find(".//script") is None
        for url in ("/", "/politics/", f"/search/?q={MARKER}"):
            check_public_html(client, url)
        found = check_api(fetch(client, f"/api/search/?q={MARKER}"), "/api/search/")
        assert found["results"][0]["headline"] == article.title
        check_syndication(client, article)


@given(title=short_text, paragraph=any_text)
@EXAMPLES
def test_full_content_feeds_carry_only_clean_bodies(client, settings, title, paragraph):
    settings.MINBAR_FEED_FULL_CONTENT = True
    with rolled_back():
        article = new_article(
            title=f"{MARKER} {title}"[:255],
            body=[("paragraph", paragraph), ("paragraph", f"<p>{paragraph}</p>")],
        )
        for url in ("/feed/", "/feed/atom/"):
            body = fetch(client, url)
            check_feed(body, url)
            assert f"/{article.public_id}".encode() in body


# Stories from the wire, through the ingest sanitiser.


wire_body = st.lists(
    st.one_of(
        piece,
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<h2>",
                "</h2>",
                "<blockquote><p>",
                "<cite>",
                "</blockquote>",
                '<a href="',
                '">',
                "</a>",
                "<ul><li>",
                '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>',
                '<iframe src="https://player.vimeo.com/video/76979871"></iframe>',
                "<p>https://vimeo.com/76979871</p>",
                '<iframe src="javascript:alert(1)"></iframe>',
                '<img src="javascript:alert(1)" onerror="alert(1)">',
                '<a href="/relative" onclick="alert(1)">',
            ]
        ),
    ),
    min_size=1,
    max_size=30,
).map("".join)
wire_counter = itertools.count()


@given(headline=short_text, kicker=short_text, summary=any_text, body=wire_body)
@example(headline=EVERYTHING, kicker=EVERYTHING, summary=EVERYTHING, body=EVERYTHING)
@EXAMPLES
def test_wire_stories_come_out_inert_everywhere(
    client, settings, headline, kicker, summary, body
):
    settings.MINBAR_FEED_FULL_CONTENT = True
    # The queue keeps the item as received, NUL and all: see
    # test_a_wire_item_with_nul_or_surrogates_is_taken_or_refused_whole.
    item = WireItem(
        format="ninjs",
        guid=f"urn:test:hostile:{next(wire_counter)}",
        headline=accepted(f"{MARKER} {headline}"),
        # The mapping cuts a kicker to 120 characters, the column holds 80:
        # see test_a_long_wire_kicker_is_cut_to_fit.
        kicker=accepted(kicker, 80),
        summary=accepted(summary),
        body_html=accepted(body),
        byline=accepted(kicker),
        people=[Person(name=accepted(headline, 100))],
        located=accepted(kicker, 40),
    )
    with rolled_back():
        outcome = receive(
            item, "hostile.json#1", Destination(source="hostile", publish=True)
        )
        assert outcome.outcome == "created", outcome
        article = ArticlePage.objects.get(public_id=outcome.public_id)
        document = check_article_page(client, article)
        for iframe in document.iter("iframe"):
            assert urllib.parse.urlsplit(iframe.get("src")).hostname in ALLOWED_PLAYERS
        check_public_html(client, article.get_parent().url)
        check_syndication(client, article)


@pytest.mark.parametrize("poison", ["\x00", "\ud800", "\udfff\x00\x0b"])
def test_a_wire_item_with_nul_or_surrogates_is_taken_or_refused_whole(client, poison):
    """A ninjs file may carry "\\u0000" or a lone "\\ud800": the item is
    made an article (the text cleaned) or refused with a reason, never half
    written, never an error page."""
    item = WireItem(
        format="ninjs",
        guid=f"urn:test:poison:{poison!r}",
        headline=f"{MARKER} عنوان{poison}",
        summary=f"ملخص{poison}",
        body_html=f"<p>نص{poison}<script>alert(1)</script></p>",
        byline=f"وكالة{poison}",
    )
    before = ArticlePage.objects.count()
    outcome = receive(item, "poison.json", Destination(source="poison", publish=True))
    if outcome.outcome == "failed":
        assert outcome.reason
        assert ArticlePage.objects.count() == before
        return
    assert outcome.outcome == "created", outcome
    article = ArticlePage.objects.get(public_id=outcome.public_id)
    assert "\x00" not in article.title and not SURROGATE.search(article.title)
    check_article_page(client, article)
    check_syndication(client, article)


def test_a_long_wire_kicker_is_cut_to_fit():
    item = WireItem(
        format="ninjs", guid="urn:test:kicker", headline="عنوان", kicker="ك" * 100
    )
    outcome = receive(item, "kicker.json", Destination(source="kicker", publish=True))
    assert outcome.outcome == "created", outcome
    article = ArticlePage.objects.get(public_id=outcome.public_id)
    assert len(article.kicker) <= 80


def test_a_very_long_word_does_not_stop_publishing(client):
    # A pasted data: address, a long hashtag run, a key held down.
    word = "ع" * 1500 + "x" * 2000
    with rolled_back():
        article = new_article(title=f"{MARKER} كلمة طويلة", summary=word)
        check_article_page(client, article)


# The furniture: ticker, staff box, writers.


def browser_address(url: str) -> str:
    """The address as a browser's URL parser reads it (WHATWG URL)."""
    url = re.sub(r"[\t\n\r]", "", url).strip("\x00- ").replace("\\", "/")
    return url.lower()


ticker_url = st.one_of(
    st.lists(
        st.sampled_from(
            HOSTILE
            + ["/", "//", "\\", "/\t/", "http://", "https://", "evil.example", "/33234"]
        ),
        min_size=1,
        max_size=5,
    ).map("".join),
    st.text(max_size=20),
)


@given(url=ticker_url)
@example(url="/\t/evil.example")
@example(url="/\\evil.example")
@example(url="javascript:alert(1)")
@example(url=" javascript:alert(1)")
@settings(max_examples=300, deadline=None, database=None)
def test_a_ticker_link_the_newsroom_can_save_stays_on_the_web(url):
    item = TickerItem(text="عاجل", url=accepted(url, 500))
    try:
        item.full_clean()
    except ValidationError:
        return  # refused, as the newsroom's form would
    address = browser_address(item.url)
    if not item.url:
        return  # no link: the item is plain text
    assert not address.startswith(BAD_SCHEMES), url
    assert address.startswith(("http://", "https://", "/")), url
    assert not address.startswith("//"), url


writer_counter = itertools.count()


@given(
    ticker=short_text,
    url=ticker_url,
    role=short_text,
    person=short_text,
    name=short_text,
    title=short_text,
    bio=any_text,
    opinion=st.booleans(),
)
@example(
    ticker=EVERYTHING,
    url="javascript:alert(1)",
    role=EVERYTHING,
    person=EVERYTHING,
    name=EVERYTHING,
    title=EVERYTHING,
    bio=EVERYTHING * 50,
    opinion=True,
)
@EXAMPLES
def test_the_ticker_staff_box_and_writers_come_out_inert(
    client, ticker, url, role, person, name, title, bio, opinion
):
    with rolled_back():
        item = TickerItem(text=accepted(ticker, 255), url=accepted(url, 500))
        try:
            item.full_clean()
        except ValidationError:
            item.url = ""  # the newsroom's form would refuse it
        item.save()
        publication = PublicationSettings.for_site(
            Site.objects.get(is_default_site=True)
        )
        StaffLine.objects.create(
            publication=publication,
            role=accepted(role, 120),
            person=accepted(person, 120),
        )
        author = Author.objects.create(
            name=name[:120] or "ـ",
            slug=f"hostile-writer-{next(writer_counter)}",
            title=title[:120],
            bio=bio,
        )
        article = new_article(
            title=f"{MARKER} {name}"[:255],
            article_type="opinion" if opinion else "news",
        )
        article.authors.add(author)
        article.save_revision().publish()
        document = check_article_page(client, article)
        assert squashed(author.name) in squashed(document.text_content())
        for url in ("/", author.get_absolute_url(), "/writers/"):
            check_public_html(client, url)
        check_syndication(client, article)
        check_feed(fetch(client, f"/feed/writer/{author.slug}/"), "writer feed")


# The search box.


@given(query=st.one_of(short_text, st.text(), long_text))
@example(query=EVERYTHING)
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_any_search_query_comes_back_inert(client, query):
    encoded = urllib.parse.quote(query, errors="surrogatepass")
    document = check_public_html(client, f"/search/?q={encoded}")
    # What the reader typed is back in the box, as text.
    shown = document.get_element_by_id("id_q").get("value", "")
    typed = urllib.parse.unquote(encoded, errors="replace")
    assert comparable(shown) == comparable(typed)
    check_api(fetch(client, f"/api/search/?q={encoded}"), "/api/search/")


@pytest.mark.parametrize(
    "raw",
    [
        "%ff%fe",  # not UTF-8
        "%ed%a0%80",  # an encoded surrogate
        "%c0%bc%c0%bcscript%c0%be",  # overlong "<"
        "%00",
        "%3Cscript%3Ealert(1)%3C/script%3E",
        "%22%3E%3Csvg%20onload=alert(1)%3E",
        "%E2%80%AE%D8%B9%D8%B1%D8%A8%D9%8A",  # RLO + عربي
        "a" * 20_000,
        "%D8%B9" * 40_000,  # عععع… 80 KB of Arabic
    ],
    ids=lambda raw: raw[:24],
)
def test_raw_bytes_in_the_search_query(client, raw):
    body = fetch(client, f"/search/?q={raw}&sort=%ff&section=%00&page=%ff")
    check_html(body, raw[:24])
    check_as_browsers_parse(body, raw[:24])
    check_api(fetch(client, f"/api/search/?q={raw}&page=-1"), raw[:24])


def test_hostile_api_addresses_are_answered_in_json(client):
    for tail in ("%3Cscript%3Ealert(1)%3C/script%3E", "%ff", "1%00", "٣٣٢٣٤"):
        check_api(fetch(client, f"/api/ninjs/{tail}", status=404), tail)


# The whole page as a browser parses it, once, with everything at once.


def test_a_page_full_of_hostile_text_parses_the_same_in_a_browser(client):
    with rolled_back():
        author = Author.objects.create(
            name=EVERYTHING[:120], slug="hostile-writer-browser", bio=EVERYTHING
        )
        article = new_article(
            title=EVERYTHING[:255],
            kicker=EVERYTHING[:80],
            summary=EVERYTHING,
            image=demo_image(),
            image_caption=EVERYTHING[:500],
            image_credit=EVERYTHING[:255],
            body=[("paragraph", EVERYTHING)],
        )
        article.authors.add(author)
        article.save_revision().publish()
        TickerItem.objects.create(text=accepted(EVERYTHING, 255))
        for url in (f"/{article.public_id}", "/", author.get_absolute_url()):
            check_as_browsers_parse(fetch(client, url), url)


# Bidi controls stay inside the text that brings them.


def test_an_unclosed_override_does_not_reverse_what_follows_the_headline(client):
    rlo, lri = "\u202e", "\u2066"
    with rolled_back():
        article = new_article(
            title=f"{rlo}عنوان مقلوب {lri}isolated",
            image=demo_image(),
            image_caption=f"تعليق {rlo}",
            image_credit="تصوير: منبر",
            summary=f"ملخص {rlo}",
        )
        assert unclosed_bidi(article.title) == 0
        document = check_article_page(client, article)
        # The window title: "<headline> — <publication>"; the publication's
        # name must not come out reversed.
        window_title = document.find(".//title").text_content()
        headline_part = window_title.rsplit(" — ", 1)[0]
        assert unclosed_bidi(headline_part) == 0
        # The caption and the credit share a line in <figcaption>.
        caption = document.find(".//figcaption")
        assert unclosed_bidi(caption.text or "") == 0
        # Teasers and the ticker put many headlines in one block.
        for url in ("/", "/politics/"):
            home = check_public_html(client, url)
            for link in home.xpath(f'//a[@href="/{article.public_id}"]'):
                assert unclosed_bidi(link.text_content()) == 0, url
        item = json.loads(fetch(client, f"/api/ninjs/{article.public_id}"))
        assert unclosed_bidi(item["headlines"][0]["value"]) == 0


def test_bidi_balancing_keeps_closed_runs_and_never_lengthens():
    assert balance_bidi("\u2067Hello\u2069 مرحبا") == "\u2067Hello\u2069 مرحبا"
    assert balance_bidi("\u202eabc") == "abc"
    assert balance_bidi("\u202bx\u2066y\u202c\u2069") == "x\u2066y\u202c\u2069"
    assert clean_text("سطر\x0bسطر\x00\ud800") == "سطر سطر\ufffd"


@given(st.lists(piece, max_size=20).map("".join))
@settings(max_examples=300, deadline=None, database=None)
def test_cleaned_text_is_balanced_and_fits(text):
    cleaned = clean_text(text)
    assert unclosed_bidi(cleaned) == 0
    assert len(cleaned) <= len(text)
    assert clean_text(cleaned) == cleaned
    assert not re.search(
        "[\x00-\x08\x0b-\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", cleaned
    )


# Rows written around the models (an old row, a raw UPDATE) still make feeds.


def test_feeds_survive_control_characters_the_models_never_saw(client):
    with rolled_back():
        article = new_article(title=f"{MARKER} سليم")
        author = Author.objects.create(name="كاتب", slug="hostile-writer-raw")
        article.authors.add(author)
        article.save_revision().publish()
        ArticlePage.objects.filter(pk=article.pk).update(
            title="عنوان\x0b\x01\x1b فيه محارف تحكم", summary="ملخص\x08"
        )
        Author.objects.filter(pk=author.pk).update(name="كاتب\x0c\x02")
        for url in ("/feed/", "/feed/atom/", f"/feed/writer/{author.slug}/"):
            root = check_feed(fetch(client, url), url)
            assert "عنوان  فيه محارف تحكم" in [t.text for t in root.iter("{*}title")]


def test_the_news_sitemap_survives_control_characters_the_models_never_saw(client):
    with rolled_back():
        article = new_article(title=f"{MARKER} سليم")
        ArticlePage.objects.filter(pk=article.pk).update(title="عنوان\x0b\x01")
        check_feed(fetch(client, "/sitemap-news.xml"), "/sitemap-news.xml")
