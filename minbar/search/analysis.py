"""From Arabic text to index terms, and from a reader's query to a search.

Both backends (SQLite FTS5 and PostgreSQL) store and match the same terms,
made here in Python, so that they agree; neither relies on its own tokenizer
or stemmer for Arabic.  No Django import.

An article field becomes two term streams:

- ``primary``: the light stem of each word, in order, so that phrases match;
- ``extra``: what else a word may be searched as: its stem without a lone
  proclitic (وأكد → اكد), the key of a foreign name in any spelling (ترامب,
  ترمب → ~ترمب), and the halves of two words glued together (المدرسةالجديدة).

A query is a list of terms that must all match (each term: alternatives, any
of which will do), quoted phrases, and excluded terms (a leading minus).
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from minbar.arabic.normalize import words
from minbar.arabic.stemming import index_stems, stem
from minbar.arabic.variants import DEFAULT, VariantLexicon

# Function words dropped from a query that has other words (they are indexed,
# so that quoted phrases still match them).  Normalized forms.
STOPWORDS = frozenset(
    "في من الي عن مع ان هذا هذه ذلك تلك التي الذي الذين اللذين كان كانت قد لا ما لم "
    "لن او ام ثم هو هي هم هما بين حتي منذ عند كل بعد قبل غير اي ايضا وقد ولا كما وفي "
    "ومن وان وهو وهي فقد لقد اذا اذ لكن بل عليه فيه منه به لها له لهم وكان حيث".split()
)

# Two words glued together: an article starting inside a token.
GLUED_ARTICLE = re.compile(r"(?<=\w{3})(?=ال\w{3,})")

MAX_QUERY_LENGTH = 500


@dataclass
class FieldTerms:
    primary: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)


class Analyzer:
    def __init__(self, lexicon: VariantLexicon = DEFAULT):
        self.lexicon = lexicon

    # Indexing

    def field_terms(self, text: str) -> FieldTerms:
        tokens = words(text)
        terms = FieldTerms()
        for position, token in enumerate(tokens):
            primary, extra, parts = token_terms(token)
            terms.primary.append(primary)
            terms.extra.extend(extra)
            if parts:
                terms.extra.extend(self.lexicon.keys_in(list(parts)))
            if token in COMPOUND_FIRST and position + 1 < len(tokens):
                # عبد الرحيم is also written عبدالرحيم, أبو ظبي أبوظبي.
                terms.extra.append(stem(token + tokens[position + 1]))
        terms.extra.extend(self.lexicon.keys_in(tokens))
        return terms

    # Queries

    def parse(self, query: str) -> "Query":
        return parse_query(query[:MAX_QUERY_LENGTH], self)

    def query_words(self, text: str) -> list[str]:
        return words(text)

    def word_alternatives(self, word: str) -> set[str]:
        """What one query word may match: its stem, and its name key if any."""
        alternatives = {stem(word)} | {stem(form) for form in hamza_forms(word)}
        key = self.lexicon.key(word)
        if key:
            alternatives.add(key)
        return alternatives


# Titles that copy often glues to the name before or after them, as in the
# staff line «هارونرئيس التحرير».  Normalized forms.
GLUED_TITLES = (
    "الرءيس", "رءيس", "الوزير", "وزير", "المدير", "مدير", "ناءب", "امين",
    "سفير", "الشيخ", "الدكتور", "السيد", "الامير", "الملك",
)  # fmt: skip


@lru_cache(maxsize=200_000)
def token_terms(token: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """One word's primary stem, its extra terms, and the words glued in it."""
    stems = index_stems(token)
    extra = list(stems[1:])
    extra += [stem(form) for form in hamza_forms(token)]
    parts = glued_parts(token)
    for part in parts:
        extra.extend(index_stems(part))
    return stems[0], tuple(extra), tuple(parts)


# The first words of compound names, written with or without a space.
COMPOUND_FIRST = ("عبد", "ابو")


def glued_parts(token: str) -> list[str]:
    """The words inside a token that glues two together, or nothing.

    عبدالرحيم and أبوظبي are split after their first word;
    المدرسةالجديدة and الرئيسالأمريكي are split where an article starts inside
    the token after at least three letters (الاستقلال is left alone: the split
    needs three letters on either side of ال); هارونرئيس where a title from
    ``GLUED_TITLES`` begins or ends it.  The parts are indexed beside the
    token, never instead of it.
    """
    if len(token) < 6:
        return []
    for first in COMPOUND_FIRST:
        if token.startswith(first) and len(token) - len(first) >= 3:
            return [first, token[len(first) :]]
    parts = GLUED_ARTICLE.split(token) if len(token) >= 7 else [token]
    if len(parts) > 1:
        return parts
    for title in GLUED_TITLES:
        if token.endswith(title) and len(token) - len(title) >= 3:
            return [token[: -len(title)], title]
        if token.startswith(title) and len(token) - len(title) >= 3:
            return [title, token[len(title) :]]
    return []


def hamza_forms(word: str) -> list[str]:
    """A word with a hamza inside, as copy that drops its seat writes it.

    جائزة is often typed جايزة and مؤسسة موسسة: the hamza becomes the letter
    that carried it.  Normalization has made every seat a lone ء.
    """
    if "ء" not in word[1:-1]:
        return []
    return [word.replace("ء", "ي"), word.replace("ء", "و")]


@dataclass
class Term:
    """One required or excluded word: any of its alternatives matches."""

    alternatives: frozenset[str]
    text: str


@dataclass
class Query:
    terms: list[Term] = field(default_factory=list)
    # Quoted phrases: their words are also required terms; that they stand
    # together is checked on the text (``phrase_at``), as both backends can.
    phrases: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    # Every normalized query word and name key, for highlighting snippets.
    highlight: set[str] = field(default_factory=set)

    def __bool__(self):
        return bool(self.terms)


QUERY_PART = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')


def parse_query(raw: str, analyzer: Analyzer) -> Query:
    """Words must all match; "quoted words" as a phrase; -word excluded."""
    query = Query()
    loose: list[str] = []
    phrase_terms: list[Term] = []
    for match in QUERY_PART.finditer(raw.replace("”", '"').replace("“", '"')):
        minus = match.group(1) or match.group(3)
        text = match.group(2) if match.group(2) is not None else match.group(4)
        tokens = analyzer.query_words(text)
        if not tokens:
            continue
        if minus:
            query.excluded.extend(terms_for(tokens, analyzer))
        elif match.group(2) is not None and len(tokens) > 1:
            phrase = word_terms(tokens, analyzer)
            query.phrases.append(phrase)
            phrase_terms.extend(phrase)
        else:
            loose.extend(tokens)
    required = terms_for(loose, analyzer)
    meaningful = [t for t in required if t.text not in STOPWORDS]
    query.terms = (
        meaningful if (meaningful or phrase_terms) else required
    ) + phrase_terms
    for term in query.terms:
        query.highlight.update(term.alternatives)
    return query


def word_forms(analyzer: Analyzer, token: str) -> set[str]:
    """Everything one indexed word can be matched as."""
    forms = set(index_stems(token))
    key = analyzer.lexicon.key(token)
    if key:
        forms.add(key)
    return forms


def phrase_at(text: str, phrase: list[Term], analyzer: Analyzer) -> bool:
    """Do the phrase's words stand together, in order, somewhere in ``text``?"""
    forms = [word_forms(analyzer, token) for token in words(text)]
    size = len(phrase)
    return any(
        all(phrase[j].alternatives & forms[i + j] for j in range(size))
        for i in range(len(forms) - size + 1)
    )


def terms_for(tokens: list[str], analyzer: Analyzer) -> list[Term]:
    """One term per word, or per name spelled over several words."""
    terms, position = [], 0
    for start, end, key in analyzer.lexicon.spans(tokens):
        terms.extend(word_terms(tokens[position:start], analyzer))
        terms.append(Term(frozenset({key}), " ".join(tokens[start:end])))
        position = end
    terms.extend(word_terms(tokens[position:], analyzer))
    return terms


def word_terms(tokens, analyzer):
    return [Term(frozenset(analyzer.word_alternatives(t)), t) for t in tokens]
