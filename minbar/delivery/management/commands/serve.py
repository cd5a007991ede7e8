"""`minbar serve`: the app server (gunicorn) for production and benchmarks.

Gunicorn's pre-forked workers suit a CPU-bound Django app: each worker
renders one page at a time, and two per core (WEB_CONCURRENCY) keep the
cores busy while one of them waits on the database.  Slow clients are the
front cache's business: Varnish (or nginx) reads the whole request before
passing it on.  Threads (WEB_THREADS) are there for a database far away;
rendering pages at 16 connections on two cores, five workers of two
threads served 130 to 280 requests a second with a p99 of 150 to 260 ms,
four single-threaded workers 259 to 263 with a p99 under 85 ms
(measured by hand, with the page cache off).
"""

import os

from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication


def default_workers() -> int:
    return int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1))


class App(BaseApplication):
    def __init__(self, options):
        self.options = options
        super().__init__()

    def load_config(self):
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self):
        from minbar.wsgi import application

        return application


class Command(BaseCommand):
    help = "Serve the site and the newsroom with gunicorn (behind a front cache)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=default_workers())
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("WEB_THREADS", "1"))
        )
        parser.add_argument("--access-log", default="", help='a file, or "-"')

    def handle(self, bind, workers, threads, access_log, **options):
        App(
            {
                "bind": bind,
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread" if threads > 1 else "sync",
                "accesslog": access_log or None,
                "timeout": 30,
                "graceful_timeout": 10,
                # Each worker loads the app itself after the fork: database
                # connections are never shared across processes.
                "preload_app": False,
                "proc_name": "minbar",
            }
        ).run()
