"""The database in a backup, with each vendor's own consistent tools.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies a
consistent snapshot while the site runs, and copies it back into the live
file through SQLite's own locking, so that open connections, the WAL and its
index stay coherent (replacing the file under a running site would not).

PostgreSQL: ``pg_dump --format=custom`` from a snapshot exported by the
transaction that counts the content, so the counts in the manifest describe
the dump exactly; ``pg_restore`` turns it back into SQL that ``psql`` runs in
one transaction, after dropping the tables the dump does not hold.  A
failure rolls the whole restore back.

A backup restores onto the same vendor only.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.db import connections, transaction
from django.db.backends.postgresql.client import DatabaseClient
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from minbar.newsroom.models import ArticlePage

from .archive import DATABASE_DIR, RecoveryError


def counted_tables() -> dict[str, str]:
    """What the manifest counts, and the table each count is taken from."""
    return {
        "articles": ArticlePage._meta.db_table,
        "pages": Page._meta.db_table,
        "images": get_image_model()._meta.db_table,
        "documents": get_document_model()._meta.db_table,
    }


def rendition_table() -> str:
    return get_image_model().get_rendition_model()._meta.db_table


def read_state(cursor) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Counts and applied migrations, read through a DB-API cursor."""
    counts = {}
    for name, table in counted_tables().items():
        # Table names come from the models, never from input.
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608  # nosec B608
        counts[name] = cursor.fetchone()[0]
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, id")
    migrations: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        migrations.setdefault(app, []).append(name)
    return counts, migrations


class Database:
    vendor = ""
    member = ""

    def __init__(self, alias: str = "default"):
        self.alias = alias
        self.connection = connections[alias]
        self.settings = self.connection.settings_dict

    def describe(self) -> str:
        raise NotImplementedError

    def dump(self, destination: Path, renditions: bool = False) -> dict:
        """Write a consistent copy to ``destination`` (without the renditions'
        rows unless ``renditions``); return the manifest's ``database`` entry,
        with ``counts`` and ``migrations`` beside it."""
        raise NotImplementedError

    def check(self, dump: Path) -> None:
        """Raise RecoveryError unless ``dump`` can be restored here."""
        raise NotImplementedError

    def load(self, dump: Path) -> None:
        """Replace the database with ``dump``, all or nothing."""
        raise NotImplementedError


class SQLiteDatabase(Database):
    vendor = "sqlite"
    member = f"{DATABASE_DIR}/minbar.sqlite3"

    @property
    def path(self) -> Path:
        name = str(self.settings["NAME"])
        if name == ":memory:" or name.startswith("file:"):
            raise RecoveryError(f"The SQLite database {name} is not a file.")
        return Path(name)

    def describe(self) -> str:
        return f"the SQLite database {self.path}"

    def dump(self, destination: Path, renditions: bool = False) -> dict:
        if not self.path.is_file():
            raise RecoveryError(f"There is no database at {self.path} to back up.")
        source = sqlite3.connect(self.path, timeout=60)
        target = sqlite3.connect(destination)
        try:
            # One step: a read transaction on the source for the whole copy,
            # which in WAL mode never blocks the site's writers.
            source.backup(target)
            source.close()
            # The copy is a file of its own: no WAL, and no renditions unless
            # their files are kept too (otherwise Wagtail makes them again).
            target.execute("PRAGMA journal_mode=DELETE")
            if not renditions:
                target.execute(f'DELETE FROM "{rendition_table()}"')  # noqa: S608  # nosec B608
            target.commit()
            counts, migrations = read_state(target.cursor())
        except sqlite3.Error as exc:
            raise RecoveryError(f"SQLite could not copy {self.path}: {exc}") from exc
        finally:
            source.close()
            target.close()
        entry = {
            "vendor": self.vendor,
            "member": self.member,
            "version": sqlite3.sqlite_version,
            "tool": "sqlite3 online backup API",
        }
        return {"database": entry, "counts": counts, "migrations": migrations}

    def check(self, dump: Path) -> None:
        try:
            read_only = f"{dump.resolve().as_uri()}?mode=ro"
            connection = sqlite3.connect(read_only, uri=True)
            try:
                result = connection.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                connection.close()
        except sqlite3.Error as exc:
            raise RecoveryError(
                f"The database in the backup is unusable: {exc}"
            ) from exc
        if result != "ok":
            raise RecoveryError(f"The database in the backup is damaged: {result}")

    def load(self, dump: Path) -> None:
        connections.close_all()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(dump)
        target = sqlite3.connect(self.path, timeout=60)
        try:
            # Copied into the live file in one write transaction: readers in
            # other processes see the old content or the new, never a mix, and
            # the live file keeps its WAL mode.  A failure changes nothing.
            source.backup(target)
            if target.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:
            raise RecoveryError(
                f"SQLite could not restore into {self.path}; it is unchanged: {exc}"
            ) from exc
        finally:
            source.close()
            target.close()


PREAMBLE = b"""\
SET client_min_messages = warning;
BEGIN;
-- The dump recreates what it holds; tables it does not hold (made by a newer
-- migration, say) are dropped too, so the database ends up as it was.
DO $minbar$
DECLARE
  relation record;
BEGIN
  FOR relation IN
    SELECT c.relname, c.relkind FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema()
      AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
      -- Not the members of an extension, nor what goes with its owner:
      -- identity and serial sequences, partitions.
      AND NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_depend d
        WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
          AND d.deptype IN ('e', 'i', 'a'))
    ORDER BY c.relkind = 'S', c.relname
  LOOP
    EXECUTE format('DROP %s IF EXISTS %I.%I CASCADE',
      CASE relation.relkind WHEN 'v' THEN 'VIEW'
        WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
        ELSE 'TABLE' END,
      current_schema(), relation.relname);
  END LOOP;
END
$minbar$;
"""


class PostgreSQLDatabase(Database):
    vendor = "postgresql"
    member = f"{DATABASE_DIR}/minbar.pgdump"

    def describe(self) -> str:
        host = self.settings.get("HOST") or "local socket"
        return f"the PostgreSQL database {self.settings.get('NAME')} on {host}"

    def environment(self) -> dict[str, str]:
        """libpq's variables for the client tools: the password never goes on a
        command line, where other users could read it."""
        _, env = DatabaseClient.settings_to_cmd_args_env(self.settings, [])
        env = {**os.environ, **(env or {})}
        for key, variable in [
            ("HOST", "PGHOST"),
            ("PORT", "PGPORT"),
            ("USER", "PGUSER"),
            ("NAME", "PGDATABASE"),
        ]:
            if self.settings.get(key):
                env[variable] = str(self.settings[key])
        return env

    def dump(self, destination: Path, renditions: bool = False) -> dict:
        pg_dump = tool("pg_dump")
        server = self.server_version()
        client = tool_version(pg_dump)
        if client[0] < server[0]:
            raise RecoveryError(
                f"pg_dump {'.'.join(map(str, client))} cannot dump a PostgreSQL "
                f"{server[0]} server: install postgresql-client-{server[0]}."
            )
        with transaction.atomic(using=self.alias), self.connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts, migrations = read_state(cursor)
            leave_out = (
                [] if renditions else [f"--exclude-table-data={rendition_table()}"]
            )
            run(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-password",
                    f"--snapshot={snapshot}",
                    *leave_out,
                    f"--file={destination}",
                ],
                self.environment(),
                "pg_dump could not dump the database",
            )
        entry = {
            "vendor": self.vendor,
            "member": self.member,
            "version": ".".join(map(str, server)),
            "tool": f"pg_dump {'.'.join(map(str, client))} --format=custom",
        }
        return {"database": entry, "counts": counts, "migrations": migrations}

    def server_version(self) -> tuple[int, int]:
        self.connection.ensure_connection()
        number = self.connection.pg_version
        return number // 10000, number % 10000

    def check(self, dump: Path) -> None:
        run(
            [tool("pg_restore"), "--list", str(dump)],
            self.environment(),
            "pg_restore cannot read the database in the backup",
        )

    def load(self, dump: Path) -> None:
        connections.close_all()
        env = self.environment()
        with (
            tempfile.TemporaryFile() as psql_errors,
            tempfile.TemporaryFile() as restore_errors,
        ):
            psql = subprocess.Popen(  # noqa: S603 (no shell; a fixed program)
                [tool("psql"), "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1"],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=psql_errors,
                env=env,
            )
            restore = subprocess.Popen(  # noqa: S603
                [
                    tool("pg_restore"),
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--file=-",
                    str(dump),
                ],
                stdout=subprocess.PIPE,
                stderr=restore_errors,
                env=env,
            )
            committed = feed(psql, restore)
            if not committed or psql.returncode != 0:
                errors = read_tail(psql_errors) or read_tail(restore_errors)
                raise RecoveryError(
                    "PostgreSQL refused the restore and rolled it back; the "
                    f"database is unchanged: {errors or 'no message'}"
                )


def feed(psql: subprocess.Popen, restore: subprocess.Popen) -> bool:
    """Pipe pg_restore's SQL into psql inside one transaction, and commit only
    if pg_restore finished cleanly: a truncated script is rolled back."""
    committed = False
    try:
        psql.stdin.write(PREAMBLE)
        shutil.copyfileobj(restore.stdout, psql.stdin, 1 << 20)
        if restore.wait() == 0:
            psql.stdin.write(b"COMMIT;\n")
            committed = True
    except BrokenPipeError:
        pass  # psql stopped at an error; its message says which
    finally:
        restore.stdout.close()
        restore.wait()
        try:
            psql.stdin.close()
        except BrokenPipeError:
            committed = False
        psql.wait()
    return committed


def read_tail(file, limit: int = 2000) -> str:
    file.seek(0)
    return file.read().decode(errors="replace").strip()[-limit:]


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise RecoveryError(
            f"{name} is not installed: it comes with PostgreSQL's client tools "
            "(Debian: apt-get install postgresql-client)."
        )
    return found


def tool_version(program: str) -> tuple[int, int]:
    output = run([program, "--version"], None, f"{program} --version failed")
    match = re.search(r"(\d+)\.(\d+)", output)
    if match is None:
        raise RecoveryError(f"Unexpected answer from {program} --version: {output}")
    return int(match[1]), int(match[2])


def run(command: list[str], env: dict[str, str] | None, failure: str) -> str:
    result = subprocess.run(  # noqa: S603 (no shell; fixed programs)
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RecoveryError(f"{failure}: {result.stderr.strip()[-2000:]}")
    return result.stdout


VENDORS = {vendor.vendor: vendor for vendor in (SQLiteDatabase, PostgreSQLDatabase)}


def for_site(alias: str = "default") -> Database:
    vendor = connections[alias].vendor
    if vendor not in VENDORS:
        raise RecoveryError(
            f"minbar backup knows SQLite and PostgreSQL; this site uses {vendor}."
        )
    return VENDORS[vendor](alias)
