"""Page timings at scale: the same pages rendered with 10,000 to 1,000,000
articles in the database.

Run by hand, not by CI, on archives made by generate.py, smallest first (the
first is the reference the others are compared with):

    for n in 10000 100000 1000000; do
        psql -h 127.0.0.1 -U postgres -c "create database minbar_scale_$n"
        .venv/bin/python bench/scale/generate.py --articles $n \\
            --database postgres://postgres@127.0.0.1:5432/minbar_scale_$n
    done
    .venv/bin/python bench/scale/pages.py \\
        postgres://postgres@127.0.0.1:5432/minbar_scale_10000 \\
        postgres://postgres@127.0.0.1:5432/minbar_scale_100000 \\
        postgres://postgres@127.0.0.1:5432/minbar_scale_1000000

Each database is measured in a process of its own, with the app's page cache
off (MINBAR_PAGE_CACHE=0): what is timed is rendering, the cost a request
pays when no cache has the page.  For each page type it renders --pages
different pages (articles drawn at random over the whole archive, every
section's first page, writers' pages, section pages deep in the archive),
each twice, and times the second rendering through Django's test client:
the full middleware stack and template, without a network.  It prints the
median and 99th percentile per page type, and each archive's figures as a
ratio of the first archive's.  Search is left out: generate.py's archive is
not indexed unless --index (bench/search measures search at 1,000,000).
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("databases", nargs="+", help="database URLs, smallest first")
    parser.add_argument("--pages", type=int, default=200, help="pages per type")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def measure_one(database_url, pages):
    """Runs in its own process: Django is set up once per database."""
    os.environ["MINBAR_PAGE_CACHE"] = "0"
    sys.path.insert(0, str(REPO))
    from bench.search.run import setup_django

    setup_django(database_url, REPO / "var" / "bench")
    from django.test import Client

    from minbar.newsroom.models import ArticlePage, Author, SectionPage

    random.seed(1)
    total = ArticlePage.objects.live().count()
    highest = ArticlePage.objects.order_by("-public_id").values_list(
        "public_id", flat=True
    )[0]
    ids = set()
    while len(ids) < pages:
        wanted = random.randint(1, highest)
        found = (
            ArticlePage.objects.live()
            .filter(public_id__gte=wanted)
            .order_by("public_id")
            .values_list("public_id", flat=True)
            .first()
        )
        if found is not None:
            ids.add(found)
    sections = [s.url for s in SectionPage.objects.live().filter(depth=3)]
    writers = [f"/writers/{a.slug}/" for a in Author.objects.all()]
    deep = [f"{url}?page=50" for url in sections]
    kinds = {
        "article": [f"/{n}" for n in sorted(ids)],
        "home": ["/"] * min(pages, 50),
        "section": sections,
        "section, page 50": deep,
        "writer": writers,
    }
    client = Client()
    results = {"articles": total}
    for kind, paths in kinds.items():
        times = []
        for path in paths:
            first = client.get(path)
            if first.status_code != 200:
                raise SystemExit(f"{path}: {first.status_code}")
            began = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - began) * 1000)
        results[kind] = {
            "pages": len(paths),
            "p50": statistics.median(times),
            "p99": percentile(times, 0.99),
        }
    print(json.dumps(results))


def main():
    args = parse_args()
    if args.one:
        measure_one(args.databases[0], args.pages)
        return
    rows = []
    for url in args.databases:
        command = [sys.executable, __file__, url, "--one", "--pages", str(args.pages)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(done.stderr[-2000:])
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print("Rendering times (ms, second rendering, page cache off), this machine")
    reference = rows[0]
    kinds = [k for k in reference if k != "articles"]
    for kind in kinds:
        print(f"\n{kind}")
        print(f"  {'articles':>10} {'pages':>6} {'p50':>8} {'p99':>8} {'p50 ×':>7}")
        for row in rows:
            figures = row[kind]
            ratio = figures["p50"] / reference[kind]["p50"]
            print(
                f"  {row['articles']:>10,} {figures['pages']:>6} "
                f"{figures['p50']:>8.1f} {figures['p99']:>8.1f} {ratio:>7.2f}"
            )


if __name__ == "__main__":
    main()
