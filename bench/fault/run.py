"""Fault benchmark: readers' traffic while the editors publish and parts fail.

Run by hand, not by CI:

    .venv/bin/python bench/fault/run.py                      # 60 s of traffic
    .venv/bin/python bench/fault/run.py --duration 20 --outage 20   # a quicker look

It starts the production stack on loopback: PostgreSQL (a database of its own,
made afresh: --database), a Redis server of its own on a free port (so that
stopping it leaves the machine's Redis alone), ``minbar serve`` with the
production settings, Varnish with deploy/'s VCL, and ``minbar worker``.  Then
three phases, each with wrk (2 threads, 64 connections) sending mixed reader
traffic through Varnish (the seed article, the home page, a section page and
searches, in turn) while this process publishes a new article every
--publish-every seconds, as ``minbar ingest --publish`` does, and polls the
home page through Varnish until each headline shows there:

1. all up, for --duration seconds;
2. Redis stopped, for --outage seconds; then Redis started again, and one
   more publish must show on the home page and in the seed article's ticker;
3. the worker stopped: a publish must still show, and an embargoed story
   whose time passes while the worker is down must go live once it is back
   (its scheduled-publishing task runs at the top of each minute).

Each phase prints wrk's figures (requests, req/s, p99, errors) and the
publishes (how many, how many showed, the slowest).  Errors are wrk's socket
errors and responses other than 2xx or 3xx; the app's log is searched for
tracebacks too.
"""

import argparse
import datetime
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.http.stack import (
    MINBAR,
    REPO,
    SEED,
    SEED_ARTICLE,
    Stack,
    code_version,
    fetch,
    free_port,
    load_average,
    stop_on_sigterm,
    until_cached,
)
from bench.publish.run import in_ticker, outside_ticker, wire_item

DATA_DIR = REPO / "var" / "bench" / "fault"
MIXED_LUA = Path(__file__).resolve().parent / "mixed.lua"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/minbar_fault_bench"
CONNECTIONS = 64
VISIBLE_WITHIN = 10  # seconds a publish may take to show before it counts as lost
SEARCHES = ["كوريا", "الرئيس", "الحكومة", "اقتصاد", "مجلس"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="phase 1, seconds")
    parser.add_argument("--outage", type=int, default=30, help="phase 2, seconds")
    parser.add_argument("--publish-every", type=float, default=3.0)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--seed", type=Path, default=SEED, help="the seed bundle")
    return parser.parse_args()


def new_database(url: str) -> None:
    """Drop and create the database the URL names: the bench's own."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def production(stack: Stack, redis_url: str) -> None:
    """The app servers' environment: the production settings, on loopback."""
    stack.env.update(
        {
            "DJANGO_SETTINGS_MODULE": "minbar.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "REDIS_URL": redis_url,
            "SECURE_SSL_REDIRECT": "0",  # no TLS terminator here
            "LOG_LEVEL": "WARNING",
        }
    )


def set_up_django(stack: Stack) -> None:
    """This process as an editor's: the app servers' settings."""
    os.environ.update({k: v for k, v in stack.env.items() if k != "PYTHONPATH"})
    import django

    django.setup()


# Servers that come and go ---------------------------------------------------


def stop(stack: Stack, name: str) -> None:
    for entry in list(stack.processes):
        if entry[0] == name:
            stack.processes.remove(entry)
            entry[1].terminate()
            entry[1].wait(timeout=30)


def start_redis(stack: Stack, port: int) -> None:
    stack.start(
        "redis",
        [shutil.which("redis-server") or "redis-server", "--port", str(port),
         "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    )  # fmt: skip
    deadline = time.monotonic() + 10
    ping = ["redis-cli", "-p", str(port), "ping"]
    while subprocess.run(ping, capture_output=True, check=False).stdout != b"PONG\n":
        if time.monotonic() > deadline:
            sys.exit(f"redis did not start:\n{stack.log('redis')}")
        time.sleep(0.1)


def start_worker(stack: Stack) -> None:
    stack.start("worker", [*MINBAR, "worker"])


# Traffic and publishes ------------------------------------------------------


def paths(section: str) -> list[str]:
    searches = [f"/search/?q={urllib.parse.quote(word)}" for word in SEARCHES]
    return [SEED_ARTICLE, "/", section, *searches]


def traffic(stack: Stack, seconds: int, section: str) -> dict:
    """wrk's figures for ``seconds`` of mixed traffic through Varnish."""
    command = ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{seconds}s",
               "--timeout", "10s", "--latency", "-s", str(MIXED_LUA),
               stack.cache, "--", *paths(section)]  # fmt: skip
    output = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    for line in output.splitlines():
        if line.startswith("wrk-json "):
            return json.loads(line.removeprefix("wrk-json "))
    sys.exit(f"wrk printed no figures:\n{output}")


def publish(item, expected="created") -> str:
    """Receive a story as the wire brings it; what went wrong, if anything."""
    from minbar.ingest.services import Destination, receive

    outcome = receive(item, "fault-bench", Destination("fault-bench", publish=True))
    if outcome.outcome != expected:
        return f"{outcome.outcome}: {outcome.reason}"
    return ""


def seconds_until_shown(url: str, headline: str, part, began: float, limit: float):
    """Seconds from ``began`` until the headline is in ``part`` of the page."""
    while time.monotonic() - began < limit:
        status, _headers, body = fetch(url, timeout=limit)
        if status == 200 and headline in part(body.decode()):
            return time.monotonic() - began
        time.sleep(0.02)
    return None


class Editor(threading.Thread):
    """Publishes every ``every`` seconds until stopped; records each delay."""

    def __init__(self, stack: Stack, run: str, every: float):
        super().__init__(daemon=True)
        self.stack, self.run_name, self.every = stack, run, every
        self.number = 0
        self.delays: list[float | None] = []
        self.failures: list[str] = []
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.wait(self.every):
            self.number += 1
            item = wire_item(self.run_name, self.number)
            began = time.monotonic()
            failure = publish(item)
            if failure:
                self.failures.append(failure)
                continue
            self.delays.append(
                seconds_until_shown(
                    self.stack.cache + "/", item.headline, outside_ticker, began,
                    VISIBLE_WITHIN,
                )
            )  # fmt: skip

    def stop(self):
        self.stopping.set()
        self.join()


def phase(stack: Stack, title: str, seconds: int, section: str, args, run: str):
    editor = Editor(stack, run, args.publish_every)
    editor.start()
    figures = traffic(stack, seconds, section)
    editor.stop()
    return report(title, figures, editor)


def report(title: str, figures: dict, editor: Editor) -> bool:
    errors = sum(figures["errors"].values())
    p99 = figures["p99_us"] / 1000
    shown = [delay for delay in editor.delays if delay is not None]
    slowest = f"{max(shown) * 1000:.0f} ms" if shown else "-"
    median = f"{statistics.median(shown) * 1000:.0f} ms" if shown else "-"
    print(f"\n{title}")
    print(
        f"  readers: {figures['requests']:,} requests in {figures['seconds']:.0f} s,"
        f" {figures['requests_per_s']:,.0f} req/s, p99 {p99:.1f} ms,"
        f" errors {errors} {figures['errors']}"
    )
    print(
        f"  publishes: {len(editor.delays) + len(editor.failures)},"
        f" failed {len(editor.failures)}, shown on the home page"
        f" {len(shown)}/{len(editor.delays)}; median {median}, slowest {slowest}"
    )
    for failure in editor.failures[:3]:
        print(f"    {failure}")
    return errors == 0 and not editor.failures and len(shown) == len(editor.delays)


def one_publish_shows(stack: Stack, run: str, number: int, label: str) -> bool:
    """A publish shows on the home page and in the seed article's ticker."""
    item = wire_item(run, number)
    began = time.monotonic()
    failure = publish(item)
    if failure:
        print(f"  {label}: the publish failed: {failure}")
        return False
    home = seconds_until_shown(
        stack.cache + "/", item.headline, outside_ticker, began, VISIBLE_WITHIN
    )
    ticker = seconds_until_shown(
        stack.cache + SEED_ARTICLE, item.headline, in_ticker, began, VISIBLE_WITHIN
    )
    print(f"  {label}: home page {ms(home)}, ticker of {SEED_ARTICLE} {ms(ticker)}")
    return home is not None and ticker is not None


def ms(seconds: float | None) -> str:
    return "not shown" if seconds is None else f"{seconds * 1000:.0f} ms"


def tracebacks(stack: Stack, name: str) -> int:
    return stack.log(name, lines=100_000).count("Traceback")


def main():
    args = parse_args()
    stop_on_sigterm()
    print(f"Minbar fault benchmark, {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"machine: {os.cpu_count()} cores, shared by all; {load_average()}")
    print(code_version())
    print(
        f"wrk 2 threads, {CONNECTIONS} connections through Varnish; a publish every"
        f" {args.publish_every:g} s; shown = on the home page within {VISIBLE_WITHIN} s"
    )
    run = time.strftime("%H%M%S")
    verdicts = {}
    new_database(args.database)
    with Stack(DATA_DIR, args.database) as stack:
        print("setting up the demo newsroom and the seed article...", flush=True)
        stack.set_up_site(args.seed)
        redis_port = free_port()
        start_redis(stack, redis_port)
        production(stack, f"redis://127.0.0.1:{redis_port}/0")
        subprocess.run(
            [*MINBAR, "collectstatic", "--noinput"], env=stack.env, cwd=REPO,
            stdout=subprocess.DEVNULL, check=True,
        )  # fmt: skip
        stack.start_app()
        stack.start_varnish()
        start_worker(stack)
        set_up_django(stack)
        from bench.http.run import first_section

        section = first_section(fetch(stack.cache + "/")[2].decode())
        for path in paths(section):
            until_cached(stack.cache + path)

        verdicts["all up"] = phase(
            stack, f"1. all up, {args.duration} s", args.duration, section, args, run
        )

        stop(stack, "redis")
        verdicts["Redis stopped"] = phase(
            stack, f"2. Redis stopped, {args.outage} s", args.outage, section,
            args, run + "r",
        )  # fmt: skip
        start_redis(stack, redis_port)
        verdicts["after Redis"] = one_publish_shows(
            stack, run + "a", 1, "Redis started again, one publish"
        )

        print("\n3. the worker stopped")
        stop(stack, "worker")
        verdicts["worker stopped"] = one_publish_shows(
            stack, run + "w", 1, "a publish with the worker stopped"
        )
        embargo = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=5)
        item = wire_item(run + "e", 1)
        item.embargoed = embargo
        failure = publish(item, expected="held")  # scheduled for its time
        time.sleep(8)
        _status, _headers, home = fetch(stack.cache + "/")
        early = item.headline in outside_ticker(home.decode())
        print(
            f"  an embargoed story, its time passed with the worker down:"
            f" {'shown (too early!)' if early else 'not shown yet'}"
            + (f" ({failure})" if failure else "")
        )
        start_worker(stack)
        began = time.monotonic()
        live = seconds_until_shown(
            stack.cache + "/", item.headline, outside_ticker, began, 75
        )
        print(f"  the worker started again: the story shown after {ms(live)}")
        verdicts["embargo after the worker"] = live is not None and not early
        # The worker's queue is in Redis: it logs the outage, then carries on.
        print(
            f"\ntracebacks in the app servers' log: {tracebacks(stack, 'app')};"
            f" in the worker's: {tracebacks(stack, 'worker')}"
        )
        verdicts["no error in the app's log"] = tracebacks(stack, "app") == 0
        if tracebacks(stack, "app"):
            print(stack.log("app", 40))

    print()
    for name, passed in verdicts.items():
        print(f"{name:<28}{'yes' if passed else 'NO'}")
    print(f"at the end: {load_average()}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("\ninterrupted")
