"""Publish benchmark: how soon a published article shows through the cache.

Run by hand, not by CI:

    .venv/bin/python bench/publish/run.py                    # SQLite, 10 publishes
    .venv/bin/python bench/publish/run.py --publishes 30 --workers 3
    .venv/bin/python bench/publish/run.py \\
        --database postgres://postgres@127.0.0.1:5432/minbar_publish_bench

It starts the stack of bench/http/stack.py: a fresh demo newsroom with the
seed article (a new SQLite file in var/bench/publish/; a PostgreSQL database
should be new and empty), ``minbar serve`` and Varnish with deploy/'s VCL in
front of it.  It warms the cache for the home page, the seed article's page
(which no publish touches) and /feed/, then --publishes times:

- publishes a new article with a headline of its own, in this process, as
  ``minbar ingest --publish`` does: ``minbar.ingest.services.receive`` with
  ``Destination(publish=True)``, which purges Varnish by xkey when its
  transaction commits.  The clock starts just before that call, so neither
  Python's nor Django's start-up is counted;
- polls the three pages through Varnish every 10 ms until the headline shows
  on the home page (outside its ticker), in the ticker of the article page,
  and in the feed, and records each delay;
- warms the three pages again before the next publish.

Before that, every app worker renders the pages a few times, and a first
publish is not counted: the bench measures a server and a newsroom that have
been up for a while, not their first request.

The budget: every surface within 1000 ms of the publish.
"""

import argparse
import os
import re
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.http.stack import (
    REPO,
    SEED,
    SEED_ARTICLE,
    Stack,
    code_version,
    describe_database,
    fetch,
    load_average,
    stop_on_sigterm,
    until_cached,
)

DATA_DIR = REPO / "var" / "bench" / "publish"
BUDGET_MS = 1000
POLL = 0.010  # seconds between two looks at a page
GIVE_UP = 30  # seconds: a surface that has not shown the headline by then
SECTION = ("economy", "اقتصاد")  # a section of the demo newsroom
TICKER = re.compile(r'<section class="ticker".*?</section>', re.DOTALL)
stopping = threading.Event()  # set on the way out: the pollers give up


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--publishes", type=int, default=10)
    parser.add_argument("--workers", type=int, help="minbar serve's workers")
    parser.add_argument("--database", default="", help="a PostgreSQL URL")
    parser.add_argument("--seed", type=Path, default=SEED, help="the seed bundle")
    return parser.parse_args()


def outside_ticker(page: str) -> str:
    return TICKER.sub("", page)


def in_ticker(page: str) -> str:
    return "".join(TICKER.findall(page))


def whole(page: str) -> str:
    return page


# Where each surface is, and which part of it must show the headline.
SURFACES = {
    "home page": ("/", outside_ticker),
    f"ticker of {SEED_ARTICLE}": (SEED_ARTICLE, in_ticker),
    "feed": ("/feed/", whole),
}


def set_up_django(stack: Stack) -> None:
    """This process as the app servers are set up, the front cache included."""
    os.environ.update(
        {
            name: stack.env[name]
            for name in ("DJANGO_SETTINGS_MODULE", "DEBUG", "MINBAR_DATA_DIR")
        }
    )
    os.environ["FRONT_CACHES"] = stack.cache
    os.environ.pop("DATABASE_URL", None)
    if "DATABASE_URL" in stack.env:
        os.environ["DATABASE_URL"] = stack.env["DATABASE_URL"]
    import django

    django.setup()


def warm(stack: Stack) -> dict[str, str]:
    """Each page, until Varnish answers from its cache."""
    return {
        name: until_cached(stack.cache + path) for name, (path, _) in SURFACES.items()
    }


def warm_app(stack: Stack) -> None:
    """Every app worker renders each page a few times, as in a server that
    has been up for a while: a worker's first page costs much more."""
    paths = [path for path, _part in SURFACES.values()] + ["/_fragments/ticker"]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda path: fetch(stack.app + path, 120), paths * 10))


def wire_item(run: str, number: int):
    from minbar.ingest.items import Subject, WireItem

    slug, name = SECTION
    return WireItem(
        format="ninjs",
        guid=f"urn:minbar:bench:publish:{run}:{number}",
        version="1",
        language="ar",
        headline=f"خبر لقياس سرعة النشر رقم {number} من الجولة {run}",
        body_html="<p>نص قصير لخبر يقيس الوقت بين النشر وظهوره للقراء.</p>",
        subjects=[Subject(name, kind="section", code=slug)],
    )


def first_sight(url: str, headline: str, part, began: float) -> float | None:
    """Milliseconds from ``began`` until the headline is in ``part`` of the page."""
    while True:
        _status, _headers, body = fetch(url)
        seen = time.perf_counter()
        if headline in part(body.decode()):
            return (seen - began) * 1000
        if seen - began > GIVE_UP or stopping.is_set():
            return None
        time.sleep(POLL)


def publish_and_watch(stack: Stack, pollers, run: str, number: int) -> dict:
    """One publish: the call's milliseconds, then each surface's."""
    from minbar.ingest.services import Destination, receive

    item = wire_item(run, number)
    began = time.perf_counter()
    watching = {
        name: pollers.submit(
            first_sight, stack.cache + path, item.headline, part, began
        )
        for name, (path, part) in SURFACES.items()
    }
    outcome = receive(item, f"bench-{number}", Destination("bench", publish=True))
    delays = {"publish call": (time.perf_counter() - began) * 1000}
    if outcome.outcome != "created":
        sys.exit(f"publish {number}: {outcome.outcome} {outcome.reason}")
    delays.update({name: future.result() for name, future in watching.items()})
    return delays


def render_times(stack: Stack, times: int = 5) -> dict[str, float]:
    """Median milliseconds the app takes to render each surface afresh: a
    query string of its own misses Varnish and the app's page cache."""
    paths = {name: path for name, (path, _part) in SURFACES.items()}
    paths[f"ticker of {SEED_ARTICLE}"] = "/_fragments/ticker"
    medians = {}
    for name, path in paths.items():
        spent = []
        for number in range(times):
            began = time.perf_counter()
            fetch(f"{stack.app}{path}?render={number}")
            spent.append((time.perf_counter() - began) * 1000)
        medians[name] = statistics.median(spent)
    return medians


def ms(value: float | None) -> str:
    return "never" if value is None else f"{value:.0f}"


def print_summary(rows: list[dict]) -> None:
    print()
    print(f"{'':<22}{'min ms':>8}{'median':>8}{'max ms':>8}  within {BUDGET_MS} ms")
    for name in rows[0]:
        values = [row[name] for row in rows]
        seen = [value for value in values if value is not None]
        within = len(seen) == len(values) and max(seen) <= BUDGET_MS
        print(
            f"{name:<22}{ms(min(seen, default=None)):>8}"
            f"{ms(statistics.median(seen) if seen else None):>8}"
            f"{ms(max(seen, default=None)):>8}  {'yes' if within else 'NO'}"
        )
    surfaces = [row[name] for row in rows for name in SURFACES]
    all_within = all(value is not None and value <= BUDGET_MS for value in surfaces)
    print(
        f"every surface of every publish within {BUDGET_MS} ms:"
        f" {'yes' if all_within else 'NO'}"
    )


def publishes(stack: Stack, count: int) -> tuple[list[dict], bool]:
    """Publish ``count`` articles, one line each; whether Ctrl-C stopped it."""
    names = ["publish call", *SURFACES]
    print()
    print(f"{'#':>3}" + "".join(f"{name:>20}" for name in names) + "   (ms)")
    run = time.strftime("%H%M%S")
    rows = []
    pollers = ThreadPoolExecutor(len(SURFACES))
    try:
        # An untimed first publish: this process's first one imports what the
        # ones after it find loaded.
        publish_and_watch(stack, pollers, run, 0)
        warm(stack)
        for number in range(1, count + 1):
            row = publish_and_watch(stack, pollers, run, number)
            rows.append(row)
            print(f"{number:>3}" + "".join(f"{ms(row[n]):>20}" for n in names))
            warm(stack)
    except KeyboardInterrupt:
        print("\ninterrupted: the publishes so far")
        return rows, True
    finally:
        stopping.set()
        pollers.shutdown()
    return rows, False


def main():
    args = parse_args()
    stop_on_sigterm()
    print(f"Minbar publish benchmark, {time.strftime('%Y-%m-%d %H:%M')}")
    print(
        f"machine: {os.cpu_count()} cores, shared by this script (publishing and"
        f" polling), Varnish and the app; {load_average()}"
    )
    print(code_version())
    print(
        f"{args.publishes} publishes into section {SECTION[0]}; the clock starts"
        f" just before receive(); polls every {POLL * 1000:.0f} ms through Varnish;"
        f" database: {describe_database(args.database)}"
    )
    with Stack(DATA_DIR, args.database) as stack:
        print("setting up the demo newsroom and the seed article...", flush=True)
        stack.set_up_site(args.seed)
        stack.start_app(args.workers)
        stack.start_varnish()
        set_up_django(stack)
        warm_app(stack)
        cached = warm(stack)
        print("warm: " + ", ".join(f"{n} {s}" for n, s in cached.items()))
        if set(cached.values()) != {"200 hit"}:
            sys.exit(
                f"the cache could not be warmed; the app's log:\n{stack.log('app')}"
            )
        rows, interrupted = publishes(stack, args.publishes)
        renders = {} if interrupted else render_times(stack)
    if rows:
        print_summary(rows)
    if renders:
        print(
            "the app's rendering of each, uncached (median of 5, direct): "
            + ", ".join(f"{name} {ms(value)} ms" for name, value in renders.items())
        )
    print(f"at the end: {load_average()}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:  # the servers are stopped by then
        sys.exit("\ninterrupted")
