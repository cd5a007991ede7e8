"""The interface is Arabic: the catalog is complete, compiled and NFC."""

import unicodedata
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parent.parent / "minbar"
LOCALE = PACKAGE / "locale" / "ar" / "LC_MESSAGES"


def test_arabic_catalog_is_complete():
    catalog = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [e.msgid for e in catalog.untranslated_entries()]
    assert catalog.percent_translated() == 100, untranslated
    assert not catalog.fuzzy_entries()


def test_plural_forms_cover_arabic_six():
    catalog = polib.pofile(str(LOCALE / "django.po"))
    assert "nplurals=6" in catalog.metadata["Plural-Forms"]
    for entry in catalog:
        if entry.msgid_plural:
            assert len(entry.msgstr_plural) == 6, entry.msgid


def translations(catalog):
    return {
        (e.msgctxt, e.msgid): e.msgstr or tuple(sorted(e.msgstr_plural.items()))
        for e in catalog
        if e.msgid
    }


def test_compiled_catalog_matches_the_source():
    source = translations(polib.pofile(str(LOCALE / "django.po")))
    compiled = translations(polib.mofile(str(LOCALE / "django.mo")))
    assert compiled == source, "run `make messages` after editing the catalog"


def test_arabic_text_is_nfc():
    sources = [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.html"), LOCALE / "django.po"]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), path
