"""Light stemming of normalized Arabic words.

A light stemmer removes the attached article and conjunctions in front of a
word and the common plural, dual, feminine and pronoun endings after it, and
never touches the root's own letters: العلاقات and العلاقة both give علاق.
It works on ``normalize``d words (alef, taa marbuta and hamza already folded).

Two kinds of prefix are treated differently, because of what measurement on
real text showed (docs/search.md):

- the article and the article with a preposition (ال وال بال كال فال لل) are
  unambiguous and always removed;
- a lone و ف ب ك ل is just as often the first letter of the word itself (وزير،
  فيلم، بنك، كتاب، لبنان), so ``index_stems`` keeps the word both with and
  without it, and a query matches either.

Endings are removed only while at least ``MIN_STEM`` letters remain, so that
short words keep their meaning (سنه stays سنه; ولاء stays ولاء).
"""

from functools import lru_cache

ARTICLE_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
PROCLITICS = ("و", "ف", "ب", "ك", "ل")

# Longest first: ات before ه, يه before ه.
SUFFIXES = (
    "هما",
    "كما",
    "تين",
    "تان",
    "ات",
    "ون",
    "ين",
    "ان",
    "يه",
    "ها",
    "هم",
    "كم",
    "نا",
    "ه",
    "ي",
)

MIN_STEM = 3
MAX_SUFFIXES = 2

# Proper nouns and other words that stemming would break or confuse with
# another word (لبنان is not لبن, milk).  Compared after normalization.
PROTECTED = frozenset({
    "لبنان", "ايران", "اليابان", "السودان", "عمان", "اليونان", "الفاتيكان", "باكستان",
    "افغانستان", "كازاخستان", "اذربيجان", "الميدان", "رمضان", "شعبان", "عثمان",
    "سلمان", "سليمان", "عدنان", "حسين", "ياسين", "فلسطين", "البحرين", "الصين",
    "الامارات", "واشنطن", "برلين", "بكين", "بيروت", "ولي",
})  # fmt: skip


def strip_article(word: str) -> str:
    for prefix in ARTICLE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            return word[len(prefix) :]
    return word


def strip_suffixes(word: str) -> str:
    for _ in range(MAX_SUFFIXES):
        for suffix in SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The light stem of one normalized word."""
    if word in PROTECTED or not word.isalpha():
        return word
    bare = strip_article(word)
    if bare in PROTECTED or ("ال" + bare) in PROTECTED:
        return bare
    return strip_suffixes(bare)


@lru_cache(maxsize=200_000)
def index_stems(word: str) -> tuple[str, ...]:
    """Stems to index for a word: its stem, and its stem without a lone proclitic.

    وزير gives [وزير, زير]; وأكد gives [واكد, اكد]; so the query أكد finds
    وأكد and the query الوزير (stem وزير) still finds وزير.
    """
    stems = (stem(word),)
    if (
        len(word) >= 4
        and word.startswith(PROCLITICS)
        and not word.startswith(ARTICLE_PREFIXES)
        and word not in PROTECTED
    ):
        without = stem(word[1:])
        if len(without) >= MIN_STEM and without not in stems:
            stems += (without,)
    return stems
