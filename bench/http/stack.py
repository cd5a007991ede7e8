"""The production stack on loopback, for the HTTP and publish benchmarks.

A demo newsroom with the seed article (SQLite in a data folder of its own, or
the PostgreSQL database given), ``minbar serve`` (gunicorn), Varnish with
deploy/'s VCL in front of it, as tests/test_front_cache.py starts them, and,
for the HTTP bench, nginx serving one saved page as a static file.

Every server runs in the foreground as a child process in a session of its
own, so that Ctrl-C reaches this script only; ``Stack.stop`` (the ``with``
block's exit) stops them in the reverse order, and removes the temporary
folder that holds their configuration and logs.
"""

import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VCL = REPO / "deploy" / "varnish" / "minbar.vcl"
SEED = REPO.parent / "shared" / "seed" / "bundle"
SEED_ARTICLE = "/33234"
MINBAR = [sys.executable, "-m", "minbar"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, timeout: float = 10) -> tuple[int, dict, bytes]:
    """Status, headers and body; an error status is an answer too."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def until_cached(url: str, seconds: float = 120) -> str:
    """Ask Varnish for a page until it answers 200 from its cache.

    While the app is busy (its first pages make their pictures' renditions)
    the health probe can time out and Varnish answers 503 for a while.
    Returns the last answer: "200 hit" unless time ran out.
    """
    deadline = time.monotonic() + seconds
    while True:
        status, headers, _body = fetch(url, timeout=seconds)
        answer = f"{status} {headers.get('X-Cache', '?')}"
        if answer == "200 hit" or time.monotonic() > deadline:
            return answer
        time.sleep(0.2)


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:  # refused, or an error status (HTTPError)
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def load_average() -> str:
    """The 1-minute load average: other work on the machine skews figures."""
    return f"load average {os.getloadavg()[0]:.2f} (1 min)"


def code_version() -> str:
    """The commit the app runs, and whether the working tree differs."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    changed = git("status", "--porcelain", "--untracked-files=no", "--", "minbar")
    return f"code {git('rev-parse', '--short', 'HEAD') or '?'}" + (
        " + uncommitted changes in minbar/" if changed else ""
    )


def describe_database(url: str) -> str:
    """The database, without its password."""
    if not url:
        return "SQLite (embedded)"
    parts = urllib.parse.urlsplit(url)
    return f"PostgreSQL {parts.hostname}:{parts.port or 5432}{parts.path}"


def stop_on_sigterm() -> None:
    """A SIGTERM unwinds like Ctrl-C does, through the stack's exit."""
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))


class Stack:
    def __init__(self, data_dir: Path, database_url: str = ""):
        self.data_dir = data_dir
        self.database_url = database_url
        self.folder = Path(tempfile.mkdtemp(prefix="minbar-bench-"))
        self.app_port, self.cache_port = free_port(), free_port()
        self.app = f"http://127.0.0.1:{self.app_port}"
        self.cache = f"http://127.0.0.1:{self.cache_port}"
        self.static = ""  # nginx's address, once started
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "DJANGO_SETTINGS_MODULE": "minbar.settings.dev",
            "DEBUG": "0",
            "MINBAR_DATA_DIR": str(data_dir),
            "FRONT_CACHES": self.cache,
            "PYTHONPATH": str(REPO),
        }
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.processes: list[tuple[str, subprocess.Popen, Path]] = []

    def __enter__(self) -> "Stack":
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # The newsroom ---------------------------------------------------------

    def set_up_site(self, seed: Path = SEED) -> None:
        """A fresh demo newsroom with the seed article.  The data folder goes
        whatever the database: it holds the media and the app's page cache."""
        shutil.rmtree(self.data_dir, ignore_errors=True)
        # Nothing is cached yet: the load's publishes need not purge.
        env = {k: v for k, v in self.env.items() if k != "FRONT_CACHES"}
        subprocess.run(
            [*MINBAR, "demo", "--no-serve", "--bundle", str(seed)],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            check=True,
        )

    # The servers ----------------------------------------------------------

    def start(self, name: str, command: list[str]) -> None:
        log = self.folder / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                env=self.env,
                cwd=REPO,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append((name, process, log))

    def log(self, name: str, lines: int = 40) -> str:
        """The end of a server's log (its stdout and stderr)."""
        _name, _process, path = next(p for p in self.processes if p[0] == name)
        text = path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def wait_until_up(self, name: str, url: str) -> None:
        try:
            wait_for(url)
        except OSError:
            print(f"{name} did not start; its log:\n{self.log(name)}")
            raise

    def start_app(self, workers: int | None = None) -> None:
        command = [*MINBAR, "serve", "--bind", f"127.0.0.1:{self.app_port}"]
        if workers:
            command += ["--workers", str(workers)]
        self.start("app", command)
        self.wait_until_up("app", f"{self.app}/_health")

    def start_varnish(self, params: list[str] = (), vcl: Path = VCL) -> None:
        # The shipped VCL, with the app as its one backend: this folder comes
        # first in vcl_path, so its backends.vcl replaces deploy/'s example.
        (self.folder / "backends.vcl").write_text(
            'probe health { .url = "/_health"; .interval = 1s; .timeout = 1s;'
            " .window = 2; .threshold = 1; }\n"
            f'backend app {{ .host = "127.0.0.1"; .port = "{self.app_port}";'
            " .probe = health; }\n"
            "sub vcl_recv { set req.backend_hint = app; }\n"
        )
        self.start(
            "varnish",
            [shutil.which("varnishd") or "varnishd", "-F", "-j", "none",
             "-n", str(self.folder / "varnish"),
             "-a", f"127.0.0.1:{self.cache_port}", "-f", str(vcl.resolve()),
             "-p", f"vcl_path={self.folder}:{VCL.parent}",
             "-s", "malloc,256m", "-T", "none",
             *(arg for param in params for arg in ("-p", param))],
        )  # fmt: skip
        self.wait_until_up("varnish", f"{self.cache}/_health")

    def start_nginx(self, page: bytes) -> None:
        """nginx serving ``page`` as /index.html, in the reference setup."""
        www = self.folder / "www"
        www.mkdir()
        (self.folder / "nginx-temp").mkdir()
        (www / "index.html").write_bytes(page)
        port = free_port()
        config = self.folder / "nginx.conf"
        config.write_text(nginx_config(self.folder, www, port))
        self.start(
            "nginx",
            [shutil.which("nginx") or "nginx", "-p", f"{self.folder}/",
             "-c", str(config), "-e", str(self.folder / "nginx-error.log")],
        )  # fmt: skip
        self.static = f"http://127.0.0.1:{port}"
        self.wait_until_up("nginx", f"{self.static}/")

    def stop(self) -> None:
        """Stop the servers, newest first, then remove the temporary folder."""
        while self.processes:
            _name, process, _log = self.processes.pop()
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def nginx_config(folder: Path, www: Path, port: int) -> str:
    # As root, nginx's workers would run as "nobody", who cannot read the
    # temporary folder: they run as the current user either way.
    user = ""
    if os.geteuid() == 0:
        user_name = pwd.getpwuid(os.getuid()).pw_name
        group_name = grp.getgrgid(os.getgid()).gr_name
        user = f"user {user_name} {group_name};\n"
    temp = "\n".join(
        f"    {kind}_temp_path {folder / 'nginx-temp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}daemon off;
master_process on;
worker_processes 2;
pid {folder / "nginx.pid"};
error_log {folder / "nginx-error.log"} warn;

events {{
    worker_connections 1024;
}}

http {{
    types {{
        text/html html;
    }}
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    # Neither Varnish nor gunicorn writes an access log here either.
    access_log off;
{temp}

    server {{
        listen 127.0.0.1:{port};
        root {www};
        index index.html;
    }}
}}
"""
