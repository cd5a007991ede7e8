"""The WordPress export parser, on an export made by a real WordPress.

``tests/fixtures/wxr/arabic-export.xml`` is WordPress 6.1's own ``export_wp()``
output for the small Arabic site that ``make_export.php`` builds; the values
below were typed by hand from that file.  No database is needed.
"""

import datetime
import io
import os
import tracemalloc
from pathlib import Path

import pytest

from minbar.ingest.items import ParsedEntry, Person, Picture, Subject
from minbar.ingest.parsers import SNIFF_BYTES, feeds, wxr

FIXTURES = Path(__file__).parent / "fixtures"
EXPORT = FIXTURES / "wxr" / "arabic-export.xml"
UTC = datetime.UTC


def parse_bytes(data: bytes, name: str = "export.xml") -> list[ParsedEntry]:
    return list(wxr.parse(io.BytesIO(data), name))


@pytest.fixture(scope="module")
def entries() -> list[ParsedEntry]:
    with EXPORT.open("rb") as source:
        return list(wxr.parse(source, "arabic-export.xml"))


@pytest.fixture(scope="module")
def posts(entries) -> dict[int, ParsedEntry]:
    return {entry.item.public_id: entry.item for entry in entries if entry.item}


# Detection --------------------------------------------------------------------


def test_sniff_knows_a_wordpress_export_from_a_feed():
    head = EXPORT.read_bytes()[:SNIFF_BYTES]
    rss = (FIXTURES / "feeds" / "wire-rss.xml").read_bytes()[:SNIFF_BYTES]
    assert wxr.sniff(head, "wxr")
    assert not feeds.sniff(head, "rss"), "an export is RSS, but is sniffed as WXR"
    assert not wxr.sniff(rss, "wxr")
    assert not wxr.sniff(b'{"uri": "x"}', "wxr")


# The fixture, entry by entry --------------------------------------------------


def test_every_item_is_accounted_for(entries):
    attachment = "attachment: not an article (a featured image goes with its post)"
    expected = [
        ("post-33101", "skipped", attachment),
        ("post-33228", "skipped", "page: not an article"),
        ("post-33229", "item", ""),
        ("post-33230", "item", ""),
        ("post-33231", "skipped", "draft: not published"),
        ("post-33232", "item", ""),
        ("post-33233", "item", ""),
        ("post-33234", "item", ""),
        ("post-33234/comments", "skipped", "3 comments not imported"),
        ("post-33235", "item", ""),
        ("post-33236", "item", ""),
        ("post-33250", "skipped", attachment),
        ("post-33251", "skipped", attachment),
        ("post-33252", "skipped", attachment),
        ("post-33253", "skipped", "nav_menu_item: not an article"),
    ]
    found = [
        (
            entry.location.removeprefix("arabic-export.xml#"),
            "item" if entry.item else "skipped" if entry.skipped else "error",
            entry.skipped or entry.error,
        )
        for entry in entries
    ]
    assert found == expected


def test_post_33234_keeps_its_number_and_its_old_address(posts):
    item = posts[33234]
    assert item.format == "wxr"
    assert item.guid == "wp-post-33234"
    assert item.public_id == 33234
    assert item.headline == "افتتاح أول خط للحافلات السريعة في العاصمة"
    assert item.permalink == (
        "https://archive.minbar.example/2024/03/10/"
        "%d8%a7%d9%81%d8%aa%d8%aa%d8%a7%d8%ad-%d8%a3%d9%88%d9%84-%d8%ae%d8%b7-"
        "%d9%84%d9%84%d8%ad%d8%a7%d9%81%d9%84%d8%a7%d8%aa-%d8%a7%d9%84%d8%b3"
        "%d8%b1%d9%8a%d8%b9%d8%a9-%d9%81%d9%8a-%d8%a7%d9%84%d8%b9%d8%a7/"
    )
    assert item.base_url == item.permalink
    assert item.language == "ar"
    assert item.pubstatus == "usable"
    assert item.embargoed is None


def test_post_33234_body_summary_people_and_terms(posts):
    item = posts[33234]
    assert item.body_html.startswith(
        "<p>افتتح محافظ العاصمة صباح الأحد أول خط للحافلات السريعة، يربط وسط "
        "المدينة بالضاحية الشمالية بطول 18 كيلومترا.</p>\n"
    )
    # A single newline is a <br />; the relative link is kept as written.
    assert "ساعات الذروة.<br />\nوتبلغ قيمة التذكرة عشرة جنيهات.</p>" in item.body_html
    assert '<a href="/2024/03/03/خطة-النقل/">ضمن خطة النقل</a>' in item.body_html
    assert (
        item.summary
        == "خط بطول 18 كيلومترا و22 محطة يربط وسط المدينة بالضاحية الشمالية."
    )
    assert item.people == [
        Person(name="سميرة حداد", role="author", code="samira.haddad")
    ]
    assert item.subjects == [
        Subject(name="العاصمة", kind="tag", code="العاصمة"),
        Subject(name="النقل العام", kind="tag", code="النقل-العام"),
        Subject(name="محليات", kind="section", code="local"),
    ]


def test_post_33234_dates_are_utc(posts):
    item = posts[33234]
    # wp:post_date 09:15 in Cairo (UTC+2 in March 2024); the GMT field is used.
    assert item.firstcreated == datetime.datetime(2024, 3, 10, 7, 15, tzinfo=UTC)
    assert item.versioncreated == datetime.datetime(2024, 3, 10, 10, 5, tzinfo=UTC)


def test_featured_image_written_after_its_post(posts):
    # Attachment 33250 comes after post 33234 in the file.
    assert posts[33234].pictures == [
        Picture(
            href="https://archive.minbar.example/wp-content/uploads/2024/03/brt-bus.png",
            caption="إحدى حافلات الخط الجديد في محطة وسط المدينة",
            alt="حافلة حمراء على مسار مخصص",
            mimetype="image/png",
            width=160,
            height=90,
        )
    ]
    assert posts[33235].pictures[0].href.endswith("/uploads/2024/03/stadium.jpg")
    assert posts[33235].pictures[0].height == 107
    assert posts[33235].pictures[0].credit == "خالد منصور"


def test_featured_image_written_before_its_post(posts):
    # Attachment 33101 comes first in the file; its credit is in WordPress's
    # PHP-serialised metadata, whose string lengths count bytes.
    (picture,) = posts[33233].pictures
    assert picture.href.endswith("/wp-content/uploads/2024/03/solar-farm.jpg")
    assert picture.caption == "ألواح شمسية في محطة تجريبية جنوب البلاد"
    assert picture.credit == "وكالة أنباء منبر"
    assert picture.alt == "صفوف من الألواح الشمسية تحت الشمس"
    assert (picture.mimetype, picture.width, picture.height) == ("image/jpeg", 160, 90)


def test_attachment_files_ship_with_the_fixture(entries):
    uploads = FIXTURES / "wxr" / "uploads"
    hrefs = [p.href for e in entries if e.item for p in e.item.pictures]
    assert len(hrefs) == 3
    for href in hrefs:
        relative = href.split("/wp-content/uploads/", 1)[1]
        assert (uploads / relative).is_file(), relative


def test_two_sections_and_a_nested_one(posts):
    assert [s.code for s in posts[33233].subjects if s.kind == "section"] == [
        "economy",
        "local",
    ]
    # "أسواق" is a child of "اقتصاد" in the export; the post names only it.
    assert [s for s in posts[33229].subjects if s.kind == "section"] == [
        Subject(name="أسواق", kind="section", code="markets")
    ]
    assert posts[33229].people[0] == Person(
        name="خالد منصور", role="author", code="khaled.mansour"
    )


def test_block_editor_post_is_not_autop_ed(posts):
    body = posts[33230].body_html
    assert "<!-- wp:" not in body and "<br />" not in body
    assert body == (
        "<p>افتتح معرض الكتاب السنوي مساء الثلاثاء دورته الجديدة بمشاركة ناشرين من "
        "40 دولة، ويستمر حتى نهاية الشهر.</p>\n\n<p>وتخصص إدارة المعرض هذا العام "
        'جناحا لكتب الأطفال وآخر <a href="/2024/03/01/برنامج-الندوات/">لبرنامج '
        "الندوات</a> الذي يضم أكثر من مئة لقاء مع كتاب ومترجمين.</p>\n\n"
        "<ul><li>ساعات الزيارة: من العاشرة صباحا حتى التاسعة مساء</li>"
        "<li>الدخول مجاني للطلاب</li></ul>"
    )
    assert posts[33230].summary == ""


def test_caption_shortcode_becomes_a_figure(posts):
    body = posts[33232].body_html
    assert "[caption" not in body
    assert (
        '<figure id="attachment_33252" class="wp-caption aligncenter">'
        '<img class="size-full wp-image-33252" '
        'src="https://archive.minbar.example/wp-content/uploads/2024/03/water-tanker.jpg"'
        ' alt="شاحنة مياه زرقاء" width="160" height="90" />'
        '<figcaption class="wp-caption-text">سيارات المياه تجوب الأحياء المتأثرة'
        "</figcaption></figure>\n"
    ) in body
    assert "<blockquote><p>نعتذر للسكان عن الإزعاج" in body
    assert posts[33232].pictures == []  # an inline picture is not a featured one


def test_scheduled_post_is_embargoed_until_its_date(posts):
    item = posts[33236]
    due = datetime.datetime(2030, 1, 5, 6, 0, tzinfo=UTC)
    assert (item.firstcreated, item.embargoed, item.pubstatus) == (due, due, "usable")


def test_a_stream_that_cannot_seek_is_read_the_same(entries):
    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self.data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            chunk = self.data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    again = list(wxr.parse(Pipe(EXPORT.read_bytes()), "arabic-export.xml"))
    assert again == entries


# Made-up exports for the cases the fixture cannot show ------------------------


HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>t</title><link>https://old.example</link><language>ar</language>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_blog_url>https://old.example</wp:base_blog_url>
"""


def post(post_id: int, date: str = "2024-05-01 12:00:00", **fields: str) -> str:
    values = {
        "post_date_gmt": "2024-05-01 09:00:00",
        "status": "publish",
        "post_type": "post",
        "post_password": "",
    } | fields
    wp = "".join(
        f"<wp:{key}><![CDATA[{value}]]></wp:{key}>" for key, value in values.items()
    )
    return (
        f"<item><title>خبر {post_id}</title><link>https://old.example/?p={post_id}</link>"
        f"<dc:creator>desk</dc:creator><content:encoded><![CDATA[نص]]></content:encoded>"
        f"<wp:post_id>{post_id}</wp:post_id>"
        f"<wp:post_date><![CDATA[{date}]]></wp:post_date>{wp}</item>\n"
    )


def export(*items: str) -> bytes:
    return (HEAD + "".join(items) + "</channel></rss>\n").encode()


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"status": "pending"}, "pending: not published"),
        ({"status": "private"}, "private: not published"),
        ({"status": "trash"}, "trash: not published"),
        ({"post_password": "secret"}, "password-protected: not public"),
        ({"post_type": "revision"}, "revision: not an article"),
    ],
)
def test_what_was_never_public_is_skipped(fields, reason):
    (entry,) = parse_bytes(export(post(7, **fields)))
    assert (entry.location, entry.skipped, entry.item) == (
        "export.xml#post-7",
        reason,
        None,
    )


def test_unset_gmt_date_is_read_in_the_sites_usual_offset():
    entries = parse_bytes(
        export(
            post(1, "2024-05-01 12:00:00"),  # 09:00 GMT: the site is at UTC+3
            post(2, "2024-05-02 12:00:00"),
            post(3, "2024-05-03 08:30:00", post_date_gmt="0000-00-00 00:00:00"),
        )
    )
    assert entries[2].item.firstcreated == datetime.datetime(
        2024, 5, 3, 5, 30, tzinfo=UTC
    )
    # Without wp:post_modified at all, the item was last changed when created.
    assert entries[2].item.versioncreated == entries[2].item.firstcreated


def test_unset_gmt_date_with_no_other_clue_is_an_error():
    (entry,) = parse_bytes(export(post(5, post_date_gmt="0000-00-00 00:00:00")))
    assert entry.item is None
    assert "time zone" in entry.error


def test_author_missing_from_the_channel_keeps_the_login():
    (entry,) = parse_bytes(export(post(8)))
    assert entry.item.people == [Person(name="desk", role="author", code="desk")]


# Malformed input --------------------------------------------------------------


def test_truncated_export_yields_the_posts_before_the_break():
    data = EXPORT.read_bytes()
    cut = data[: data.index(b"<wp:post_id>33235</wp:post_id>")]
    entries = parse_bytes(cut, "cut.xml")
    assert [e.location for e in entries if e.item] == [
        f"cut.xml#post-{n}" for n in (33229, 33230, 33232, 33233, 33234)
    ]
    assert entries[-2].skipped == "3 comments not imported"
    last = entries[-1]
    assert last.location == "cut.xml" and last.item is None
    assert last.error == (
        "malformed XML after item 8: "
        "Premature end of data in tag item line 636, line 647, column 3"
    )


def test_entity_expansion_doctype_is_refused():
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "aaaaaaaaaa">\n'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n]>\n'
    ) + HEAD.split("\n", 1)[1].replace("<title>t</title>", "<title>&c;</title>")
    data = (bomb + post(1).replace("نص", "&c;") + "</channel></rss>").encode()
    (entry,) = parse_bytes(data)
    assert entry.item is None and "DOCTYPE" in entry.error


def test_doctype_is_refused_by_the_parse_too(monkeypatch):
    """The head check is a shortcut: the parse itself refuses a DOCTYPE."""
    monkeypatch.setattr(wxr, "_refusal", lambda head: "")
    data = export(post(1)).replace(b"<rss", b"<!DOCTYPE rss>\n<rss", 1)
    (entry,) = parse_bytes(data)
    assert entry.item is None and "DOCTYPE" in entry.error


@pytest.mark.parametrize(
    "data",
    [
        (FIXTURES / "feeds" / "wire-rss.xml").read_bytes(),
        (FIXTURES / "feeds" / "wire-atom.xml").read_bytes(),
        b"<html><body><p>not an export</p></body></html>",
        b"",
        b"\x89PNG\r\n\x1a\n\x00\x00",
    ],
    ids=["rss", "atom", "html", "empty", "binary"],
)
def test_what_is_not_an_export_is_one_error(data):
    (entry,) = parse_bytes(data)
    assert entry.item is None
    assert entry.error.startswith("not a WordPress export")


def test_garbage_inside_an_export_is_an_error_after_the_good_posts():
    data = export(post(1), post(2)).replace(b"</channel>", b"<item><</channel>")
    entries = parse_bytes(data)
    assert [e.location for e in entries] == [
        "export.xml#post-1",
        "export.xml#post-2",
        "export.xml",
    ]
    assert entries[-1].error.startswith("malformed XML after item 2")


# autop ------------------------------------------------------------------------

# Each expectation is what WordPress 6.1's own wpautop() returned for the input,
# quirks included (an unclosed paragraph inside a <div>).
AUTOP = [
    (
        "سطر أول\nسطر ثان\n\nفقرة ثانية",
        "<p>سطر أول<br />\nسطر ثان</p>\n<p>فقرة ثانية</p>\n",
    ),
    ("a\n\n\n\nb", "<p>a</p>\n<p>b</p>\n"),
    (
        "<h2>عنوان</h2>\nنص بعد العنوان\n\nفقرة",
        "<h2>عنوان</h2>\n<p>نص بعد العنوان</p>\n<p>فقرة</p>\n",
    ),
    (
        "قبل\n<blockquote>اقتباس</blockquote>\nبعد",
        "<p>قبل</p>\n<blockquote><p>اقتباس</p></blockquote>\n<p>بعد</p>\n",
    ),
    (
        "<ul>\n<li>واحد</li>\n<li>اثنان</li>\n</ul>\nنص",
        "<ul>\n<li>واحد</li>\n<li>اثنان</li>\n</ul>\n<p>نص</p>\n",
    ),
    ("<pre>code\n\nmore</pre>\n\nنص", "<pre>code\n\nmore</pre>\n<p>نص</p>\n"),
    ('نص <a\nhref="/x">رابط</a> آخر', '<p>نص <a\nhref="/x">رابط</a> آخر</p>\n'),
    ("<div>داخل div</div>", "<div>داخل div</div>\n"),
    ("<div>a\n\nb</div>", "<div>a</p>\n<p>b</p></div>\n"),
    ("سطر<br>\n<br>\nسطر", "<p>سطر</p>\n<p>سطر</p>\n"),
    (
        "<script>var a = 1;\nvar b = 2;</script>\nنص",
        "<p><script>var a = 1;\nvar b = 2;</script><br />\nنص</p>\n",
    ),
    (
        "<table><tr><td>خلية</td></tr></table>\n\nبعد",
        "<table>\n<tr>\n<td>خلية</td>\n</tr>\n</table>\n<p>بعد</p>\n",
    ),
    ("one\r\ntwo\r\n\r\nthree", "<p>one<br />\ntwo</p>\n<p>three</p>\n"),
    (
        "<!-- تعليق\nعلى سطرين -->\nنص",
        "<p><!-- تعليق\nعلى سطرين --><br />\nنص</p>\n",
    ),
    ("نص\n<hr>\nنص", "<p>نص</p>\n<hr>\n<p>نص</p>\n"),
    (
        '<figure><img src="a.jpg" />\n<figcaption>تعليق</figcaption></figure>\nنص',
        '<figure><img src="a.jpg" /><figcaption>تعليق</figcaption></figure>\n'
        "<p>نص</p>\n",
    ),
    ("<p>فقرة موجودة</p>\n\nنص جديد", "<p>فقرة موجودة</p>\n<p>نص جديد</p>\n"),
    (
        "<select><option>1</option>\n<option>2</option></select>",
        "<p><select><option>1</option><option>2</option></select></p>\n",
    ),
    ("   ", ""),
    ("<strong>عريض</strong>\nسطر", "<p><strong>عريض</strong><br />\nسطر</p>\n"),
]


@pytest.mark.parametrize(("text", "expected"), AUTOP)
def test_autop_matches_wordpress(text, expected):
    assert wxr.autop(text) == expected


# Streaming --------------------------------------------------------------------

POSTS = 20_000


def write_big_export(path: Path, posts: int) -> None:
    """An export of ``posts`` posts, written as it goes: block-editor posts,
    as WordPress has written since 5.0, with a classic one in ten, and
    featured images listed after all the posts (the worst case for the passes)."""
    paragraph = "تواصل الفرق الفنية أعمال الصيانة في شبكة الطرق الرئيسية."
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        out.write(
            "<wp:author><wp:author_login><![CDATA[desk]]></wp:author_login>"
            "<wp:author_display_name><![CDATA[المحرر]]></wp:author_display_name>"
            "</wp:author>\n"
        )
        for number in range(1, posts + 1):
            if number % 10:
                block = "<!-- wp:paragraph -->\n<p>{}</p>\n<!-- /wp:paragraph -->"
                body = block.format(paragraph) + "\n\n" + block.format(number)
            else:
                body = f"{paragraph}\n\n{paragraph}\n{number}"
            thumbnail = (
                "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
                f"<wp:meta_value>{number + posts}</wp:meta_value></wp:postmeta>"
            )
            out.write(
                post(number)
                .replace("نص", body)
                .replace("</item>", thumbnail + "</item>")
            )
        for number in range(posts + 1, posts + 101):  # a few attachments
            out.write(
                post(number, post_type="attachment", status="inherit").replace(
                    "</item>",
                    f"<wp:attachment_url>https://old.example/{number}.jpg"
                    "</wp:attachment_url></item>",
                )
            )
        out.write("</channel></rss>\n")


def resident_bytes() -> int | None:
    """The process's resident memory (Linux), which, unlike tracemalloc, sees
    libxml2's tree."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return None


def test_a_big_export_is_read_in_flat_memory(tmp_path):
    """20,000 posts (15 MB) read in well under 1 MB.

    Measured: tracemalloc's peak is about 0.5 MB and resident memory grows by
    under 1 MB.  tracemalloc sees only Python's allocations, not libxml2's tree:
    with the tree kept (no ``clear()``) its peak is the same, but resident
    memory grows by about 150 MB, ten times the file.  So both are asserted.
    """
    path = tmp_path / "big.xml"
    write_big_export(path, POSTS)
    size = path.stat().st_size
    start = resident_bytes()
    growth = 0
    items = pictures = 0
    tracemalloc.start()
    try:
        with path.open("rb") as source:
            for entry in wxr.parse(source, "big.xml"):
                items += entry.item is not None
                pictures += bool(entry.item and entry.item.pictures)
                if start is not None and items % 1000 == 0:
                    growth = max(growth, resident_bytes() - start)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (items, pictures) == (POSTS, 100)
    assert size > 12_000_000
    assert peak < 2_000_000, peak
    assert peak < size / 20
    if start is not None:
        assert growth < size / 2, growth
