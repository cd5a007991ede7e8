"""Relevance evaluation: Minbar's search against stock baselines, on judged queries.

The relevance set (``relevance/``) is a corpus of news-style articles written
for Minbar and queries with the articles a reader wants for each.  This loads
the corpus as published articles and measures, for every engine, recall@10
(the share of a query's relevant articles in its first ten results) and MRR
(one over the rank of the first relevant result), overall and per phenomenon.

Engines:

- ``minbar``: Minbar's search as the site runs it (light stemmer);
- ``minbar+snowball``: the same index built with Snowball's Arabic stemmer
  instead, the evidence for choosing the light stemmer;
- ``wagtail``: Wagtail's stock database search over the same pages;
- ``fts5-raw``: SQLite FTS5 with its default tokenizer over the raw text, the
  words of the query ANDed: what a site gets from its database unaided.
"""

import json
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.html import escape
from django.utils.text import slugify

from minbar.arabic.normalize import SPELLING_FOLDS, WORD, YAA_HAMZA, normalize, words
from minbar.arabic.stemming import ARTICLE_PREFIXES, PROCLITICS

from .analysis import Analyzer, FieldTerms, glued_parts, hamza_forms
from .backends import Filters

RELEVANCE_DIR = Path(__file__).resolve().parent / "relevance"
CUTOFF = 10


@dataclass
class Judged:
    query: str
    relevant: list[str]
    phenomenon: str
    collection: str = ""  # which queries file: set a, b, c (tuned on) or d (held out)


@dataclass
class Scores:
    recall: list[float] = field(default_factory=list)
    reciprocal_rank: list[float] = field(default_factory=list)

    def add(self, ranked: list[str], relevant: list[str]):
        top = ranked[:CUTOFF]
        self.recall.append(len(set(top) & set(relevant)) / len(relevant))
        rank = next((i + 1 for i, doc in enumerate(top) if doc in relevant), None)
        self.reciprocal_rank.append(1 / rank if rank else 0.0)

    @property
    def mean_recall(self):
        return sum(self.recall) / len(self.recall) if self.recall else 0.0

    @property
    def mrr(self):
        return (
            sum(self.reciprocal_rank) / len(self.reciprocal_rank)
            if self.recall
            else 0.0
        )


def read_jsonl(paths):
    for path in sorted(paths):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield path.stem.split("-")[-1], json.loads(line)


def read_relevance_set(directory: Path = RELEVANCE_DIR):
    corpus = [doc for _set, doc in read_jsonl(directory.glob("corpus-*.jsonl"))]
    queries = [
        Judged(q["query"], q["relevant"], q.get("phenomenon", ""), f"set {name}")
        for name, q in read_jsonl(directory.glob("queries-*.jsonl"))
    ]
    return corpus, queries


# Loading the corpus as published articles.


def load_corpus(corpus) -> dict[int, str]:
    """Publish every corpus article; returns page id → corpus id."""
    from minbar.newsroom.models import Agency, ArticlePage, Author, SectionPage
    from minbar.public.models import HomePage

    home = HomePage.objects.get()
    sections: dict[str, SectionPage] = {}
    ids = {}
    for number, doc in enumerate(corpus, start=1):
        name = doc.get("section") or "أخبار"
        if name not in sections:
            slug = f"rel-{len(sections) + 1}"
            section = SectionPage.objects.filter(slug=slug).first()
            if section is None:
                section = home.add_child(instance=SectionPage(title=name, slug=slug))
            sections[name] = section
        article = ArticlePage(
            title=doc["headline"],
            summary=doc.get("summary", ""),
            article_type=doc.get("type") or "news",
            public_id=900000 + number,
        )
        article.body = [
            {"type": "paragraph", "value": f"<p>{escape(p)}</p>"}
            for p in doc.get("body", [])
        ]
        sections[name].add_child(instance=article)
        if doc.get("writer"):
            author, _ = Author.objects.get_or_create(
                slug=slugify(doc["writer"], allow_unicode=True) or f"w{number}",
                defaults={"name": doc["writer"]},
            )
            article.authors.add(author)
        if doc.get("agency"):
            agency, _ = Agency.objects.get_or_create(
                name=doc["agency"], defaults={"slug": f"agency-{number}"}
            )
            article.agencies.add(agency)
        article.tags.add(*doc.get("tags", []))
        article.save_revision().publish()
        ids[article.pk] = doc["id"]
    return ids


# Engines: each takes a query and returns corpus ids, best first.


def minbar_engine(ids, analyzer=None):
    from .services import run_search

    def search(query):
        results = run_search(query, Filters(), limit=CUTOFF, text_analyzer=analyzer)
        return [ids[a.pk] for a in results.articles if a.pk in ids]

    return search


def wagtail_engine(ids):
    from minbar.newsroom.models import ArticlePage

    def search(query):
        pages = ArticlePage.objects.live().search(query)[:CUTOFF]
        return [ids[p.pk] for p in pages if p.pk in ids]

    return search


def fts5_engine(corpus):
    database = sqlite3.connect(":memory:")
    database.execute(
        "CREATE VIRTUAL TABLE raw USING fts5(corpus_id UNINDEXED, headline, text)"
    )
    database.executemany(
        "INSERT INTO raw VALUES (?, ?, ?)",
        [
            (
                doc["id"],
                doc["headline"],
                " ".join(
                    [doc.get("summary", ""), *doc.get("body", []), *doc.get("tags", [])]
                ),
            )
            for doc in corpus
        ],
    )

    def search(query):
        words = re.findall(r"[^\W_]+", query.replace("-", " "))
        if not words:
            return []
        expression = " AND ".join('"' + w + '"' for w in words)
        rows = database.execute(
            "SELECT corpus_id FROM raw WHERE raw MATCH ? "
            "ORDER BY bm25(raw, 5.0, 1.0) LIMIT ?",
            [expression, CUTOFF],
        )
        return [row[0] for row in rows]

    return search


class SnowballAnalyzer(Analyzer):
    """Minbar's analysis with Snowball's Arabic stemmer in place of the light one.

    Everything else is the same: normalization (but for the spelling folds,
    which Snowball does its own way and which are applied to its stems),
    proclitics, hamza seats, glued words and name keys.  So the two columns
    differ by the stemmer alone.
    """

    def __init__(self, lexicon):
        import snowballstemmer

        super().__init__(lexicon)
        self.snowball = snowballstemmer.stemmer("arabic")
        self.fold = str.maketrans(SPELLING_FOLDS)

    def stem(self, word):
        return YAA_HAMZA.sub("ء", self.snowball.stemWord(word).translate(self.fold))

    def stems(self, word):
        stems = [self.stem(word)]
        folded = word.translate(self.fold)
        if (
            len(word) >= 4
            and folded.startswith(PROCLITICS)
            and not folded.startswith(ARTICLE_PREFIXES)
        ):
            stems.append(self.stem(word[1:]))
        stems += [self.stem(form) for form in hamza_forms(normalize(word))]
        return stems

    def field_terms(self, text):
        terms = FieldTerms()
        for word in WORD.findall(normalize(text, fold_spelling=False)):
            stems = self.stems(word)
            terms.primary.append(stems[0])
            terms.extra.extend(stems[1:])
            parts = glued_parts(normalize(word))
            terms.extra.extend(self.stem(part) for part in parts)
            terms.extra.extend(self.lexicon.keys_in(parts))
        terms.extra.extend(self.lexicon.keys_in(words(text)))
        return terms

    def query_words(self, text):
        return WORD.findall(normalize(text, fold_spelling=False))

    def word_alternatives(self, word):
        alternatives = set(self.stems(word))
        key = self.lexicon.key(normalize(word))
        if key:
            alternatives.add(key)
        return alternatives


def evaluate(corpus, queries, engines) -> dict[str, dict[str, Scores]]:
    """Scores per engine, per phenomenon (and 'all')."""
    table: dict[str, dict[str, Scores]] = {}
    for name, search in engines.items():
        by_phenomenon: dict[str, Scores] = defaultdict(Scores)
        for judged in queries:
            ranked = search(judged.query)
            by_phenomenon["all"].add(ranked, judged.relevant)
            by_phenomenon[judged.collection].add(ranked, judged.relevant)
            by_phenomenon[judged.phenomenon].add(ranked, judged.relevant)
        table[name] = dict(by_phenomenon)
    return table


def format_table(table) -> str:
    engines = list(table)
    names = {p for scores in table.values() for p in scores} - {"all"}
    sets = sorted(n for n in names if n.startswith("set "))
    phenomena = ["all", *sets, *sorted(names - set(sets))]
    width = max(len(p) for p in phenomena) + 2
    lines = [
        "".ljust(width) + "".join(f"{e:>22}" for e in engines),
        "".ljust(width) + "".join(f"{'recall@10   MRR':>22}" for _ in engines),
    ]
    for phenomenon in phenomena:
        row = phenomenon.ljust(width)
        for engine in engines:
            scores = table[engine].get(phenomenon)
            count = len(scores.recall) if scores else 0
            row += (
                f"{scores.mean_recall:>12.3f}{scores.mrr:>7.3f} ({count:>2})"
                if scores
                else f"{'-':>22}"
            )
        lines.append(row)
    return "\n".join(lines)
