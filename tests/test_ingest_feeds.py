"""The RSS and Atom parser, on two small Arabic feeds written for these tests.

Expectations are typed by hand from ``tests/fixtures/feeds/``.  No database.
"""

import datetime
import io
from pathlib import Path

import pytest

from minbar.ingest.items import ParsedEntry, Person, Picture, Subject
from minbar.ingest.parsers import SNIFF_BYTES, feeds, wxr

FIXTURES = Path(__file__).parent / "fixtures"
RSS = FIXTURES / "feeds" / "wire-rss.xml"
ATOM = FIXTURES / "feeds" / "wire-atom.xml"
UTC = datetime.UTC


def parse_bytes(data: bytes, name: str = "feed.xml") -> list[ParsedEntry]:
    return list(feeds.parse(io.BytesIO(data), name))


@pytest.fixture(scope="module")
def rss() -> list[ParsedEntry]:
    with RSS.open("rb") as source:
        return list(feeds.parse(source, "wire-rss.xml"))


@pytest.fixture(scope="module")
def atom() -> list[ParsedEntry]:
    with ATOM.open("rb") as source:
        return list(feeds.parse(source, "wire-atom.xml"))


# Detection --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "format", "expected"),
    [
        (RSS, "rss", True),
        (RSS, "atom", False),
        (ATOM, "atom", True),
        (ATOM, "rss", False),
        (FIXTURES / "wxr" / "arabic-export.xml", "rss", False),
        (FIXTURES / "wxr" / "arabic-export.xml", "atom", False),
    ],
    ids=["rss", "rss-not-atom", "atom", "atom-not-rss", "wxr-not-rss", "wxr-not-atom"],
)
def test_sniff(path, format, expected):
    assert feeds.sniff(path.read_bytes()[:SNIFF_BYTES], format) is expected


def test_sniff_leaves_other_formats_alone():
    assert not feeds.sniff(b'{"uri": "urn:x"}', "rss")
    assert not feeds.sniff(b'<?xml version="1.0"?><newsMessage/>', "rss")
    assert not feeds.sniff(b"<feed><entry/></feed>", "atom"), "no Atom namespace"
    rdf = b'<rdf:RDF xmlns="http://purl.org/rss/1.0/" xmlns:rdf="x"><item/></rdf:RDF>'
    assert feeds.sniff(rdf, "rss")
    assert not wxr.sniff(RSS.read_bytes()[:SNIFF_BYTES], "wxr")


# RSS --------------------------------------------------------------------------


def test_rss_locations_and_formats(rss):
    assert [e.location for e in rss] == [f"wire-rss.xml#{n}" for n in (1, 2, 3)]
    assert all(e.item and not e.error and not e.skipped for e in rss)
    assert {e.item.format for e in rss} == {"rss"}
    assert {e.item.language for e in rss} == {"ar"}


def test_rss_item_with_two_authors_and_an_html_body(rss):
    item = rss[0].item
    assert item.guid == "urn:minbar-wire:2024:0313:0412"
    assert item.headline == (
        "البرلمان يقر موازنة العام المالي الجديد بعد نقاش استمر ثلاثة أيام"
    )
    assert item.summary == "أقر مجلس النواب بالأغلبية مشروع موازنة العام المالي الجديد."
    assert item.body_html.startswith(
        "<p>أقر مجلس النواب الأربعاء مشروع موازنة العام المالي الجديد بأغلبية 212 "
        "صوتا، بعد نقاش استمر ثلاثة أيام.</p>"
    )
    assert item.people == [
        Person(name="ليلى عبد الرحمن", role="author"),
        Person(name="يوسف الشامي", role="author"),
    ]
    assert item.subjects == [
        Subject(name="سياسة", kind="tag", code="سياسة"),
        Subject(name="اقتصاد", kind="tag", code="اقتصاد"),
        Subject(name="البرلمان", kind="tag", code="البرلمان"),
    ]
    assert item.firstcreated == datetime.datetime(2024, 3, 13, 7, 12, tzinfo=UTC)
    assert item.versioncreated == item.firstcreated
    assert (
        item.permalink == "https://wire.minbar.example/news/2024/03/13/budget-approved"
    )


def test_rss_body_is_kept_as_found_for_the_sanitiser(rss):
    """Relative links stay relative (base_url resolves them) and the script is
    still there: the body is sanitised when an article is made, not here."""
    item = rss[0].item
    assert (
        '<a href="/documents/budget-summary">ملخص نشرته الوكالة</a>' in item.body_html
    )
    assert '<script>trackRead("0412");</script>' in item.body_html
    assert item.base_url == item.permalink


def test_rss_picture_from_media_content_and_its_enclosure(rss):
    # The enclosure and media:content name the same file: one picture.
    assert rss[0].item.pictures == [
        Picture(
            href="https://wire.minbar.example/media/2024/03/parliament.jpg",
            caption="نواب خلال جلسة التصويت على الموازنة",
            credit="وكالة منبر للأنباء/سامي نور",
            mimetype="image/jpeg",
            width=1200,
            height=800,
        )
    ]


def test_rss_html_description_is_the_body_when_there_is_no_content(rss):
    item = rss[1].item
    assert item.guid == "https://wire.minbar.example/news/2024/03/13/gold-up"
    assert item.body_html == (
        "<p>صعد سعر غرام الذهب عيار 21 في السوق المحلية بنسبة 0.8 في المئة.</p>"
        "<p>ويعزو تجار الارتفاع إلى تراجع العملة المحلية.</p>"
    )
    assert item.summary == (
        "صعد سعر غرام الذهب عيار 21 في السوق المحلية بنسبة 0.8 في المئة. "
        "ويعزو تجار الارتفاع إلى تراجع العملة المحلية."
    )
    # media:description is the picture's caption, never the item's summary.
    assert item.pictures == [
        Picture(
            href="https://wire.minbar.example/media/2024/03/gold.png",
            caption="سبائك ذهبية في متجر بالسوق القديمة",
            credit="أرشيف الوكالة",
            mimetype="image/png",
        )
    ]
    assert item.firstcreated == datetime.datetime(2024, 3, 13, 7, 45, tzinfo=UTC)


def test_rss_item_without_guid_or_content(rss):
    item = rss[2].item
    assert (
        item.guid
        == item.permalink
        == ("https://wire.minbar.example/news/2024/03/12/rain-warning")
    )
    assert item.body_html == ""  # a plain-text description is only a summary
    assert item.summary.startswith("توقعت هيئة الأرصاد هطول أمطار غزيرة")
    assert [s.name for s in item.subjects] == ["طقس", "محليات"]
    # The enclosure wins over the thumbnail of the same picture.
    assert [(p.href, p.caption) for p in item.pictures] == [
        (
            "https://wire.minbar.example/media/2024/03/clouds.jpg",
            "غيوم كثيفة فوق الساحل",
        )
    ]
    assert item.firstcreated == datetime.datetime(2024, 3, 12, 16, 0, tzinfo=UTC)


# Atom -------------------------------------------------------------------------


def test_atom_entry_with_two_authors_labels_and_html_content(atom):
    item = atom[0].item
    assert atom[0].location == "wire-atom.xml#1"
    assert item.format == "atom"
    assert item.guid == "tag:minbar.example,2024:article/33301"
    assert item.headline == "فريق بحثي محلي يطور سلالة قمح تتحمل الجفاف"
    assert item.summary == "سلالة جديدة من القمح تحتاج إلى ماء أقل بنسبة 30 في المئة."
    assert item.body_html.startswith(
        "<p>أعلن فريق من كلية الزراعة تطوير سلالة قمح تحتاج إلى كمية ماء أقل بنسبة "
        "30 في المئة من السلالات المزروعة حاليا.</p>"
    )
    assert '<a href="/33290">نتائج الموسم الأول</a>' in item.body_html
    assert "<script>" in item.body_html
    assert [p.name for p in item.authors] == ["نادية فرج", "عمر الحسيني"]
    assert item.subjects == [
        Subject(name="علوم", kind="tag", code="science"),
        Subject(name="زراعة", kind="tag", code="agriculture"),
        Subject(name="بحث علمي", kind="tag", code="research"),
    ]
    assert item.firstcreated == datetime.datetime(2024, 3, 14, 6, 30, tzinfo=UTC)
    assert item.versioncreated == datetime.datetime(2024, 3, 14, 7, 5, tzinfo=UTC)
    assert (item.permalink, item.base_url) == ("https://minbar.example/33301",) * 2
    assert item.language == "ar"
    assert item.pictures == [
        Picture(
            href="https://minbar.example/media/2024/03/wheat.jpg",
            caption="سنابل قمح في حقل تجريبي",
            credit="منبر/هالة يوسف",
            mimetype="image/jpeg",
        )
    ]


def test_atom_xhtml_content_and_media_content(atom):
    item = atom[1].item
    assert item.body_html == (
        "<p>اختارت لجنة مهرجان المسرح ثمانية عروض للمسابقة الرسمية من بين 46 عرضا.</p>"
        "<p>وتقام العروض على مسرحين في وسط المدينة طوال أسبوع.</p>"
    )
    assert (
        item.summary
        == "اختارت لجنة المهرجان ثمانية عروض من بين 46 عرضا تقدمت للمسابقة."
    )
    assert item.people == [Person(name="عمر الحسيني", role="author")]
    assert item.pictures == [
        Picture(
            href="https://minbar.example/media/2024/03/stage.jpg",
            caption="خشبة المسرح قبل بدء أحد العروض",
            credit="منبر",
            mimetype="image/jpeg",
            width=960,
            height=640,
        )
    ]


def test_atom_entry_with_only_updated_and_a_summary(atom):
    item = atom[2].item
    assert item.headline == "افتتاح متحف العلوم بعد تجديده"
    assert (
        item.firstcreated
        == item.versioncreated
        == datetime.datetime(2024, 3, 12, 11, 15, tzinfo=UTC)
    )
    assert item.body_html == ""
    assert item.summary == "يعيد متحف العلوم فتح أبوابه بعد تجديد استمر عامين."
    assert [(p.href, p.mimetype, p.caption) for p in item.pictures] == [
        ("https://minbar.example/media/2024/03/museum.png", "image/png",
         "واجهة متحف العلوم بعد التجديد"),
    ]  # fmt: skip


# Made-up feeds for what the fixtures do not show ------------------------------


def rss_feed(*items: str, head: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{head}'
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">'
        "<channel><title>t</title><link>https://t.example/</link>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def item(number: int, extra: str = "") -> str:
    return (
        f"<item><title>خبر {number}</title><link>https://t.example/{number}</link>"
        f"<description>نص {number}</description>{extra}</item>"
    )


def test_media_title_does_not_replace_the_headline():
    extra = (
        '<media:content url="https://t.example/a.jpg" medium="image">'
        "<media:title>عنوان الصورة</media:title></media:content>"
        "<media:thumbnail url='https://t.example/a-small.jpg' width='90' height='60'/>"
    )
    (entry,) = parse_bytes(rss_feed(item(1, extra)))
    assert entry.item.headline == "خبر 1"
    assert entry.item.summary == "نص 1"
    assert [p.href for p in entry.item.pictures] == ["https://t.example/a.jpg"]


def test_a_thumbnail_is_the_picture_when_there_is_nothing_else():
    extra = "<media:thumbnail url='https://t.example/s.jpg' width='90' height='60'/>"
    (entry,) = parse_bytes(rss_feed(item(1, extra)))
    assert entry.item.pictures == [
        Picture(href="https://t.example/s.jpg", width=90, height=60)
    ]


def test_an_item_with_nothing_to_tell_it_apart_is_an_error():
    entries = parse_bytes(rss_feed("<item><title>بلا رابط</title></item>", item(2)))
    assert entries[0].item is None and entries[0].error.startswith("no guid")
    assert entries[1].item.headline == "خبر 2"


def test_truncated_feed_keeps_the_complete_items_then_reports():
    data = RSS.read_bytes()
    cut = data[: data.index("<title>الأرصاد".encode())]
    entries = parse_bytes(cut, "cut.xml")
    assert [e.location for e in entries] == ["cut.xml#1", "cut.xml#2", "cut.xml"]
    assert [e.item.headline[:14] for e in entries[:2]] == [
        "البرلمان يقر م",
        "ارتفاع أسعار ا",
    ]
    assert entries[-1].item is None
    assert entries[-1].error.startswith("malformed XML:")


def test_a_feed_cut_inside_its_first_item_is_only_an_error():
    data = ATOM.read_bytes()
    cut = data[: data.index(b"<updated>2024-03-14T09:05")]
    (entry,) = parse_bytes(cut)
    assert entry.item is None and entry.error.startswith("malformed XML:")


def test_entity_expansion_doctype_is_refused():
    bomb = (
        '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    )
    (entry,) = parse_bytes(rss_feed(item(1, "<category>&c;</category>"), head=bomb))
    assert entry.item is None
    assert entry.error == "refused: the feed declares entities in a DOCTYPE"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            b'<?xml version="1.0"?><catalog><book>x</book></catalog>',
            "not an RSS or Atom feed: the root is <catalog>",
        ),
        (
            b'<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
            "not an RSS or Atom feed: the root is <html>",
        ),
        (b'{"items": []}', "malformed XML:"),
        (b"", "malformed XML:"),
    ],
    ids=["other-xml", "xhtml", "json", "empty"],
)
def test_what_is_not_a_feed_is_one_error(data, error):
    (entry,) = parse_bytes(data)
    assert entry.item is None and entry.error.startswith(error)


def test_atom_text_content_becomes_paragraphs():
    data = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>f</id>'
        "<updated>2024-01-01T00:00:00Z</updated><entry><id>e1</id><title>ع</title>"
        "<updated>2024-01-01T00:00:00Z</updated>"
        '<content type="text">سطر أول &amp; ثان\n\nفقرة &lt;ثانية&gt;</content>'
        "</entry></feed>"
    ).encode()
    (entry,) = parse_bytes(data)
    assert entry.item.body_html == "<p>سطر أول &amp; ثان</p><p>فقرة &lt;ثانية&gt;</p>"
