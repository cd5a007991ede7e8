"""HTTP benchmark: the public pages through Varnish and from the app, against
nginx serving the article page as a static file.

Run by hand, not by CI:

    .venv/bin/python bench/http/run.py                       # SQLite, 20 s runs
    .venv/bin/python bench/http/run.py --duration 10 --workers 3
    .venv/bin/python bench/http/run.py \\
        --database postgres://postgres@127.0.0.1:5432/minbar_http_bench

It sets up a fresh demo newsroom with the seed article (a new SQLite file in
var/bench/http/; a PostgreSQL database should be new and empty), then starts,
on loopback (see stack.py):

(a) nginx serving the article page as the app renders it, saved once as a
    static index.html: the reference;
(b) Varnish with deploy/'s VCL in front of (c);
(c) ``minbar serve`` (gunicorn; its default workers, or --workers).

wrk (2 threads) loads the article page, the home page, a section page (the
first of the home page's section navigation) and a search (a word of the seed
headline) at 16 and 64 connections: a 3 s warm-up, then --duration seconds
with report.lua printing the figures.  nginx serves the article only; every
ratio is against nginx's req/s at the same number of connections, in the
nginx run made just before (see ``runs``).
"""

import argparse
import html
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.http.stack import (
    REPO,
    SEED,
    SEED_ARTICLE,
    VCL,
    Stack,
    code_version,
    describe_database,
    fetch,
    load_average,
    stop_on_sigterm,
    until_cached,
)

DATA_DIR = REPO / "var" / "bench" / "http"
REPORT_LUA = Path(__file__).resolve().parent / "report.lua"
WRK_THREADS = 2
WRK_TIMEOUT = "10s"  # wrk's default (2 s) would drop the app's slow answers
WARM_UP = 3  # seconds
# A page's first rendering makes its pictures' renditions: seconds, not ms.
FIRST_RENDERING = 120  # seconds
TARGETS = {"nginx": "nginx static", "varnish": "varnish", "app": "app"}
PAGES = ("article", "home", "section", "search")
REFERENCE = (
    "reference (NOTES.md, this kind of machine, 16 connections): nginx static"
    " ≈ 57,000 req/s (≈ 80,000 at 64); WordPress 6.1 + nginx fastcgi cache"
    " 0.56-0.68 of static; stock Wagtail + Django per-site cache ≈ 2,700;"
    " stock Wagtail uncached ≈ 214 (p99 79 ms); WordPress uncached ≈ 39-43"
)


@dataclass
class Result:
    target: str  # a key of TARGETS
    page: str
    connections: int
    figures: dict  # report.lua's JSON


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds a run")
    parser.add_argument("--workers", type=int, help="minbar serve's workers")
    parser.add_argument("--database", default="", help="a PostgreSQL URL")
    parser.add_argument(
        "--connections", default="16,64", help="comma-separated (default 16,64)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="how many times to repeat the Varnish runs (each after its nginx run);"
        " with more than one, each ratio's median is printed",
    )
    parser.add_argument(
        "--pages",
        default=",".join(PAGES),
        help=f"comma-separated, of {', '.join(PAGES)} (default: all)",
    )
    parser.add_argument("--seed", type=Path, default=SEED, help="the seed bundle")
    parser.add_argument(
        "--vcl",
        type=Path,
        default=VCL,
        help="the VCL to measure (default: deploy/'s); it may include backends.vcl",
    )
    parser.add_argument(
        "--varnish-param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a varnishd parameter (-p), e.g. vsl_mask=-ReqHeader; repeatable",
    )
    return parser.parse_args()


# The pages ------------------------------------------------------------------


def first_section(home: str) -> str:
    """The first link of the home page's section navigation but the home."""
    nav = re.search(r'<nav class="sections".*?</nav>', home, re.DOTALL)
    links = re.findall(r'href="([^"]+)"', nav.group(0) if nav else "")
    return next(link for link in links if link != "/")


def headline_word(article: str) -> str:
    """The first Arabic word (three letters or more) of the page's <h1>."""
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", article, re.DOTALL).group(1)
    text = html.unescape(re.sub(r"<[^>]+>", " ", heading))
    return re.search(r"[\u0621-\u064a]{3,}", text).group(0)


def whole_page(page: bytes) -> bool:
    """A complete page, its ticker in place (as a reader without a front
    cache gets it, and nginx is to serve it)."""
    return page.rstrip().endswith(b"</html>") and b"<esi:" not in page


def saved_article(stack: Stack) -> bytes:
    """The article page as the app serves it to a reader, for nginx."""
    for _attempt in range(3):
        status, _headers, article = fetch(stack.app + SEED_ARTICLE, FIRST_RENDERING)
        if status != 200:
            sys.exit(f"{SEED_ARTICLE}: {status} from the app; was the seed loaded?")
        if whole_page(article):
            return article
        print(
            f"WARNING: the app served {SEED_ARTICLE} incomplete ({len(article):,}"
            " bytes, cut short or with ESI tags); asking again"
        )
    sys.exit(f"{SEED_ARTICLE}: no complete page from the app")


def find_pages(stack: Stack) -> tuple[dict[str, str], bytes, str]:
    """The pages to load, the article as the app serves it, the search word."""
    article = saved_article(stack)
    _status, _headers, home = fetch(stack.app + "/", FIRST_RENDERING)
    word = headline_word(article.decode())
    pages = {
        "article": SEED_ARTICLE,
        "home": "/",
        "section": first_section(home.decode()),
        "search": "/search/?q=" + urllib.parse.quote(word),
    }
    return pages, article, word


def check_pages(stack: Stack, pages: dict[str, str]) -> dict[str, str]:
    """Each page answers 200 from the app, and Varnish from its cache."""
    cached = {}
    for name, path in pages.items():
        status, _headers, _body = fetch(stack.app + path, FIRST_RENDERING)
        if status != 200:
            sys.exit(f"{stack.app}{path}: {status}; the app's log:\n{stack.log('app')}")
        cached[name] = until_cached(stack.cache + path)
        if cached[name] != "200 hit":
            sys.exit(f"{stack.cache}{path}: {cached[name]}, never a cache hit")
    return cached


# wrk ----------------------------------------------------------------------


def wrk(url: str, connections: int, seconds: int, report: bool = True) -> dict:
    command = ["wrk", "-t", str(WRK_THREADS), "-c", str(connections),
               "-d", f"{seconds}s", "--timeout", WRK_TIMEOUT]  # fmt: skip
    if report:
        command += ["--latency", "-s", str(REPORT_LUA)]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    for line in output.splitlines():
        if line.startswith("wrk-json "):
            return json.loads(line.removeprefix("wrk-json "))
    return {}


def runs(pages: dict[str, str], connections: list[int], rounds: int = 1):
    """(target, page, connections) in the order they run.  The machine's speed
    drifts within minutes (nginx alone moved from 58,000 to 52,000 req/s
    between rounds of one script), so each Varnish run comes right after an
    nginx run at the same connections, and is compared with that one.  With
    several rounds, the Varnish runs are repeated: one pair's ratio moved
    between 0.59 and 0.80 from round to round, the median much less."""
    for target in ("varnish", "app"):
        for _round in range(rounds if target == "varnish" else 1):
            for page in pages:
                for count in connections:
                    if target == "varnish" or page == next(iter(pages)):
                        yield "nginx", "article", count
                    yield target, page, count


def measure(stack: Stack, pages, connections, duration, rounds) -> list[Result]:
    bases = {"nginx": stack.static, "varnish": stack.cache, "app": stack.app}
    results = []
    try:
        for target, page, count in runs(pages, connections, rounds):
            url = bases[target] + ("/" if target == "nginx" else pages[page])
            wrk(url, count, WARM_UP, report=False)
            result = Result(target, page, count, wrk(url, count, duration))
            results.append(result)
            print(f"  done: {row(result, results)}", flush=True)
    except KeyboardInterrupt:
        print("\ninterrupted: the runs so far")
    return results


# The report -------------------------------------------------------------


HEADER = (
    f"{'target':<13}{'page':<9}{'conns':>6}{'req/s':>10}{'p50 ms':>9}"
    f"{'p99 ms':>9}{'errors':>8}{'KB/s':>12}{'/nginx':>8}"
)


def row(result: Result, results: list[Result]) -> str:
    f = result.figures
    errors = sum(f["errors"].values())
    ratio = "1"
    if result.target != "nginx":
        nginx = reference(result, results)
        ratio = f"{f['requests_per_s'] / nginx:.3f}" if nginx else "-"
    return (
        f"{TARGETS[result.target]:<13}{result.page:<9}{result.connections:>6}"
        f"{f['requests_per_s']:>10,.0f}{f['p50_us'] / 1000:>9.2f}"
        f"{f['p99_us'] / 1000:>9.2f}{errors:>8}{f['bytes_per_s'] / 1024:>12,.0f}"
        f"{ratio:>8}"
    )


def reference(result: Result, results: list[Result]) -> float | None:
    """nginx's req/s in the last nginx run before this one, at its connections."""
    before = results[: next(i for i, r in enumerate(results) if r is result)]
    return next(
        (
            r.figures["requests_per_s"]
            for r in reversed(before)
            if r.target == "nginx" and r.connections == result.connections
        ),
        None,
    )


def error_details(results: list[Result]) -> list[str]:
    return [
        f"  {TARGETS[r.target]} {r.page} {r.connections}: "
        + ", ".join(f"{kind} {n}" for kind, n in r.figures["errors"].items() if n)
        for r in results
        if any(r.figures["errors"].values())
    ]


def print_table(results: list[Result]) -> None:
    print()
    print(HEADER)
    for result in results:
        print(row(result, results))
    details = error_details(results)
    if details:
        print("errors (connect/read/write/timeout; status = not 2xx/3xx):")
        print("\n".join(details))


def print_rounds(results: list[Result]) -> None:
    """Each Varnish ratio's median over the rounds, when there were several."""
    ratios: dict[tuple[str, int], list[float]] = {}
    for result in results:
        nginx = reference(result, results) if result.target == "varnish" else None
        if nginx:
            ratio = result.figures["requests_per_s"] / nginx
            ratios.setdefault((result.page, result.connections), []).append(ratio)
    if not any(len(values) > 1 for values in ratios.values()):
        return
    print("\nvarnish/nginx over the rounds:")
    for (page, count), values in ratios.items():
        median = statistics.median(values)
        print(
            f"  {page:<8} {count:>3} connections: median {median:.3f}"
            f"  (min {min(values):.3f}, max {max(values):.3f}, {len(values)} rounds)"
        )


def version(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).splitlines()[0].strip()


def print_header(args, workers: int) -> None:
    from minbar.delivery.management.commands.serve import default_workers

    print(f"Minbar HTTP benchmark, {time.strftime('%Y-%m-%d %H:%M')}")
    print(
        f"machine: {os.cpu_count()} cores, shared by wrk ({WRK_THREADS} threads),"
        f" nginx (2 workers), Varnish and the app: compare within one run;"
        f" {load_average()}"
    )
    print(code_version())
    print(
        f"{version(['wrk', '--version'])}; {version(['nginx', '-v'])};"
        f" {version(['varnishd', '-V'])}; Python {platform.python_version()}"
    )
    print(
        f"app: minbar serve, {workers or default_workers()} workers"
        f"{'' if workers else ' (its default)'}; its page cache:"
        f" MINBAR_PAGE_CACHE={os.environ.get('MINBAR_PAGE_CACHE', '(default)')};"
        f" database: {describe_database(args.database)}"
    )
    print(
        f"each run: {WARM_UP} s warm-up, then {args.duration} s, wrk --latency"
        f" --timeout {WRK_TIMEOUT}; no Accept-Encoding (uncompressed)"
    )
    print(REFERENCE)


def main():
    args = parse_args()
    connections = [int(count) for count in args.connections.split(",")]
    chosen = args.pages.split(",")
    unknown = set(chosen) - set(PAGES)
    if unknown:
        names = ", ".join(sorted(unknown))
        sys.exit(f"--pages: no such page {names}; of {', '.join(PAGES)}")
    if args.rounds < 1:
        sys.exit("--rounds: at least 1")
    stop_on_sigterm()
    print_header(args, args.workers)
    with Stack(DATA_DIR, args.database) as stack:
        print("setting up the demo newsroom and the seed article...", flush=True)
        stack.set_up_site(args.seed)
        stack.start_app(args.workers)
        stack.start_varnish(args.varnish_param, args.vcl)
        pages, article, word = find_pages(stack)
        pages = {name: path for name, path in pages.items() if name in chosen}
        stack.start_nginx(article)
        cached = check_pages(stack, pages)
        _status, _headers, assembled = fetch(stack.cache + SEED_ARTICLE)
        print(
            f"article page HTML: {len(article):,} bytes uncompressed as the app"
            f" serves it (nginx's copy); {len(assembled):,} through Varnish"
        )
        if not whole_page(assembled):
            print("WARNING: Varnish served the article incomplete or with ESI tags")
        if args.vcl != VCL:
            print(f"VCL: {args.vcl}")
        for param in args.varnish_param:
            print(f"varnishd -p {param}")
        print("pages:")
        for name, path in pages.items():
            note = f"  ({word})" if name == "search" else ""
            print(f"  {name:<8} {path}{note}  Varnish: {cached[name]}")
        print(flush=True)
        results = measure(stack, pages, connections, args.duration, args.rounds)
    print_table(results)
    print_rounds(results)
    print(f"at the end: {load_average()}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:  # the servers are stopped by then
        sys.exit("\ninterrupted")
