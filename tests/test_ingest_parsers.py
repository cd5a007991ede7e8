"""The ninjs and NewsML-G2 parsers, on IPTC's own files and on hostile ones.

The golden tables below were typed by reading each IPTC file by eye: headline,
paragraph count, the start of the first paragraph, byline and the first
picture's caption.  They are never produced by the parser under test.  The
IPTC files live in ../shared/standards; where that folder is absent the tests
that need it are skipped and say so.
"""

import datetime
import io
import json
import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minbar.ingest.items import ParsedEntry, Person, Subject
from minbar.ingest.parsers import SNIFF_BYTES, detect, newsml, ninjs, ninjs_schema
from minbar.ingest.parsers.common import NITF_TAGS, parse_xml, simple_html

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
STANDARDS = SHARED / "standards"
NINJS_EXAMPLES = STANDARDS / "ninjs" / "examples"
NINJS_SUITE = STANDARDS / "ninjs" / "test-suite"
NEWSML_EXAMPLES = STANDARDS / "newsml-g2" / "examples"
SEED_ITEM = SHARED / "seed" / "bundle" / "items" / "33234.json"
DEMO_ITEMS = sorted((REPO / "minbar" / "demo" / "bundle" / "items").glob("*.json"))
PARSERS_DIR = REPO / "minbar" / "ingest" / "parsers"
UTC = datetime.UTC


def require_shared() -> None:
    if not STANDARDS.is_dir():
        pytest.skip(
            f"the IPTC standards files are not here ({STANDARDS}): "
            "these tests need ../shared/standards/"
        )


def parse(module, data: bytes, name: str = "file") -> list[ParsedEntry]:
    return list(module.parse(io.BytesIO(data), name))


def parse_file(module, path: Path) -> list[ParsedEntry]:
    with path.open("rb") as handle:
        return list(module.parse(handle, path.name))


def paragraphs(body_html: str) -> list[str]:
    """The text of each <p>; loose text with no <p> counts as one paragraph."""
    found = re.findall(r"<p\b[^>]*>(.*?)</p>", body_html, re.DOTALL)
    texts = [text for text in (plain(found_html) for found_html in found) if text]
    if not texts and plain(body_html):
        return [plain(body_html)]
    return texts


def plain(fragment: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def only_item(entries: list[ParsedEntry]):
    assert len(entries) == 1, entries
    assert entries[0].error == "", entries[0].error
    assert entries[0].item is not None, entries[0].skipped
    return entries[0].item


# Golden tables, typed from reading the files.


@dataclass
class Expect:
    outcome: str  # "item", "skipped" or "error"
    headline: str = ""
    paragraphs: int = 0
    first: str = ""  # the first paragraph starts so
    byline: str = ""
    caption: str | None = None  # the first picture's caption starts so; None: none
    reason: str = ""  # part of the error or skipped message


CAPTAIN = "Captain of wrecked cruise ship on trial in Italy"
GROSSETO = "GROSSETO, Italy (AP) -- The trial of the captain of the shipwrecked"
AP_BYLINE = "Paulo Santalucia and Frances d'Emilio"
CONCORDIA_CAPTION = "The Costa Concordia cruise ship lies on its side in the waters"
EVENT = Expect("skipped", reason="event")

# fmt: off
# Expect(outcome, headline, paragraphs, first paragraph starts, byline, caption starts)
# 2.2 and 3.1 publish the same seven examples, spelt for each version.
SPEC_EXAMPLES = {
    "001_simple_example.json": Expect("item", CAPTAIN, 1, GROSSETO, AP_BYLINE),
    "002_renditions_example.json": Expect("error", reason="no headline"),
    "003_associations_example.json": Expect(
        "item", "Dell Redefines Workstation Computing Boundaries with Smallest Tower "
        "and Most Powerful Rack Workstations", 1, "[ ... ]"),
    "004_simple_text_article.json": Expect("item", CAPTAIN, 4, GROSSETO, AP_BYLINE),
    "005_complex_text_article.json": Expect("item", CAPTAIN, 4, GROSSETO, AP_BYLINE),
    "006_photo_only.json": Expect(
        "item", "Costa Concordia cruise ship", 0, "", "Paulo Santalucia",
        CONCORDIA_CAPTION),
    "007_multimedia.json": Expect(
        "item", CAPTAIN, 4, GROSSETO, AP_BYLINE, CONCORDIA_CAPTION),
}
AGENCIES = {
    "20231004-UEFA-ChampionLeague.json": EVENT,
    "20231005-65-addb-event.json": EVENT,
    "20231008-anti-doping-measures-at-the-tour-down-under-will-be-the-toughest-"
    "ever-addb-ninjs-nitf.json": Expect(
        "item", "Anti-doping measures at the 'Tour Down Under' will be the toughest "
        "ever", 18, "The Australian Sports Anti-Doping Authority (ASADA) today",
        "Trond Husø, The Anti-Doping Database"),
    "20231016-addb-example-press-conference.json": EVENT,
    "SIPA_image_3.json": Expect(
        "item", "Italy: Italy Demonstration of the workers congresses and "
        "conferences", 4, GROSSETO, "Insidefoto",
        "Demonstration of the workers of congresses and conferences against"),
    "ap_audio.json": Expect("skipped", reason="audio"),
    "ap_image.json": Expect(
        "item", "Turkey Islamic State", 0, "", "",
        "FILE - In this Monday, Nov. 11, 2019 file photo, a man identified"),
    "ap_video.json": Expect("skipped", reason="video"),
    "businesswire-newsml-20130605006126.json": Expect(
        "item", "Cambrios被Gartner評選為「最酷供應商」", 1,
        "(美國商業資訊)--為透明及軟性導體市場提供銀奈米線解決方案的領導廠商"
        "Cambrios Technologies Corporation今天宣布"),
    "businesswire-newsml-20130731006140.json": Expect(
        "item", "Lunch Taking a Toll? Let Applebee’s® Industrial Strength Lunch "
        "Decoy Stand In", 1, "With more Applebee’s® Lunch Combos than ever"),
    "dpa_text.json": Expect(
        "item", "Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?", 9,
        "Für Lucien Favre war es «der größte Skandal im Fußball seit Jahren».",
        "Von Christian Hollmann, dpa"),
    "imageEncodedRights.json": Expect(
        "item", "MotoGP - Spain - Valentino Rossi", 0, "", "John Smith",
        "Valentino Rossi (46) of Italy and Petronas Yamaha SRT during"),
    "imageLinkedRights.json": Expect(
        "item", "MotoGP - Spain - Valentino Rossi", 0, "", "John Smith",
        "Valentino Rossi (46) of Italy and Petronas Yamaha SRT during"),
    "ninjsExSimpleText_3.json": Expect("item", CAPTAIN, 4, GROSSETO, AP_BYLINE),
    "ntb_text.json": Expect(
        "item", "Google har kjøpt giganttomt i Skien", 0, "", "NTB"),
    "simpleEvent.json": EVENT,
    "tt_event_pressconference_3.0.json": EVENT,
    "tt_text_image_3.json": Expect(
        "item", "Militärövning i jätteformat hålls 2023", 2,
        "Pandemin satte stopp för den stora internationella militärövningen Aurora "
        "2020 förra våren.", "",
        "En stor internationell försvarsövning planeras 2023 med fokus på"),
}
NINJS_GOLDEN = {
    **{f"2.2/{name}": expect for name, expect in SPEC_EXAMPLES.items()},
    **{f"3.1/{name}": expect for name, expect in SPEC_EXAMPLES.items()},
    "3.1/008_event.json": EVENT,
    **{f"3.0-agencies/{name}": expect for name, expect in AGENCIES.items()},
}

FED = 'Fed to halt QE to avert "bubble"'
NO_HEADLINE = Expect("error", reason="no headline")
FRAGMENT = Expect("error", reason="fragment")
NOT_HERE = Expect("skipped", reason="not in this file")
NEWSML_GOLDEN = {  # the location of each entry, after "#", then what it holds
    "LISTING_1_A_NewsML-G2_News_Item.xml": [
        ("urn:newsml:acmenews.com:20161018:US-FINANCE-FED", Expect("item", FED))],
    "LISTING_2_NewsML-G2_Text_Document.xml": [
        ("urn:newsml:acmenews.com:20161121:US-FINANCE-FED", Expect(
            "item", FED, 2, "(New York, NY - October 21) Et, sent luptat luptat, "
            "commy Nim zzriureet vendreetue modo dolenis",
            "By Meredith Jameson, Staff Reporter"))],
    "LISTING_3_Photo_in_NewsML-G2.xml": [
        ("tag:gettyimages.com,2010:GYI0062134533", Expect(
            "item", "Variety Of Recessionary Forces Leave Las Vegas Economy Scarred",
            0, "", "", "A general view of part of downtown, including Las Vegas "
            "Boulevard, on October 20, 2010 in Las Vegas, Nevada."))],
    "LISTING_6_Simple_NewsML-G2_Package.xml": [
        ("urn:newsml:iptc.org:20081007:tutorial-item-A", NOT_HERE),
        ("urn:newsml:iptc.org:20081007:tutorial—item-B", NOT_HERE)],
    "LISTING_24_News_Message_conveying_a_complete_News_Package.xml": [
        ("N1", NO_HEADLINE), ("N2", NO_HEADLINE), ("N3", NO_HEADLINE),
        ("N4", NO_HEADLINE)],
    "LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml": [
        ("", FRAGMENT)],
    "LISTING_28_Illustrating_Located_Subject_and_Dateline.xml": [("", FRAGMENT)],
    "LISTING_29_Hop_History.xml": [
        ("urn:newsml:acmenews.com:20161019T1205:HOP-HISTORY-EXAMPLE", NO_HEADLINE)],
}
# fmt: on


def check(entry: ParsedEntry, want: Expect) -> None:
    if want.outcome == "error":
        assert entry.item is None and want.reason in entry.error, entry
        return
    if want.outcome == "skipped":
        assert entry.item is None and not entry.error, entry
        assert want.reason in entry.skipped
        return
    assert entry.error == "" and entry.item is not None, entry
    item = entry.item
    assert item.headline == want.headline
    found = paragraphs(item.body_html)
    assert len(found) == want.paragraphs, found
    assert found[0].startswith(want.first) if want.first else True
    assert item.byline == want.byline
    if want.caption is None:
        assert item.pictures == []
    else:
        assert item.pictures[0].caption.startswith(want.caption)


@pytest.mark.parametrize("relative", sorted(NINJS_GOLDEN))
def test_ninjs_example_matches_its_golden_row(relative):
    require_shared()
    (entry,) = parse_file(ninjs, NINJS_EXAMPLES / relative)
    assert entry.location == Path(relative).name
    check(entry, NINJS_GOLDEN[relative])


@pytest.mark.parametrize("name", sorted(NEWSML_GOLDEN))
def test_newsml_listing_matches_its_golden_rows(name):
    require_shared()
    entries = parse_file(newsml, NEWSML_EXAMPLES / name)
    expected = NEWSML_GOLDEN[name]
    assert [e.location for e in entries] == [
        f"{name}#{where}" if where else name for where, _ in expected
    ]
    for entry, (_where, want) in zip(entries, expected, strict=True):
        check(entry, want)


def test_the_golden_tables_cover_every_example_file():
    require_shared()
    ninjs_files = {
        str(path.relative_to(NINJS_EXAMPLES)) for path in NINJS_EXAMPLES.rglob("*.json")
    }
    assert ninjs_files == set(NINJS_GOLDEN)
    assert {path.name for path in NEWSML_EXAMPLES.glob("*.xml")} == set(NEWSML_GOLDEN)


# Details beyond the golden columns.


def ninjs_example(relative: str):
    require_shared()
    return only_item(parse_file(ninjs, NINJS_EXAMPLES / relative))


def newsml_listing(name: str):
    require_shared()
    return only_item(parse_file(newsml, NEWSML_EXAMPLES / name))


@pytest.mark.parametrize("version", ["2.2", "3.1"])
def test_ninjs_multimedia_keeps_both_pictures_largest_rendition_first(version):
    item = ninjs_example(f"{version}/007_multimedia.json")
    main, portrait = item.pictures
    assert main.href == (
        "http://hosted.ap.org/photos/2/2643c588-dc8d-4923-bebd-e3b904edbb3a-big.jpg"
    )
    assert (main.width, main.height, main.mimetype) == (429, 281, "image/jpg")
    assert main.credit == "Paulo Santalucia"
    assert portrait.caption == (
        "Francesco Schettino the captain of the Costa Concordia cruise ship at "
        "court in Grossetto, Italy, on 9 July 2013"
    )
    assert item.located == "Grossetto, Italy"
    assert item.language == "en"
    assert item.versioncreated == datetime.datetime(2013, 7, 9, 10, 39, tzinfo=UTC)
    assert item.people == [
        Person(
            "Francesco Schettino", "about", "http://www.wikidata.org/entity/Q4421821"
        )
    ]
    assert Subject("Italy", "place", "http://cvx.iptc.org/iso3166-1a2/it") in (
        item.subjects
    )


def test_ninjs_nitf_body_summary_and_metadata():
    item = ninjs_example(
        "3.0-agencies/20231008-anti-doping-measures-at-the-tour-down-under-will-be-"
        "the-toughest-ever-addb-ninjs-nitf.json"
    )
    assert item.summary.startswith("The Australian Sports Anti-Doping Authority")
    assert paragraphs(item.body_html)[-1] == "Email: media@asada.gov.au"
    assert item.located == "Oslo, Norway"
    assert item.genre == "http://cv.iptc.org/newscodes/genre/Actuality"
    assert (item.version, item.urgency, item.language) == ("2", 4, "en")
    assert item.versioncreated == datetime.datetime(
        2023, 10, 8, 2, 34, 3, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )


def test_ninjs_agency_credit_comes_from_infosource_then_copyright_holder():
    assert ninjs_example("3.0-agencies/ap_image.json").credit == "DHA"
    assert ninjs_example("3.0-agencies/dpa_text.json").credit == "dpa"
    assert ninjs_example("3.0-agencies/ntb_text.json").credit == "NTB"
    assert ninjs_example("2.2/001_simple_example.json").credit == ""


def test_ninjs_picture_item_is_its_own_picture():
    item = ninjs_example("3.0-agencies/ap_image.json")
    (picture,) = item.pictures
    assert picture.href.startswith(
        "http://api.ap.org/media/v/content/b2b6c3f4642f46deac7509d4db315ca0.0/"
        "download?role=main"
    )
    assert (picture.width, picture.height) == (3000, 2208)
    assert picture.credit == "ASSOCIATED PRESS"  # descriptions[role=creditline]
    assert item.urgency == 5
    assert item.firstcreated == datetime.datetime(2019, 11, 15, 13, 39, 59, tzinfo=UTC)


def test_ninjs_teaser_description_and_tt_picture():
    ntb = ninjs_example("3.0-agencies/ntb_text.json")
    assert ntb.summary == (
        "IT-giganten Google har kjøpt en tomt på nærmere 2.000 mål i Skien i "
        "tilfelle det blir behov for flere datasentre i Europa."
    )
    assert Subject("Telemark", "place", "Telemark") in ntb.subjects
    assert (ntb.version, ntb.language) == ("6", "nb-NO")
    tt = ninjs_example("3.0-agencies/tt_text_image_3.json")
    (picture,) = tt.pictures
    assert picture.credit == "Karl Melander/TT"
    assert picture.href.endswith("a001_NormalHires.jpg")
    assert (tt.genre, tt.urgency, tt.credit) == ("INR", 3, "TT")


def test_newsml_news_item_metadata():
    item = newsml_listing("LISTING_1_A_NewsML-G2_News_Item.xml")
    assert (item.format, item.version, item.pubstatus) == ("newsml-g2", "11", "usable")
    assert item.embargoed == datetime.datetime(2018, 10, 23, 12, tzinfo=UTC)
    minus_five = datetime.timezone(-datetime.timedelta(hours=5))
    assert item.firstcreated == datetime.datetime(
        2016, 10, 18, 13, 12, 21, tzinfo=minus_five
    )
    assert (item.located, item.language, item.genre) == (
        "Berlin",
        "en-GB",
        "genre:interview",
    )
    assert item.people == [
        Person("Meredith Jameson", "author", "http://www.example.com/staff/mjameson")
    ]
    assert item.subjects == [
        Subject("economy, business and finance", "subject", "medtop:04000000"),
        Subject("labour market", "subject", "medtop:20000523"),
    ]
    assert item.credit == "Example Enews LLP"  # the copyright holder


def test_newsml_text_document_credit_and_language():
    item = newsml_listing("LISTING_2_NewsML-G2_Text_Document.xml")
    assert (item.credit, item.language, item.located) == (
        "Associated Press",
        "en-US",
        "New York, NY",
    )
    assert item.body_html.startswith("<p>(New York, NY - October 21) Et, sent")


def test_newsml_photo_item():
    item = newsml_listing("LISTING_3_Photo_in_NewsML-G2.xml")
    (picture,) = item.pictures
    assert picture.href == "./GYI0062134533.jpg"
    assert (picture.width, picture.height, picture.mimetype) == (
        1500,
        1001,
        "image/jpeg",
    )
    assert picture.credit == "Getty Images"
    assert picture.caption.endswith("(Photo by Spencer Platt/Getty Images)")
    assert item.people == [
        Person("Spencer Platt", "author"),
        Person("sp/lrc", "descrWriter"),
    ]
    assert Subject("Las Vegas", "place", "gycon:89109") in item.subjects
    assert Subject("unemployment", "subject", "medtop:20000533") in item.subjects
    assert Subject("poverty", "tag") in item.subjects
    assert item.versioncreated == datetime.datetime(2018, 10, 12, 6, 42, 4, tzinfo=UTC)


def wrap_fragment(fragment: str, headline: str = "") -> bytes:
    """A listing's fragment inside a minimal newsItem, so it can be read."""
    if headline:
        fragment = fragment.replace(
            "</contentMeta>", f"<headline>{headline}</headline></contentMeta>"
        )
    return (
        '<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:test:1" '
        'version="1"><itemMeta><itemClass qcode="ninat:text"/></itemMeta>'
        f"{fragment}</newsItem>"
    ).encode()


def test_newsml_nitf_fragment_reads_inside_an_item():
    require_shared()
    name = "LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml"
    fragment = (NEWSML_EXAMPLES / name).read_text(encoding="utf-8")
    item = only_item(parse(newsml, wrap_fragment(fragment)))
    assert item.headline == (
        "Arizona Diamondbacks (29-23) at Philadelphia Phillies (26-24), 7:05p.m."
    )
    assert item.byline == "Sports Network"
    assert item.summary.startswith("A pair of teams coming off big weekend sweeps")
    found = paragraphs(item.body_html)
    assert len(found) == 1
    assert found[0].startswith("(Sports Network) - With the Philadelphia Phillies")


def test_newsml_dateline_fragment_reads_inside_an_item():
    require_shared()
    name = "LISTING_28_Illustrating_Located_Subject_and_Dateline.xml"
    fragment = (NEWSML_EXAMPLES / name).read_text(encoding="utf-8")
    item = only_item(parse(newsml, wrap_fragment(fragment, headline="Test")))
    assert item.dateline == "MOSCOW, Monday (Reuters)"
    assert item.located == ""  # a qcode only: catalogs are not fetched
    assert item.people == [
        Person("Thomson Reuters", "author", "web:thomsonreuters.com")
    ]
    assert item.language == "en-US"
    assert item.subjects == []  # no names, only qcodes


# IPTC's validation test suite.


def suite_files(outcome: str) -> list[Path]:
    return sorted(NINJS_SUITE.glob(f"*/{outcome}/*.json"))


def test_every_should_fail_document_is_rejected_with_a_reason():
    require_shared()
    files = suite_files("should_fail")
    assert len(files) >= 17
    for path in files:
        (entry,) = parse_file(ninjs, path)
        assert entry.item is None, path
        assert entry.error, path
        assert entry.error.startswith(("not valid ninjs", "urgency")), entry.error


def test_every_should_pass_document_is_read_without_error():
    require_shared()
    files = suite_files("should_pass")
    assert len(files) >= 50
    for path in files:
        (entry,) = parse_file(ninjs, path)
        assert entry.error == "", (path, entry.error)
        assert entry.item is not None or entry.skipped, path


def test_schema_errors_name_the_place_and_the_rule():
    require_shared()
    (entry,) = parse_file(
        ninjs, NINJS_SUITE / "2.1/should_fail/002_good_association_but_no_name.json"
    )
    assert entry.error == (
        "not valid ninjs 2.2 (IPTC's schema), at associations/0: "
        "'name' is a required property"
    )
    (entry,) = parse_file(
        ninjs, NINJS_SUITE / "3.1/should_fail/001_bad_digital_source.json"
    )
    assert "3.1" in entry.error and "digitalSourceType" in entry.error


def test_schemas_are_shipped_in_the_package_with_the_licence():
    schemas = PARSERS_DIR / "schemas"
    assert (schemas / "LICENSE-ninjs").read_text().startswith("MIT License")
    for name in ("ninjs-schema_2.2.json", "ninjs-schema_3.1.json"):
        assert json.loads((schemas / name).read_text())["$id"].endswith(name + "#")
    assert set(ninjs_schema.schema_validators()) == {"2", "3"}


# Minbar's own ninjs: the seed page and the demo newsroom.


def test_seed_item_reads_as_the_bundle_loader_reads_it():
    if not SEED_ITEM.exists():
        pytest.skip(
            f"the seed page is not here ({SEED_ITEM}): it needs ../shared/seed/"
        )
    item = only_item(parse_file(ninjs, SEED_ITEM))
    assert item.headline == "كوريا الشمالية تجدد دعمها لحرب روسيا في أوكرانيا"
    assert item.public_id == 33234
    assert item.guid == "https://unitedmuslimworld.com/33234"
    assert item.byline == "" and item.authors == []
    assert item.credit == "وكالة الأنباء المركزية الكورية الشمالية"
    assert item.genre == "news"
    assert len(paragraphs(item.body_html)) == 9
    (picture,) = item.pictures
    assert picture.caption == "الرئيسان الروسي والكوري الشمالي"
    assert picture.alt == "الرئيسان الروسي والكوري الشمالي"
    assert picture.href == "media/33234-featureimage.jpg"
    assert (picture.width, picture.height) == (1200, 675)
    assert Person("كيم جونج أون", "about") in item.people


def bundle_view(document: dict) -> dict:
    """What minbar/newsroom/bundles.py takes from an item, by its own rules."""

    def first(entries, role, key="role"):
        found = [e for e in entries or [] if e.get(key) == role]
        return found[0] if found else {}

    feature = first(document.get("associations"), "featureimage", key="name")
    section = first(document.get("subjects"), "section", key="rel")
    return {
        "headline": first(document["headlines"], "main").get("value"),
        "kicker": first(document["headlines"], "kicker").get("value", ""),
        "summary": first(document.get("descriptions"), "summary").get("value", ""),
        "byline": document.get("by", ""),
        "section": section.get("literal"),
        "public_id": int(first(document["altids"], "public-id")["value"]),
        "authors": [
            p.get("literal")
            for p in document.get("people", [])
            if p.get("rel") == "author"
        ],
        "picture": (
            feature["renditions"][0]["href"],
            first(feature.get("descriptions"), "caption").get("value", ""),
            first(feature.get("descriptions"), "alt").get("value", ""),
            feature.get("by") or feature.get("copyrightholder") or "",
        )
        if feature
        else None,
    }


def parser_view(item) -> dict:
    sections = [s.code for s in item.subjects if s.kind == "section"]
    picture = item.pictures[0] if item.pictures else None
    return {
        "headline": item.headline,
        "kicker": item.kicker,
        "summary": item.summary,
        "byline": item.byline,
        "section": sections[0] if sections else None,
        "public_id": item.public_id,
        "authors": [person.code for person in item.authors],
        "picture": picture
        and (picture.href, picture.caption, picture.alt, picture.credit),
    }


@pytest.mark.parametrize("path", DEMO_ITEMS, ids=lambda path: path.name)
def test_demo_item_reads_as_the_bundle_loader_reads_it(path):
    item = only_item(parse_file(ninjs, path))
    assert parser_view(item) == bundle_view(json.loads(path.read_text()))


def test_demo_item_golden():
    item = only_item(parse_file(ninjs, REPO / "minbar/demo/bundle/items/1001.json"))
    assert (
        item.headline == "مجلس النواب يقرّ قانون الإدارة المحلية الجديد بأغلبية 214 صوتًا"
    )
    assert item.kicker == "برلمان"
    assert item.located == "المنارة"
    assert item.credit == "وكالة أنباء الساحل"
    assert Subject("سياسة", "section", "politics") in item.subjects
    assert item.pictures[0].credit == "رسم توضيحي: منبر اليوم"


# ninjs shapes and failures made up for the purpose.


def ninjs_bytes(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


def story(**extra) -> dict:
    return {
        "uri": "urn:test:1",
        "headlines": [{"role": "main", "value": "عنوان"}],
        **extra,
    }


def test_ninjs_list_gives_one_entry_per_item_by_position():
    document = [
        story(),
        story(uri="urn:test:2", versioncreated="yesterday"),
        42,
        {"headlines": [{"value": "بلا معرّف"}]},
    ]
    first, second, third, fourth = parse(ninjs, ninjs_bytes(document), "feed.json")
    assert first.location == "feed.json#1" and first.item.headline == "عنوان"
    assert second.location == "feed.json#2"
    assert (
        second.error == "versioncreated is not an ISO 8601 date and time: 'yesterday'"
    )
    assert third.error == "not a ninjs item: a number, not an object"
    assert fourth.error == "no uri: every ninjs item must have one"


def test_ninjs_3x_dates_are_named_as_spelt_and_must_carry_an_offset():
    (entry,) = parse(ninjs, ninjs_bytes(story(firstCreated="2026-13-40T00:00:00Z")))
    assert entry.error == (
        "firstCreated is not an ISO 8601 date and time: '2026-13-40T00:00:00Z'"
    )
    (entry,) = parse(ninjs, ninjs_bytes(story(versionCreated="2026-11-28T10:00:00")))
    assert entry.error == "versionCreated has no UTC offset: '2026-11-28T10:00:00'"
    item = only_item(
        parse(ninjs, ninjs_bytes(story(embargoedUntil="2026-11-28T10:00:00Z")))
    )
    assert item.embargoed == datetime.datetime(2026, 11, 28, 10, tzinfo=UTC)


def test_ninjs_truncated_json_is_one_clear_error():
    entries = parse(ninjs, b'{"uri": "urn:x", "headlines": [{"value": "ab', "cut.json")
    assert [e.location for e in entries] == ["cut.json"]
    assert entries[0].error.startswith("not valid JSON: Unterminated string")


def test_ninjs_json_number_is_one_clear_error():
    (entry,) = parse(ninjs, b"42", "n.json")
    assert entry.error == (
        "not ninjs: the file holds a number, not an object or a list of objects"
    )


def test_ninjs_not_utf8_is_one_clear_error():
    (entry,) = parse(ninjs, '{"uri": "é"}'.encode("latin-1"))
    assert entry.error == "not UTF-8 text, which JSON must be"


def test_ninjs_body_without_headline_is_an_error_and_bare_metadata_skipped():
    (entry,) = parse(
        ninjs, ninjs_bytes({"uri": "urn:x", "bodies": [{"value": "<p>x</p>"}]})
    )
    assert entry.error.startswith("no headline")
    (entry,) = parse(ninjs, ninjs_bytes({"uri": "urn:x", "language": "ar"}))
    assert entry.skipped.startswith("no headline and no body")


def test_ninjs_public_id_must_be_digits():
    document = story(altids=[{"role": "public-id", "value": "٣٣٢٣٤"}])
    (entry,) = parse(ninjs, ninjs_bytes(document))
    assert entry.error == "altids public-id must be digits, not '٣٣٢٣٤'"


def test_ninjs_plain_text_body_becomes_paragraphs():
    body = {
        "role": "main",
        "contenttype": "text/plain",
        "value": "سطر أول\n\nسطر <ثانٍ>",
    }
    item = only_item(parse(ninjs, ninjs_bytes(story(bodies=[body]))))
    assert item.body_html == "<p>سطر أول</p><p>سطر &lt;ثانٍ&gt;</p>"


def test_ninjs_1x_item():
    document = {
        "uri": "urn:test:1x",
        "type": "text",
        "version": "3",
        "versioncreated": "2026-11-28T10:00:00+03:00",
        "headline": "عنوان قديم",
        "byline": "كاتب",
        "description_text": "ملخص",
        "body_html": "<p>فقرة</p>",
        "body_text": "فقرة",
        "urgency": 2,
        "subject": [{"name": "سياسة", "code": "politics", "rel": "section"}],
        "person": [{"name": "كاتب", "rel": "author", "code": "writer-1"}],
        "genre": [{"name": "خبر", "code": "news"}],
        "altids": {"public-id": "4242"},
        "associations": {
            "featureimage": {
                "uri": "urn:test:pic",
                "type": "picture",
                "description_text": "تعليق",
                "byline": "مصور",
                "renditions": {
                    "thumb": {"href": "media/t.jpg", "width": 80, "height": 45},
                    "original": {
                        "href": "media/p.jpg",
                        "mimetype": "image/jpeg",
                        "width": 800,
                        "height": 450,
                    },
                },
            }
        },
    }
    item = only_item(parse(ninjs, ninjs_bytes(document)))
    assert (item.headline, item.byline, item.summary) == ("عنوان قديم", "كاتب", "ملخص")
    assert item.body_html == "<p>فقرة</p>"
    assert (item.public_id, item.genre, item.urgency, item.version) == (
        4242,
        "news",
        2,
        "3",
    )
    assert item.subjects == [Subject("سياسة", "section", "politics")]
    assert item.authors == [Person("كاتب", "author", "writer-1")]
    (picture,) = item.pictures
    assert (picture.href, picture.caption, picture.credit) == (
        "media/p.jpg",
        "تعليق",
        "مصور",
    )
    assert (picture.width, picture.height, picture.mimetype) == (800, 450, "image/jpeg")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
NINJS_KEYS = [
    "uri", "headline", "headlines", "byline", "by", "body_html", "body_text",
    "bodies", "associations", "renditions", "altids", "people", "person",
    "subjects", "subject", "places", "genres", "urgency", "versioncreated",
    "pubstatus", "type", "descriptions", "description_text", "infosources",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(NINJS_KEYS), json_values), st.text(max_size=12))
def test_ninjs_never_raises_on_odd_shapes(document, uri):
    document["uri"] = uri or "urn:x"
    for data in (
        ninjs_bytes(document),
        ninjs_bytes([document]),
        ninjs_bytes(document)[:-3],
    ):
        for entry in parse(ninjs, data):
            assert bool(entry.item) + bool(entry.error) + bool(entry.skipped) == 1


# NewsML-G2 shapes and failures made up for the purpose.

NAR = 'xmlns="http://iptc.org/std/nar/2006-10-01/"'
MESSAGE = f"""<?xml version="1.0" encoding="UTF-8"?>
<newsMessage {NAR}>
  <header><sent>2026-11-28T10:00:00Z</sent></header>
  <itemSet>
    <packageItem guid="urn:test:package" version="1">
      <itemMeta><itemClass qcode="ninat:composite"/></itemMeta>
      <groupSet root="G1"><group id="G1" role="group:main">
        <itemRef residref="urn:test:story"/>
        <itemRef residref="urn:test:photo"/>
        <itemRef residref="urn:test:elsewhere"/>
      </group></groupSet>
    </packageItem>
    <newsItem guid="urn:test:story" version="2" xml:lang="ar">
      <itemMeta>
        <itemClass qcode="ninat:text"/>
        <versionCreated>2026-11-28T09:55:00+03:00</versionCreated>
        <pubStatus qcode="stat:withheld"/>
      </itemMeta>
      <contentMeta>
        <urgency>3</urgency>
        <located>
          <name xml:lang="en">Moscow</name><name xml:lang="ar">موسكو</name>
        </located>
        <by>مراسل منبر</by>
        <headline role="hdl:sub">عنوان فرعي</headline>
        <headline>عنوان الخبر</headline>
        <description role="drol:summary">ملخص الخبر</description>
        <dateline>موسكو، السبت</dateline>
      </contentMeta>
      <contentSet>
        <inlineXML contenttype="application/xhtml+xml">
          <html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head>
          <body><h1>عنوان</h1><p>فقرة <strong>أولى</strong>.</p><div>نص حر</div>
          <ul><li>بند</li></ul><blockquote>اقتباس</blockquote>
          <script>alert(1)</script><img src="x.jpg"/>
          <p><a href="https://example.com/?a=1&amp;b=2">رابط</a></p></body></html>
        </inlineXML>
      </contentSet>
    </newsItem>
    <newsItem guid="urn:test:photo" version="1">
      <itemMeta><itemClass qcode="ninat:picture"/></itemMeta>
      <contentMeta>
        <headline>صورة</headline>
        <description role="drol:caption">تعليق الصورة</description>
        <creditline>منبر</creditline>
      </contentMeta>
      <contentSet>
        <remoteContent href="https://example.com/small.jpg" contenttype="image/jpeg"
          width="320" height="180"/>
        <remoteContent href="https://example.com/large.jpg" contenttype="image/jpeg"
          width="1200" height="675"/>
      </contentSet>
    </newsItem>
  </itemSet>
</newsMessage>
"""


def test_newsml_message_gives_the_story_its_package_pictures():
    package, story_entry, photo = parse(newsml, MESSAGE.encode(), "wire.xml")
    assert package.location == "wire.xml#urn:test:elsewhere"
    assert "not in this file" in package.skipped
    assert photo.location == "wire.xml#urn:test:photo"
    assert photo.skipped == "a picture of the story urn:test:story in the same package"
    item = story_entry.item
    assert story_entry.location == "wire.xml#urn:test:story"
    assert (item.headline, item.summary, item.byline) == (
        "عنوان الخبر",
        "ملخص الخبر",
        "مراسل منبر",
    )
    assert (item.pubstatus, item.urgency, item.version) == ("withheld", 3, "2")
    assert (item.located, item.dateline, item.language) == (
        "موسكو",
        "موسكو، السبت",
        "ar",
    )
    (picture,) = item.pictures
    assert (picture.href, picture.caption, picture.credit) == (
        "https://example.com/large.jpg",
        "تعليق الصورة",
        "منبر",
    )
    assert (picture.width, picture.height) == (1200, 675)
    assert item.body_html == (
        "<h2>عنوان</h2><p>فقرة <b>أولى</b>.</p><p>نص حر</p><ul><li>بند</li></ul>"
        "<blockquote>اقتباس</blockquote>"
        '<p><a href="https://example.com/?a=1&amp;b=2">رابط</a></p>'
    )


def news_item(content_meta: str = "<headline>عنوان</headline>", **parts: str) -> bytes:
    item_meta = parts.get("item_meta", '<itemClass qcode="ninat:text"/>')
    content_set = parts.get("content_set", "")
    return (
        f'<newsItem {NAR} guid="urn:test:item" version="1">'
        f"<itemMeta>{item_meta}</itemMeta><contentMeta>{content_meta}</contentMeta>"
        f"<contentSet>{content_set}</contentSet></newsItem>"
    ).encode()


def test_newsml_inline_data_becomes_paragraphs():
    text = "أول.\n\nثانٍ\nيتابع."
    data = news_item(
        content_set=f'<inlineData contenttype="text/plain">{text}</inlineData>'
    )
    assert only_item(parse(newsml, data)).body_html == "<p>أول.</p><p>ثانٍ يتابع.</p>"
    data = news_item(content_set="<inlineData>سطر\nسطر آخر</inlineData>")
    assert only_item(parse(newsml, data)).body_html == "<p>سطر</p><p>سطر آخر</p>"


def test_newsml_pubstatus_codes():
    for qcode, expected in [("stat:canceled", "canceled"), ("stat:usable", "usable")]:
        data = news_item(item_meta=f'<pubStatus qcode="{qcode}"/>')
        assert only_item(parse(newsml, data)).pubstatus == expected
    (entry,) = parse(newsml, news_item(item_meta='<pubStatus qcode="stat:lost"/>'))
    assert (
        entry.error
        == "itemMeta/pubStatus 'stat:lost' is not usable, withheld or canceled"
    )


def test_newsml_bad_date_is_one_error_naming_the_field():
    data = news_item(item_meta="<versionCreated>21/10/2018</versionCreated>")
    (entry,) = parse(newsml, data, "bad.xml")
    assert entry.location == "bad.xml#urn:test:item"
    assert entry.error == (
        "itemMeta/versionCreated is not an ISO 8601 date and time: '21/10/2018'"
    )


def test_newsml_video_items_are_skipped():
    (entry,) = parse(newsml, news_item(item_meta='<itemClass qcode="ninat:video"/>'))
    assert entry.skipped == "a video item: Minbar ingests stories and pictures"


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="x">&lol3;</newsItem>
"""


def test_newsml_entity_expansion_is_refused():
    (entry,) = parse(newsml, BILLION_LAUGHS.encode(), "lol.xml")
    assert entry.location == "lol.xml"
    assert entry.error.startswith("the file declares XML entities in a DOCTYPE")
    utf16 = BILLION_LAUGHS.replace('"1.0"?>', '"1.0" encoding="UTF-16"?>')
    (entry,) = parse(newsml, utf16.encode("utf-16"))
    assert entry.error.startswith("the file declares XML entities in a DOCTYPE")


def test_newsml_external_entities_are_refused():
    data = (
        b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/">&e;</newsItem>'
    )
    (entry,) = parse(newsml, data)
    assert "entities" in entry.error


def test_newsml_other_vocabulary_is_one_clear_error():
    data = b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>x</p></body></html>'
    (entry,) = parse(newsml, data, "page.xml")
    assert entry.error == (
        "not NewsML-G2: the root element is <html> in the namespace "
        "http://www.w3.org/1999/xhtml"
    )


def test_newsml_malformed_xml_is_one_clear_error():
    (entry,) = parse(newsml, b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/"')
    assert entry.error.startswith("not well-formed XML: ")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.integers(min_value=0, max_value=len(MESSAGE)))
def test_newsml_never_raises(noise, cut):
    for data in (noise, MESSAGE.encode()[:cut], MESSAGE.encode()[:cut] + noise):
        for entry in parse(newsml, data):
            assert bool(entry.item) + bool(entry.error) + bool(entry.skipped) == 1


def test_nitf_body_becomes_simple_html():
    nitf = parse_xml(
        b"<body.content><hl2>Sub</hl2><p>Text <em>em</em> and "
        b'<a href="https://x.test/">link</a> <person>Name</person>.</p>'
        b'<media media-type="image"><media-caption>cap</media-caption></media>'
        b"<bq><block><p>Quote</p></block><credit>Someone</credit></bq>"
        b"<ol><li>one</li><li><p>two</p></li></ol><block><p>in a block</p>loose</block>"
        b"</body.content>"
    )
    assert simple_html(nitf, NITF_TAGS) == (
        "<h2>Sub</h2>"
        '<p>Text <i>em</i> and <a href="https://x.test/">link</a> Name.</p>'
        "<blockquote>Quote <cite>Someone</cite></blockquote>"
        "<ol><li>one</li><li>two</li></ol><p>in a block</p><p>loose</p>"
    )


# Sniffing: each file is recognised as its own format, and only that.


def example_files() -> list[tuple[Path, str]]:
    files = [(path, "ninjs") for path in sorted(NINJS_EXAMPLES.rglob("*.json"))]
    files += [(path, "ninjs") for path in sorted(NINJS_SUITE.rglob("*.json"))]
    files += [(path, "ninjs") for path in DEMO_ITEMS]
    files += [(path, "newsml-g2") for path in sorted(NEWSML_EXAMPLES.glob("*.xml"))]
    return files


def test_every_example_is_sniffed_as_its_format():
    require_shared()
    others_written = all(
        (PARSERS_DIR / f"{module}.py").exists() for module in ("wxr", "feeds")
    )
    files = example_files()
    assert len(files) > 140
    for path, expected in files:
        head = path.read_bytes()[:SNIFF_BYTES]
        assert ninjs.sniff(head, "ninjs") is (expected == "ninjs"), path
        assert newsml.sniff(head, "newsml-g2") is (expected == "newsml-g2"), path
        if others_written:
            assert detect(head) == expected, path


def test_sniff_refuses_other_formats_and_other_names():
    rss = b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>'
    atom = b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>'
    json_feed = b'{"version": "https://jsonfeed.org/version/1.1", "items": []}'
    for head in (rss, atom, json_feed, b"", b"hello"):
        assert not ninjs.sniff(head, "ninjs")
        assert not newsml.sniff(head, "newsml-g2")
    assert not ninjs.sniff(b'{"uri": "x"}', "rss")
    assert not newsml.sniff(b"<newsItem/>", "atom")
    utf16 = '<?xml version="1.0" encoding="UTF-16"?><newsMessage/>'.encode("utf-16")
    assert newsml.sniff(utf16, "newsml-g2")
