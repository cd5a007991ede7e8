"""Sitemap memory at scale: peak memory of the sitemap index and its largest file.

Run by hand, not by CI, on an archive made by generate.py:

    .venv/bin/python bench/scale/generate.py --articles 1000000 --years 1 \\
        --database postgres://postgres@127.0.0.1:5432/minbar_scale
    .venv/bin/python bench/scale/sitemaps.py \\
        --database postgres://postgres@127.0.0.1:5432/minbar_scale

(``--years 1`` puts about 83,000 articles in each month, so every month is
split into parts at the protocol's 50,000 URLs.)  For ``/sitemap.xml`` and
for the largest child file it prints the URLs and bytes served, the peak of
Python allocations while the response is produced and read (tracemalloc),
and how much the process's resident memory grew, beside the same figures
for the pages sitemap (a few dozen URLs) as the reference measured in the
same run: bounded memory means the large files cost about what a small one
does, not memory in proportion to their URLs.
"""

import argparse
import re
import resource
import sys
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench" / "search"))

from run import setup_django  # noqa: E402  (the search bench's set-up)


def resident_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(client, path):
    """Serve ``path`` and read it as a crawler would, a chunk at a time."""
    tracemalloc.start()
    before = resident_mb()
    began = time.perf_counter()
    response = client.get(path)
    size = urls = 0
    content = response.streaming_content if response.streaming else [response.content]
    for chunk in content:
        size += len(chunk)
        urls += chunk.count(b"<loc>")
    seconds = time.perf_counter() - began
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 200, (path, response.status_code)
    return {
        "path": path,
        "urls": urls,
        "mb": size / 1e6,
        "peak_mb": peak / 1e6,
        "rss_growth_mb": resident_mb() - before,
        "seconds": seconds,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    args = parser.parse_args()
    data_dir = REPO / "var" / "bench"
    data_dir.mkdir(parents=True, exist_ok=True)
    setup_django(args.database, data_dir)

    from django.test import Client

    from minbar.newsroom.models import ArticlePage
    from minbar.syndication import sitemaps

    client = Client(SERVER_NAME="127.0.0.1")
    articles = ArticlePage.objects.live().count()
    files = sitemaps.month_files()
    print(f"{articles:,} live articles, {len(files)} monthly sitemap files")
    measure(client, "/sitemap-pages.xml")  # warm up: imports, templates, caches
    reference = measure(client, "/sitemap-pages.xml")
    index = measure(client, "/sitemap.xml")
    # The largest child: a month's first part holds the most URLs.
    sizes = {}
    for file in files:
        sizes[file.name] = min(
            sitemaps.MAX_URLS,
            sitemaps.month_rows(file.year, file.month, file.part).count(),
        )
    largest = max(sizes, key=sizes.get)
    child = measure(client, f"/{largest}")
    rows = [reference, index, child]
    print(f"{'file':34}{'URLs':>9}{'MB':>8}{'peak MB':>9}{'RSS +MB':>9}{'s':>7}")
    for row in rows:
        name = re.sub(r"^/", "", row["path"])
        print(
            f"{name:34}{row['urls']:>9,}{row['mb']:>8.2f}{row['peak_mb']:>9.2f}"
            f"{row['rss_growth_mb']:>9.1f}{row['seconds']:>7.2f}"
        )
    print(
        f"peak ratio, largest child / pages sitemap: "
        f"{child['peak_mb'] / reference['peak_mb']:.1f} "
        f"for {child['urls'] / max(reference['urls'], 1):,.0f}x the URLs"
    )


if __name__ == "__main__":
    main()
