"""Normalization of Arabic text for matching.

``normalize`` turns text into the form that the search index stores and that
queries are compared in: the same word written with or without diacritics,
with any alef form, with Persian letter shapes, stretched with tatweel or
broken with dots gives the same string.  It is for matching only: pages show
the text as written.

Each step is a table below, applied in this order:

1. NFKC, which turns presentation forms (ﻻ, ﷲ, ﺍ) into ordinary letters.
2. Removal of invisible characters (zero-width joiners, bidi marks, soft hyphen).
3. Removal of diacritics (tashkeel, shadda, sukun, superscript alef, Quranic
   marks) and of tatweel.
4. Joining of words broken by a dot or an asterisk between two Arabic letters
   (د.ا.عش, الاحت.لال): writers use it to dodge filters, readers search the word.
5. Letter folding: alef forms to bare alef, alef maqsura to yaa, taa marbuta to
   haa, hamza carriers to a lone hamza (and ىء to ء), Persian and Urdu shapes
   to Arabic ones.
6. Arabic-Indic and Eastern Arabic-Indic digits to ASCII digits.
7. Lower case, for Latin words inside Arabic text.
"""

import re
import unicodedata

INVISIBLE = re.compile(
    "[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)

# Harakat and tanween (064B-065F), superscript alef (0670), Quranic annotation
# signs (0610-061A, 06D6-06ED) and tatweel (0640).
DIACRITICS = re.compile(
    "[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]"
)

ARABIC_LETTER = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3"
BROKEN_WORD = re.compile(f"(?<=[{ARABIC_LETTER}])[.*•·](?=[{ARABIC_LETTER}])")

# Letter folding.  Hamza carriers all become ء so that the Egyptian and the
# Levantine spellings of the same word meet (مسؤول / مسئول, هيئة / هيئه).
SPELLING_FOLDS = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ة": "ه", "ؤ": "ء", "ئ": "ء", "ٶ": "ء", "ٸ": "ء",
}  # fmt: skip
# Persian and Urdu letter shapes typed for Arabic ones.
SHAPE_FOLDS = {
    "ی": "ي", "ې": "ي", "ۍ": "ي", "ے": "ي",
    "ۀ": "ه", "ہ": "ه", "ھ": "ه", "ە": "ه",
    "ک": "ك", "ڪ": "ك", "گ": "ك",
    "پ": "ب", "چ": "ج", "ڤ": "ف", "ژ": "ز", "ڨ": "ق",
}  # fmt: skip
LETTER_FOLDS = {**SPELLING_FOLDS, **SHAPE_FOLDS}

DIGITS = {
    **{chr(0x0660 + n): str(n) for n in range(10)},  # ٠١٢٣٤٥٦٧٨٩
    **{chr(0x06F0 + n): str(n) for n in range(10)},  # ۰۱۲۳۴۵۶۷۸۹
    "٫": ".",  # Arabic decimal separator
    "٬": ",",  # Arabic thousands separator
}

FOLD_TABLE = str.maketrans({**LETTER_FOLDS, **DIGITS})
SHAPES_AND_DIGITS = str.maketrans({**SHAPE_FOLDS, **DIGITS})


def strip_diacritics(text: str) -> str:
    """Remove tashkeel and tatweel, keeping the letters: مُعاهَدَة → معاهدة."""
    return DIACRITICS.sub("", text)


# The older spelling of hamza after a long i, ىء (طوارىء), is the same word as
# ئ (طوارئ): after folding, يء becomes ء.
YAA_HAMZA = re.compile("يء")


def normalize(text: str, fold_spelling: bool = True) -> str:
    """The matching form of ``text``; see the module's docstring for the steps.

    ``fold_spelling=False`` keeps alef, hamza, alef maqsura and taa marbuta as
    written, for a stemmer that has its own rules for them (Snowball).
    """
    text = unicodedata.normalize("NFKC", text)
    text = INVISIBLE.sub("", text)
    text = strip_diacritics(text)
    text = BROKEN_WORD.sub("", text)
    if not fold_spelling:
        return text.translate(SHAPES_AND_DIGITS).lower()
    text = text.translate(FOLD_TABLE).lower()
    return YAA_HAMZA.sub("ء", text)


# A word: a run of letters and digits.  Everything else separates words,
# Arabic punctuation included (« » ، ؛ ؟ ” and the like).
WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """Normalized words of ``text``, in order."""
    return WORD.findall(normalize(text))
