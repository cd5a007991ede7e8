"""Folding of the spelling variants of foreign names and loanwords.

Arabic newsrooms transliterate the same name differently: ترمب / ترامب,
أميركا / أمريكا, جونج / جونغ, بيونج يانج / بيونغ يانغ / بيونغيانغ.  No rule may
be applied to every word (غزة is not جزة), so folding works from a lexicon of
known names, and rules make each entry match spellings nobody listed:

- the g sound is written ج or غ (and sometimes ك or ق, which also write
  their own sounds: those spellings are listed in the lexicon instead);
- long vowels inside a name come and go (ترامب / ترمب, أميركا / أمريكا): ا و ي
  after the first letter are dropped, as are a final ه or ا;
- a doubled letter counts once.

What is left is the name's *skeleton* (ترمب for ترمب and ترامب).  A word, or two
or three adjacent words joined, whose skeleton is a lexicon entry's is indexed
and searched as that entry's key, so every spelling finds every other.
Editors add entries in the newsroom (Search → Spelling variants).
"""

from collections.abc import Iterable
from functools import lru_cache

from .normalize import normalize
from .stemming import PROCLITICS, strip_article, strip_suffixes

G_SOUNDS = str.maketrans({"غ": "ج"})
WEAK = set("اوي")

# Each line: the spellings of one name.  Normalization makes أ/ا and the like
# equal already; the rules above make most vowel and g variants equal too, so
# an entry needs only spellings that differ otherwise.
DEFAULT_LEXICON = (
    # People
    ("ترامب", "ترمب"),
    ("بايدن",),
    ("أوباما",),
    ("بوتين",),
    ("لافروف",),
    ("شويغو", "شويجو"),
    ("زيلينسكي", "زيلنسكي"),
    ("نتنياهو", "نتانياهو"),
    ("غانتس", "جانتس"),
    ("ماكرون",),
    ("ميركل",),
    ("شولتس", "شولتز"),
    ("ستارمر",),
    ("أردوغان", "أردوجان"),
    ("شي جين بينغ", "شي جينبينغ"),
    ("كيم جونغ أون", "كيم جونج اون"),
    ("جونغ", "جونج"),
    ("غوتيريش", "جوتيريش", "غوتيريس"),
    ("بلينكن",),
    ("سيرغي", "سيرجي"),
    # Places
    ("أمريكا", "أميركا", "الأمريكية", "الأميركية", "الأمريكي", "الأميركي"),
    ("بيونغ يانغ", "بيونج يانج", "بيونغيانغ"),
    ("إنجلترا", "إنكلترا", "انكلترا"),
    ("أوروبا", "أوربا"),
    ("أفريقيا", "إفريقيا"),
    ("بريطانيا",),
    ("ألمانيا",),
    ("إيطاليا",),
    ("إسبانيا",),
    ("البرتغال",),
    ("أوكرانيا",),
    ("بولندا", "بولونيا"),
    ("هولندا",),
    ("بلجيكا",),
    ("سويسرا",),
    ("الدنمارك", "الدانمارك"),
    ("فنلندا",),
    ("النرويج",),
    ("المجر", "هنغاريا", "هنجاريا"),
    ("رومانيا",),
    ("كندا",),
    ("المكسيك",),
    ("البرازيل",),
    ("الأرجنتين",),
    ("تشيلي", "شيلي"),
    ("كولومبيا",),
    ("فنزويلا",),
    ("إثيوبيا", "أثيوبيا"),
    ("أوغندا", "أوجندا"),
    ("الكونغو", "الكونجو"),
    ("نيجيريا",),
    ("السنغال",),
    ("موريتانيا",),
    ("إندونيسيا",),
    ("ماليزيا",),
    ("الفلبين",),
    ("فيتنام",),
    ("تايلاند", "تايلند"),
    ("سنغافورة", "سنجافورة"),
    ("هونغ كونغ", "هونج كونج", "هونغكونغ"),
    ("بكين", "بيجين", "بيجينغ"),
    ("كوبنهاغن", "كوبنهاجن"),
    ("هامبورغ", "هامبورج"),
    ("فرانكفورت", "فرنكفورت"),
    ("واشنطن",),
    ("موسكو",),
    ("الكرملين",),
    ("البنتاغون", "البنتاجون"),
    ("الكونغرس", "الكونجرس"),
    # Organisations and companies
    ("اليونسكو", "يونسكو"),
    ("اليونيسف", "يونيسف"),
    ("الفيفا", "فيفا"),
    ("آسيان", "الآسيان"),
    ("بريكس",),
    ("أوبك",),
    ("غوغل", "جوجل", "قوقل"),
    ("مايكروسوفت", "ميكروسوفت"),
    ("أمازون",),
    ("سامسونغ", "سامسونج"),
    ("هواوي",),
    ("فيسبوك", "فيس بوك"),
    ("إنستغرام", "انستجرام", "انستقرام"),
    ("تيك توك", "تيكتوك"),
    ("تيليغرام", "تلغرام", "تلجرام"),
    ("واتساب", "واتس آب", "واتس اب"),
    ("يوتيوب", "يو تيوب"),
    ("نتفليكس", "نتفلكس"),
    ("بوينغ", "بوينج"),
    ("إيرباص",),
    ("فولكسفاغن", "فولكس فاغن", "فولكس فاجن"),
    ("أرامكو",),
    # Loanwords
    ("ديمقراطية", "ديموقراطية"),
    ("دبلوماسية", "ديبلوماسية"),
    ("استراتيجية", "استراتيجيه"),
    ("تكنولوجيا", "تكنولوجية"),
    ("إنترنت", "انترنت"),
    ("كمبيوتر", "كومبيوتر"),
    ("تلفزيون", "تليفزيون"),
    ("فيروس", "فايروس"),
    ("ميغاواط", "ميجاوات", "ميغاوات", "ميجاواط"),
    ("أيديولوجيا", "إيديولوجيا", "أيديولوجية"),
    ("أوركسترا",),
    ("أكاديمية",),
)

MAX_JOINED = 3


@lru_cache(maxsize=100_000)
def skeleton(word: str) -> str:
    """The skeleton of one normalized, unspaced word: ترامب → ترمب."""
    if not word:
        return word
    word = word.translate(G_SOUNDS)
    body = [c for c in word[1:] if c not in WEAK]
    while body and body[-1] in "ها":
        body.pop()
    letters = [word[0]]
    for c in body:
        if c != letters[-1]:
            letters.append(c)
    return "".join(letters)


class VariantLexicon:
    """Known names, by spelling and by skeleton; ``key`` finds a spelling's name."""

    # Keys are marked so that they never equal an ordinary stem.
    MARK = "~"
    MIN_SKELETON = 3

    CACHE_SIZE = 200_000

    def __init__(self, entries: Iterable[Iterable[str]] = DEFAULT_LEXICON):
        self._cache: dict[tuple[str, ...], str | None] = {}
        self.name_prefixes: set[str] = set()
        self._begins: dict[str, bool] = {}
        self.exact: dict[str, str] = {}
        self.by_skeleton: dict[str, str] = {}
        for spellings in entries:
            joined = ["".join(normalize(s).split()) for s in spellings if s.strip()]
            if not joined:
                continue
            key = self.MARK + skeleton(strip_article(joined[0]))
            for spelling in joined:
                self._add_prefixes(spelling)
                self.exact.setdefault(spelling, key)
                self.exact.setdefault(strip_article(spelling), key)
                if len(skeleton(spelling)) >= self.MIN_SKELETON:
                    self.by_skeleton.setdefault(skeleton(spelling), key)

    def _add_prefixes(self, spelling: str):
        """Skeletons that begin this name, and its first word's: the names a
        run of words could be the beginning of (see ``spans``)."""
        for form in (spelling, strip_article(spelling)):
            bones = skeleton(form)
            self.name_prefixes.update(bones[:i] for i in range(1, len(bones) + 1))

    def key(self, *words: str) -> str | None:
        """The key of the name these adjacent normalized words spell, if any.

        A listed spelling matches as it is, with its article or, for one
        word, with an ending (الأمريكية).  Other spellings match by skeleton
        when it is long enough to be telling and the word has lost letters to
        it (ترامب → ترمب), which a plain Arabic word of three letters has not.
        """
        # News text repeats its words: remember the answers for single words
        # (pairs and triples rarely repeat, and would only fill the cache).
        if len(words) > 1:
            return self._find(words)
        if words in self._cache:
            return self._cache[words]
        if len(self._cache) > self.CACHE_SIZE:
            self._cache.clear()
        self._cache[words] = found = self._find(words)
        return found

    def _find(self, words: tuple[str, ...]) -> str | None:
        joined = "".join(words)
        if len(joined) < 3:
            return None
        forms = [joined, strip_article(joined)]
        if len(words) == 1:
            forms.append(strip_suffixes(strip_article(joined)))
            if joined.startswith(PROCLITICS) and len(joined) >= 5:  # وبوينج
                forms += [joined[1:], strip_suffixes(strip_article(joined[1:]))]
        for form in forms:
            if form in self.exact:
                return self.exact[form]
        for form in forms:
            bones = skeleton(form)
            if len(bones) >= self.MIN_SKELETON and len(form) > len(bones):
                if bones in self.by_skeleton:
                    return self.by_skeleton[bones]
        return None

    def spans(self, words: list[str]) -> list[tuple[int, int, str]]:
        """Names spelled by one to three adjacent words: (start, end, key).

        The longest spelling wins and words are not shared, so the first half
        of بيونج يانج is not also read as بوينج.
        """
        found, start = [], 0
        while start < len(words):
            # Joining words is worth trying only where the first could begin
            # a name of several words.
            longest = MAX_JOINED if self.could_begin_name(words[start]) else 1
            for size in range(min(longest, len(words) - start), 0, -1):
                key = self.key(*words[start : start + size])
                if key:
                    found.append((start, start + size, key))
                    start += size
                    break
            else:
                start += 1
        return found

    def could_begin_name(self, word: str) -> bool:
        known = self._begins.get(word)
        if known is None:
            if len(self._begins) > self.CACHE_SIZE:
                self._begins.clear()
            known = self._begins[word] = (
                skeleton(word) in self.name_prefixes
                or skeleton(strip_article(word)) in self.name_prefixes
            )
        return known

    def keys_in(self, words: list[str]) -> list[str]:
        return [key for _start, _end, key in self.spans(words)]


DEFAULT = VariantLexicon()
