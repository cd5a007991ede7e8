"""The interface is Arabic: the catalog is complete, compiled and NFC."""

import unicodedata
from pathlib import Path

import polib

LOCALE = (
    Path(__file__).resolve().parent.parent / "minbar" / "locale" / "ar" / "LC_MESSAGES"
)


def test_arabic_catalog_is_complete():
    catalog = polib.pofile(str(LOCALE / "django.po"))
    assert catalog.percent_translated() == 100, [
        e.msgid for e in catalog.untranslated_entries()
    ]
    assert not catalog.fuzzy_entries()


def test_compiled_catalog_matches_the_source():
    source = {
        e.msgid: e.msgstr for e in polib.pofile(str(LOCALE / "django.po")) if e.msgstr
    }
    compiled = {
        e.msgid: e.msgstr for e in polib.mofile(str(LOCALE / "django.mo")) if e.msgid
    }
    assert compiled == source, "run `make messages` after editing the catalog"


def test_arabic_text_is_nfc():
    package = Path(__file__).resolve().parent.parent / "minbar"
    for path in [
        *package.rglob("*.py"),
        *package.rglob("*.html"),
        LOCALE / "django.po",
    ]:
        text = path.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), path
