"""Backing up and restoring a site: the rules, without the command line.

``backup`` writes one archive.  A restore goes in three steps, so that every
refusal comes before anything changes: ``check`` reads the manifest alone
(not a backup, a newer format, another database vendor, a newer schema),
``unpack`` verifies every checksum while unpacking into a staging folder and
asks the database's own tool whether it can read the dump, and ``restore``
puts the media and the database in place, migrates, and empties the caches.
"""

import json
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connections
from django.db.migrations.loader import MigrationLoader

import minbar

from . import archive, databases, media
from .archive import FORMAT, FORMAT_VERSION, MANIFEST, MEDIA_DIR, RecoveryError

VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    files: int = 0  # media files
    media_bytes: int = 0
    skipped: list[str] = field(default_factory=list)


def backup(
    path: Path,
    *,
    with_media: bool = True,
    renditions: bool = False,
    overwrite: bool = False,
    now: datetime | None = None,
) -> BackupResult:
    """Write a backup of the database and the media to ``path`` (a file, or a
    folder to write ``minbar-<time>.tar.gz`` in), with the renditions only if
    ``renditions``."""
    now = now or datetime.now(UTC)
    database = databases.for_site()
    target = destination(path, overwrite, now)
    include_media = with_media and media.on_local_disk()
    renditions = renditions and include_media
    with tempfile.TemporaryDirectory(
        dir=target.parent, prefix=f".{target.name}."
    ) as work:
        dump = Path(work) / "database"
        state = database.dump(dump, renditions)
        manifest = build_manifest(state, now, with_media, include_media, renditions)
        result = BackupResult(target, manifest)
        with archive.ArchiveWriter(target) as writer:
            writer.add_bytes(
                MANIFEST,
                json.dumps(manifest, ensure_ascii=False, indent=2).encode(),
                now.timestamp(),
            )
            with open(dump, "rb") as file:
                writer.add_file(database.member, file)
            if include_media:
                add_media(writer, result, renditions)
    return result


def destination(path: Path, overwrite: bool, now: datetime) -> Path:
    if path.is_dir():
        path = path / f"minbar-{now:%Y%m%d-%H%M%S}.tar.gz"
    if not path.parent.is_dir():
        raise RecoveryError(f"There is no folder {path.parent} to write into.")
    if path.exists() and not overwrite:
        raise RecoveryError(f"{path} exists; pass --overwrite to replace it.")
    if path.resolve().is_relative_to(media.media_root()):
        raise RecoveryError(
            f"{path} is under MEDIA_ROOT, which the web server publishes (and "
            "which the backup reads): write it somewhere else."
        )
    return path


def build_manifest(
    state: dict, now: datetime, with_media: bool, include_media: bool, renditions: bool
) -> dict:
    if renditions:
        note = "the files under MEDIA_ROOT, renditions (images/) included"
    elif include_media:
        note = (
            "the files under MEDIA_ROOT, without renditions (images/): Wagtail "
            "makes them again from the originals"
        )
    elif with_media:
        note = "not included: the media are in object storage, not under MEDIA_ROOT"
    else:
        note = "not included (--no-media)"
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "minbar_version": minbar.__version__,
        "created_at": now.isoformat(timespec="seconds"),
        "hostname": socket.gethostname(),
        "database": state["database"],
        "counts": state["counts"],
        "media": {"included": include_media, "renditions": renditions, "note": note},
        "migrations": state["migrations"],
    }


def add_media(
    writer: archive.ArchiveWriter, result: BackupResult, renditions: bool
) -> None:
    # Read after the database snapshot: a file uploaded meanwhile is in the
    # archive without its row (harmless); one deleted meanwhile is skipped.
    root = media.media_root()
    for name, path in media.files(root, result.skipped.append, renditions):
        try:
            file = open(path, "rb")  # closed by the `with` below
        except FileNotFoundError:
            result.skipped.append(str(path))
            continue
        with file:
            writer.add_file(f"{MEDIA_DIR}/{name}", file)
        result.files += 1
        result.media_bytes += writer.sizes[f"{MEDIA_DIR}/{name}"]


# Restoring.


def check(path: Path) -> dict:
    """The backup's manifest, or a RecoveryError if this site cannot take it.

    Reads the archive's first member only.
    """
    manifest = archive.read_manifest(path)
    database = databases.for_site()
    vendor = manifest.get("database", {}).get("vendor")
    if vendor != database.vendor:
        raise RecoveryError(
            f"{path} is a backup of a {VENDOR_NAMES.get(vendor, vendor)} database, "
            f"and this site uses {VENDOR_NAMES[database.vendor]}: a backup "
            "restores onto the same database vendor (see docs/recovery.md)."
        )
    newer = unknown_migrations(manifest.get("migrations", {}))
    if newer:
        shown = ", ".join(newer[:3]) + (", …" if len(newer) > 3 else "")
        raise RecoveryError(
            f"{path} was made by Minbar {manifest.get('minbar_version')}, whose "
            f"database has migrations this one does not know ({shown}): "
            "install that version (or a newer one) first, then restore."
        )
    return manifest


def unknown_migrations(applied: dict[str, list[str]]) -> list[str]:
    """Migrations applied in the backup, of apps installed here, that this
    code does not have: the backup comes from newer code."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    installed = {config.label for config in apps.get_app_configs()}
    return [
        f"{app}.{name}"
        for app, names in sorted(applied.items())
        if app in installed
        for name in names
        if (app, name) not in known
    ]


def restores_media(manifest: dict, with_media: bool) -> bool:
    if not (with_media and manifest.get("media", {}).get("included")):
        return False
    if not media.on_local_disk():
        raise RecoveryError(
            "This site keeps its media in object storage, not under MEDIA_ROOT: "
            "pass --no-media to restore the database alone, and restore the "
            "bucket with its own tools."
        )
    return True


@contextmanager
def staging(beside_media: bool) -> Iterator[Path]:
    """A private folder for the unpacked backup, removed afterwards: beside
    MEDIA_ROOT when the media are on local disk, so that they move in by
    renaming; otherwise in the temporary folder (TMPDIR)."""
    parent = None
    if beside_media:
        parent = media.media_root().parent
        parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=".minbar-restore-", dir=parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def unpack(path: Path, folder: Path, with_media: bool) -> archive.Unpacked:
    """Unpack and verify the whole backup, changing nothing outside ``folder``."""
    unpacked = archive.unpack(path, folder, with_media)
    databases.for_site().check(unpacked.database)
    return unpacked


def restore(unpacked: archive.Unpacked, with_media: bool) -> dict[str, int]:
    """Replace the media (if ``with_media``) and the database; return the
    restored counts.  If the database cannot be restored, the media are put
    back and nothing has changed."""
    database = databases.for_site()
    swap = None
    if with_media and unpacked.media is not None:
        swap = media.MediaSwap(
            unpacked.media, media.media_root(), unpacked.media.parent / "previous"
        )
    try:
        if swap is not None:
            swap.apply()
        database.load(unpacked.database)
    except BaseException:
        if swap is not None:
            swap.undo()
        raise
    try:
        # A backup from an older Minbar is brought up to date.
        call_command("migrate", interactive=False, verbosity=0)
    except Exception as exc:
        raise RecoveryError(
            "The backup was restored, but migrating it failed; run `minbar "
            f"migrate` once the cause is fixed: {exc}"
        ) from exc
    try:
        forget_caches()
    except Exception as exc:
        raise RecoveryError(
            "The backup was restored, but emptying the caches failed; restart "
            f"the app servers and empty the cache by hand: {exc}"
        ) from exc
    with connections[database.alias].cursor() as cursor:
        counts, _ = databases.read_state(cursor)
    return counts


def forget_caches() -> None:
    """Pages and lookups cached from the data before the restore go: Django's
    caches are emptied (the app's page cache with them; production's Redis
    cache deletes its own keys only, not the task queue's) and the front
    caches purged."""
    for alias in settings.CACHES:
        caches[alias].clear()
    if apps.is_installed("minbar.delivery"):
        from minbar.delivery import keys, purge

        purge.purge({keys.EVERYTHING})


@contextmanager
def stopped_cleanly() -> Iterator[None]:
    """SIGTERM (systemd stopping a job, a timeout) raises SystemExit, so that
    temporary files are removed and a restore in progress is undone."""

    def stop(signum, frame):
        sys.exit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def summary(counts: dict[str, int]) -> str:
    return (
        f"{counts.get('articles', 0)} articles, {counts.get('pages', 0)} pages, "
        f"{counts.get('images', 0)} images, {counts.get('documents', 0)} documents"
    )


def size(number: float) -> str:
    units = ["bytes", "KB", "MB", "GB"]
    unit = 0
    while number >= 1024 and unit < len(units) - 1:
        number /= 1024
        unit += 1
    return f"{number:.0f} bytes" if unit == 0 else f"{number:.1f} {units[unit]}"
