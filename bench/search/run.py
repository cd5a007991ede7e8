"""Search benchmark: indexing throughput and query latency on a large archive.

Run by hand, not by CI:

    .venv/bin/python bench/search/run.py --articles 100000                # SQLite
    .venv/bin/python bench/search/run.py --articles 1000000 \\
        --database postgres://postgres@127.0.0.1:5432/minbar_bench         # PostgreSQL

It builds an archive by recombining real paragraphs (the demo bundle, the
relevance corpus and the seed article when ../shared is there): each article
takes a headline, a summary and four to seven paragraphs drawn from different
texts.  The archive goes into a database of its own (never the demo's), into
Minbar's index through Minbar's analysis, and beside it into a raw full-text
index of the same text with the database's stock tokenizer (FTS5 unicode61,
or PostgreSQL's 'simple' configuration): the baseline.

It prints documents per second for both indexes, and p50/p95 latency of a
query mix (the judged relevance queries, single headline words, two-word
pairs and name variants) for Minbar's search and for the baseline, measured
in the same run, each query run twice and the second run timed.
"""

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from multiprocessing import Pool
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))


def setup_django(database_url, data_dir):
    os.environ["DATABASE_URL"] = database_url
    os.environ["MINBAR_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minbar.settings.dev")
    import django

    django.setup()


# Source text.


def paragraph_pool():
    texts = []
    for path in (REPO / "minbar" / "demo" / "bundle" / "items").glob("*.json"):
        item = json.loads(path.read_text(encoding="utf-8"))
        body = item["bodies"][0]["value"]
        texts.append(
            (
                item["headlines"][0]["value"],
                [re.sub("<[^>]+>", "", p) for p in re.findall(r"<p>(.*?)</p>", body)],
            )
        )
    for path in (REPO / "minbar" / "search" / "relevance").glob("corpus-*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            texts.append((doc["headline"], [doc["summary"], *doc["body"]]))
    seed = REPO.parent / "shared" / "seed" / "article-33234.txt"
    if seed.exists():
        lines = [line for line in seed.read_text(encoding="utf-8").splitlines() if line]
        texts.append((lines[4], lines[7:]))
    headlines = [h for h, _ in texts]
    paragraphs = [p for _, ps in texts for p in ps if len(p) > 40]
    return headlines, paragraphs


def make_article(n, headlines, paragraphs):
    rng = random.Random(n)  # test data, not security
    return {
        "id": n,
        "headline": rng.choice(headlines),
        "summary": rng.choice(paragraphs)[:200],
        "body": "\n".join(rng.sample(paragraphs, rng.randint(4, 7))),
        "meta": rng.choice(["سياسة", "اقتصاد", "ثقافة", "علوم", "رياضة"]),
    }


def analyse(article):
    """Minbar's analysis of one article, as the site does it."""
    from minbar.search.analysis import Analyzer

    analyzer = _analyzer(Analyzer)
    streams = {}
    for name in ("headline", "summary", "body", "meta"):
        terms = analyzer.field_terms(article[name])
        streams[name] = terms.primary + terms.extra
    return article["id"], index_values(streams)


def analyse_recombined(article):
    """The same terms, from each recombined paragraph analysed once.

    Only for building the large archive quickly: every article is made of
    paragraphs of the pool, so their terms are computed once and joined.
    Indexing throughput is measured with ``analyse`` (see ``build``).
    """
    from minbar.search.analysis import Analyzer

    analyzer = _analyzer(Analyzer)
    paragraphs = _cached.setdefault("paragraphs", {})
    streams = {}
    for name in ("headline", "summary", "body", "meta"):
        streams[name] = []
        for text in article[name].split("\n"):
            if text not in paragraphs:
                paragraphs[text] = analyzer.field_terms(text)
            streams[name].extend(paragraphs[text].primary + paragraphs[text].extra)
    return article["id"], index_values(streams)


def index_values(streams):
    """What the index table receives, built in the worker processes."""
    from django.db import connection

    from minbar.search.backends import FIELDS

    if connection.vendor == "sqlite":
        return tuple(" ".join(streams[name]) for name in FIELDS)
    from minbar.search.backends.postgres import TOP_FIELDS, vector_literal

    return vector_literal(streams), vector_literal(streams, TOP_FIELDS)


_cached = {}


def _analyzer(cls):
    if "analyzer" not in _cached:
        _cached["analyzer"] = cls()
    return _cached["analyzer"]


# Building the two indexes.


# Indexing throughput is timed on the first articles, analysed in full.
MEASURED = 20_000


def build(articles_count, workers, vendor):
    from django.db import connection, transaction

    from minbar.search.backends import FIELDS

    headlines, paragraphs = paragraph_pool()
    batch = 5000
    minbar_seconds = raw_seconds = 0.0
    with Pool(workers) as pool:
        for start in range(1, articles_count + 1, batch):
            articles = [
                make_article(n, headlines, paragraphs)
                for n in range(start, min(start + batch, articles_count + 1))
            ]
            began = time.perf_counter()
            measured = start <= MEASURED
            analysed = pool.map(
                analyse if measured else analyse_recombined, articles, chunksize=200
            )
            with transaction.atomic(), connection.cursor() as cursor:
                # Past the timed articles, the baseline's vector goes in with
                # the same row: updating a million rows would double the table.
                insert_documents(
                    cursor, articles, analysed, vendor, FIELDS, with_raw=not measured
                )
            if measured:
                minbar_seconds += time.perf_counter() - began
                began = time.perf_counter()
                with transaction.atomic(), connection.cursor() as cursor:
                    insert_raw(cursor, articles, vendor)
                raw_seconds += time.perf_counter() - began
            elif vendor == "sqlite":
                with transaction.atomic(), connection.cursor() as cursor:
                    insert_raw(cursor, articles, vendor)
            print(f"  {start + len(articles) - 1:>9} articles", end="\r", flush=True)
    print()
    began = time.perf_counter()
    finish_indexes(vendor)
    index_seconds = time.perf_counter() - began
    return minbar_seconds, raw_seconds, index_seconds, headlines


def insert_documents(cursor, articles, analysed, vendor, fields, with_raw=False):
    """Minbar's index: the document rows and the analysed terms."""
    columns = (
        "page_id, public_id, headline, summary, body, meta, section_path, "
        "article_type, authors, first_published_at"
    )
    values = "%s, %s, %s, %s, %s, %s, '00010001', 'news', '', CURRENT_TIMESTAMP"
    rows = [
        (a["id"], a["id"], a["headline"], a["summary"], a["body"], a["meta"])
        for a in articles
    ]
    if vendor == "sqlite":
        cursor.executemany(
            f"INSERT INTO minbar_search_searchdocument ({columns}) VALUES ({values})",
            rows,
        )
        cursor.executemany(
            f"INSERT INTO minbar_search_fts (rowid, {', '.join(fields)}) VALUES "
            f"(%s, {', '.join(['%s'] * len(fields))})",
            [(i, *values) for i, values in analysed],
        )
    else:
        raw_column, raw_value, raw_params = "", "", []
        if with_raw:
            raw_column = ", raw"
            raw_value = (
                ", setweight(to_tsvector('simple', %s), 'A') "
                "|| to_tsvector('simple', %s)"
            )
        cursor.executemany(
            f"INSERT INTO minbar_search_searchdocument ({columns}, vector, top"
            f"{raw_column}) VALUES ({values}, %s::tsvector, %s::tsvector{raw_value})",
            [
                (
                    *row,
                    *values,
                    *(
                        (a["headline"], f"{a['summary']}\n{a['body']}")
                        if with_raw
                        else raw_params
                    ),
                )
                for row, a, (_i, values) in zip(rows, articles, analysed, strict=True)
            ],
        )


def insert_raw(cursor, articles, vendor):
    if vendor == "sqlite":
        cursor.executemany(
            "INSERT INTO bench_raw (rowid, headline, body) VALUES (%s, %s, %s)",
            [
                (a["id"], a["headline"], f"{a['summary']}\n{a['body']}")
                for a in articles
            ],
        )
    else:
        cursor.executemany(
            "UPDATE minbar_search_searchdocument SET raw = "
            "setweight(to_tsvector('simple', %s), 'A') || to_tsvector('simple', %s) "
            "WHERE page_id = %s",
            [
                (a["headline"], f"{a['summary']}\n{a['body']}", a["id"])
                for a in articles
            ],
        )


def prepare(vendor):
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys = OFF")
            cursor.execute("DELETE FROM minbar_search_fts")
            cursor.execute("DROP TABLE IF EXISTS bench_raw")
            cursor.execute("CREATE VIRTUAL TABLE bench_raw USING fts5(headline, body)")
        else:
            cursor.execute(
                "ALTER TABLE minbar_search_searchdocument "
                "DROP CONSTRAINT IF EXISTS minbar_search_searchdocument_page_id_fkey"
            )
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = "
                "'minbar_search_searchdocument'::regclass AND contype = 'f'"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(
                    f'ALTER TABLE minbar_search_searchdocument DROP CONSTRAINT "{name}"'
                )
            cursor.execute("DROP INDEX IF EXISTS minbar_search_vector")
            cursor.execute("DROP INDEX IF EXISTS minbar_search_top")
            cursor.execute("DROP INDEX IF EXISTS bench_raw")
            cursor.execute(
                "ALTER TABLE minbar_search_searchdocument "
                "ADD COLUMN IF NOT EXISTS raw tsvector"
            )
        cursor.execute("DELETE FROM minbar_search_searchdocument")


def finish_indexes(vendor):
    from django.db import connection

    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                "CREATE INDEX minbar_search_vector ON minbar_search_searchdocument "
                "USING GIN (vector)"
            )
            cursor.execute(
                "CREATE INDEX minbar_search_top ON minbar_search_searchdocument "
                "USING GIN (top)"
            )
            cursor.execute(
                "CREATE INDEX bench_raw ON minbar_search_searchdocument USING GIN (raw)"
            )
            cursor.execute("VACUUM ANALYZE minbar_search_searchdocument")
        else:
            cursor.execute(
                "INSERT INTO minbar_search_fts(minbar_search_fts) VALUES ('optimize')"
            )
            cursor.execute("INSERT INTO bench_raw(bench_raw) VALUES ('optimize')")


# Queries.


def query_mix(headlines, size=300):
    from minbar.search.evaluation import read_relevance_set

    rng = random.Random(7)  # test data, not security
    _corpus, judged = read_relevance_set()
    mix = [q.query for q in judged]
    words = [w for h in headlines for w in h.split() if len(w) > 3]
    names = ["ترمب", "ترامب", "بيونغ يانغ", "أميركا", "غوغل", "شويغو", "بوينج"]
    while len(mix) < size:
        kind = rng.random()
        if kind < 0.4:
            mix.append(rng.choice(words))
        elif kind < 0.8:
            mix.append(" ".join(rng.sample(words, 2)))
        else:
            mix.append(rng.choice(names))
    return mix


def minbar_search(query_text):
    from minbar.search.backends import Filters, get_backend
    from minbar.search.services import analyzer

    query = analyzer().parse(query_text)
    if not query:
        return 0
    return get_backend().search(query, Filters(), "relevance", 0, 10).total


def raw_search(vendor):
    from django.db import connection

    def search(query_text):
        words = re.findall(r"[^\W_]+", query_text)
        if not words:
            return 0
        with connection.cursor() as cursor:
            if vendor == "sqlite":
                expression = " AND ".join(f'"{w}"' for w in words)
                cursor.execute(
                    "SELECT COUNT(*) FROM bench_raw WHERE bench_raw MATCH %s",
                    [expression],
                )
                total = cursor.fetchone()[0]
                cursor.execute(
                    "SELECT rowid FROM bench_raw WHERE bench_raw MATCH %s "
                    "ORDER BY bm25(bench_raw, 10.0, 1.0) LIMIT 10",
                    [expression],
                )
            else:
                cursor.execute(
                    "SELECT COUNT(*) FROM minbar_search_searchdocument d, "
                    "plainto_tsquery('simple', %s) q WHERE d.raw @@ q",
                    [" ".join(words)],
                )
                total = cursor.fetchone()[0]
                cursor.execute(
                    "SELECT page_id FROM minbar_search_searchdocument d, "
                    "plainto_tsquery('simple', %s) q WHERE d.raw @@ q "
                    "ORDER BY ts_rank(d.raw, q) DESC LIMIT 10",
                    [" ".join(words)],
                )
            cursor.fetchall()
            return total

    return search


def latencies(search, queries):
    for query in queries:  # warm up
        search(query)
    timings = []
    for query in queries:
        began = time.perf_counter()
        search(query)
        timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    return (
        statistics.median(timings),
        timings[int(len(timings) * 0.95) - 1],
        timings[-1],
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--database", default="")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument(
        "--reuse", action="store_true", help="skip building; query only"
    )
    args = parser.parse_args()

    data_dir = REPO / "var" / "bench"
    data_dir.mkdir(parents=True, exist_ok=True)
    url = args.database or f"sqlite:///{data_dir / f'search-{args.articles}.sqlite3'}"
    setup_django(url, data_dir)
    from django.db import connection

    vendor = connection.vendor
    print(f"Search benchmark: {args.articles:,} articles on {vendor}")
    if args.reuse:
        headlines, _ = paragraph_pool()
    else:
        prepare(vendor)
        minbar_s, raw_s, index_s, headlines = build(args.articles, args.workers, vendor)
        timed = min(args.articles, MEASURED)
        print(f"indexing the first {timed:,} articles:")
        print(
            f"  Minbar (analysis on {args.workers} processes + insert): "
            f"{timed / minbar_s:,.0f} articles/s"
        )
        print(
            f"  raw baseline (insert, stock tokenizer): {timed / raw_s:,.0f} articles/s"
        )
        print(f"index finishing (GIN build / FTS optimize): {index_s:.0f} s")
    queries = query_mix(headlines)
    print(f"{len(queries)} queries, each run twice; the second run timed")
    minbar = latencies(minbar_search, queries)
    raw = latencies(raw_search(vendor), queries)
    print(f"{'':12}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    print(f"{'minbar':12}{minbar[0]:>10.1f}{minbar[1]:>10.1f}{minbar[2]:>10.1f}")
    print(f"{'raw':12}{raw[0]:>10.1f}{raw[1]:>10.1f}{raw[2]:>10.1f}")
    print(f"p95 ratio minbar/raw: {minbar[1] / raw[1]:.2f}")


if __name__ == "__main__":
    main()
