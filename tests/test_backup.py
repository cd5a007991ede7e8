"""`minbar backup` and `minbar restore`.

The whole story runs as an operator runs it, in subprocesses: pytest-django's
database is in memory (SQLite) or wrapped in a transaction (PostgreSQL), so
the commands get a world of their own, a data directory with the demo
newspaper loaded into a fresh database: SQLite and, where it answers on
127.0.0.1:5432, PostgreSQL.  One test per database walks through backup,
loss, restore and the refusals, so that the demo loads once per database
(about 30 s each).  Refusals that need no data, and the archive itself, are
tested in process first; being quick, they also let xdist hand the two
databases to different workers.
"""

import hashlib
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from minbar.recovery import archive, media, services
from minbar.recovery.management.commands import restore


def write_archive(target, members):
    with archive.ArchiveWriter(target) as writer:
        for name, data in members:
            writer.add_bytes(name, data)


# Refusals that need no data, in process: `restore` raises CommandError (the
# command line exits with 1) and MEDIA_ROOT stays as it is.


def refused(path, *args):
    media = sorted(Path(settings.MEDIA_ROOT).rglob("*"))
    with pytest.raises(CommandError) as raised:
        call_command(restore.Command(), str(path), "--yes", *args)
    assert sorted(Path(settings.MEDIA_ROOT).rglob("*")) == media
    assert not list(Path(settings.MEDIA_ROOT).parent.glob(".minbar-restore-*"))
    return str(raised.value)


def test_restore_refuses_a_missing_file(tmp_path):
    assert "There is no file at" in refused(tmp_path / "nowhere.tar.gz")


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    text = tmp_path / "notes.tar"
    text.write_text("not an archive at all\n" * 100)
    assert "not a tar archive" in refused(text)

    other = tmp_path / "other.tar"
    with tarfile.open(other, "w") as tar:
        info = tarfile.TarInfo("README")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"hello"))
    assert "does not begin with manifest.json" in refused(other)

    vague = tmp_path / "vague.tar"
    write_archive(vague, [("manifest.json", b'{"format": "minbar-backup"}')])
    assert "is not a Minbar backup" in refused(vague)


def manifest(**changes):
    vendor = connection.vendor
    return json.dumps(
        {
            "format": "minbar-backup",
            "format_version": 1,
            "minbar_version": "0.1.0",
            "created_at": "2025-01-01T03:00:00+00:00",
            "database": {"vendor": vendor, "member": "database/dump"},
            "counts": {},
            "media": {"included": True},
            "migrations": {},
        }
        | changes
    ).encode()


def test_restore_refuses_newer_formats_and_schemas(tmp_path):
    newer = tmp_path / "newer.tar"
    future = {"format": "minbar-backup", "format_version": 2, "anything": "new"}
    write_archive(newer, [("manifest.json", json.dumps(future).encode())])
    assert "Restore it with a newer Minbar" in refused(newer)

    schema = tmp_path / "schema.tar"
    migrations = {"minbar_newsroom": ["0001_initial", "0999_from_the_future"]}
    write_archive(schema, [("manifest.json", manifest(migrations=migrations))])
    assert "minbar_newsroom.0999_from_the_future" in refused(schema)


def test_restore_needs_yes_when_it_cannot_ask(tmp_path, monkeypatch):
    backup = tmp_path / "backup.tar"
    write_archive(backup, [("manifest.json", manifest())])
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal
    with pytest.raises(CommandError, match="pass --yes"):
        call_command(restore.Command(), str(backup))


def test_restore_refuses_unsafe_or_incomplete_archives(tmp_path):
    database = ("database/dump", b"a dump")
    escape = tmp_path / "escape.tar"
    write_archive(escape, [("manifest.json", manifest()), ("../../evil", b"x")])
    assert "not allowed" in refused(escape)
    staging_parent = Path(settings.MEDIA_ROOT).resolve().parent
    assert not (staging_parent.parent / "evil").exists()

    partial = tmp_path / "partial.tar"
    with tarfile.open(partial, "w") as tar:
        for name, data in [("manifest.json", manifest()), database]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    assert "does not end with SHA256SUMS" in refused(partial)

    empty = tmp_path / "empty.tar"
    write_archive(empty, [("manifest.json", manifest())])
    assert "holds no database" in refused(empty)


# The archive itself, in process.


def test_an_interrupted_backup_leaves_the_old_file_alone(tmp_path):
    target = tmp_path / "nightly.tar.gz"
    target.write_bytes(b"yesterday's backup")
    with pytest.raises(SystemExit), services.stopped_cleanly():
        with archive.ArchiveWriter(target) as writer:
            writer.add_bytes("manifest.json", b"{}")
            os.kill(os.getpid(), signal.SIGTERM)  # systemd stopping the job
            writer.add_bytes("database/minbar.sqlite3", b"never written")
    assert target.read_bytes() == b"yesterday's backup"
    assert [p.name for p in tmp_path.iterdir()] == ["nightly.tar.gz"]


def test_a_backup_is_never_written_where_the_web_server_publishes(tmp_path):
    now = datetime.now(UTC)
    media_root = Path(settings.MEDIA_ROOT)
    with pytest.raises(archive.RecoveryError, match="under MEDIA_ROOT"):
        services.destination(media_root / "backup.tar", False, now)
    named = services.destination(tmp_path, False, now)
    assert named.parent == tmp_path and named.name.endswith(".tar.gz")
    named.touch()
    with pytest.raises(archive.RecoveryError, match="--overwrite"):
        services.destination(named, False, now)


def test_media_are_swapped_and_put_back(tmp_path):
    root, unpacked, aside = tmp_path / "media", tmp_path / "new", tmp_path / "old"
    (root / "original_images").mkdir(parents=True)
    (root / "original_images" / "current.jpg").write_bytes(b"current")
    (root / "images").mkdir()  # renditions of the current data
    (unpacked / "original_images").mkdir(parents=True)
    (unpacked / "original_images" / "restored.jpg").write_bytes(b"restored")

    def listing():
        return sorted(str(p.relative_to(root)) for p in root.rglob("*"))

    swap = media.MediaSwap(unpacked, root, aside)
    swap.apply()
    assert listing() == ["original_images", "original_images/restored.jpg"]
    swap.undo()
    assert listing() == ["images", "original_images", "original_images/current.jpg"]
    assert sorted(p.name for p in unpacked.rglob("*")) == [
        "original_images",
        "restored.jpg",
    ]


def test_checksums_are_written_and_read_as_sha256sum_does(tmp_path):
    files = {"media/a b.jpg": b"x", "media/new\nline\\x.jpg": b"y"}
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(data)
    sums = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    text = archive.format_sums(sums)
    assert archive.parse_sums(text) == sums
    sha256sum = shutil.which("sha256sum")
    if sha256sum:
        written = subprocess.run(
            [sha256sum, *files], cwd=tmp_path, capture_output=True, text=True
        )
        assert written.stdout == text


# The whole story, on a demo newspaper, through the command line.

POSTGRES = "postgres://postgres@127.0.0.1:5432"


def postgres_answers():
    try:
        socket.create_connection(("127.0.0.1", 5432), 2).close()
    except OSError:
        return False
    return True


def postgres_admin(statement):
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        admin.execute(statement)


# Settings the world sets itself, or must not inherit from the test run.
OURS = {"DATABASE_URL", "MEDIA_ROOT", "REDIS_URL", "FRONT_CACHES", "S3_BUCKET"}


class World:
    """A data directory, and a database of its own, where `minbar` runs."""

    def __init__(self, root, vendor):
        self.root = root
        self.vendor = vendor
        self.data = root / "data"
        self.data.mkdir()
        self.env = {k: v for k, v in os.environ.items() if k not in OURS}
        self.env |= {
            "DJANGO_SETTINGS_MODULE": "minbar.settings.dev",
            "MINBAR_DATA_DIR": str(self.data),
        }
        self.database = None
        if vendor == "postgresql":
            self.database = f"minbar_backup_test_{uuid.uuid4().hex[:12]}"
            postgres_admin(f'CREATE DATABASE "{self.database}"')
            self.env["DATABASE_URL"] = f"{POSTGRES}/{self.database}"

    def minbar(self, *args, expect=0):
        result = subprocess.run(
            [sys.executable, "-m", "minbar", *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if expect is not None:
            assert result.returncode == expect, (
                f"minbar {' '.join(args)} -> {result.returncode}\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return result

    def shell(self, code):
        """Run ``code`` in `minbar shell`; it prints one JSON line, returned."""
        result = self.minbar("shell", "--no-imports", "-c", code)
        return json.loads(result.stdout.strip().splitlines()[-1])

    def snapshot(self):
        return self.shell(SNAPSHOT)

    def wipe(self):
        """Lose the database and the media, as a disk failure would."""
        shutil.rmtree(self.data / "media", ignore_errors=True)
        if self.database:
            postgres_admin(f'DROP DATABASE "{self.database}" WITH (FORCE)')
            postgres_admin(f'CREATE DATABASE "{self.database}"')
        else:
            for path in self.data.glob("minbar.sqlite3*"):
                path.unlink()

    def close(self):
        if self.database:
            postgres_admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


# What a reader and an editor would notice, dumped as JSON: every article, the
# page tree, image files, the publication settings and staff box, the ticker,
# the accounts, and what search finds.
SNAPSHOT = """
import hashlib, json, re
from django.contrib.auth.models import User
from django.test import Client
from wagtail.images import get_image_model
from wagtail.models import Page, Revision
from minbar.newsroom.models import ArticlePage, Author
from minbar.public.models import PublicationSettings, TickerItem

def digest(file):
    with file.open("rb") as opened:
        return hashlib.sha256(opened.read()).hexdigest()

def when(value):
    return value.isoformat() if value else None

# The changed article as a reader gets it, with its pictures (renditions,
# which Wagtail makes again from the restored originals).
def served():
    page = client.get("/1001")
    html = page.content.decode()
    pictures = re.findall(r'src="(/media/[^"]+)"', html)
    return {
        "status": page.status_code,
        "headline": "عنوان محفوظ في نسخة احتياطية" in html,
        "new picture": any("/backup-marker." in src for src in pictures),
        "pictures": sorted({client.get(src).status_code for src in pictures}),
    }

client = Client()
print(json.dumps({
    "articles": [
        {"public_id": a.public_id, "title": a.title, "live": a.live,
         "summary": a.summary, "byline": a.byline, "url_path": a.url_path,
         "body": list(a.body.raw_data), "first_published_at":
         when(a.first_published_at), "image": a.image and digest(a.image.file),
         "tags": sorted(t.name for t in a.tags.all())}
        for a in ArticlePage.objects.order_by("public_id")
    ],
    "tree": list(Page.objects.order_by("path").values_list(
        "path", "depth", "url_path", "live", "title")),
    "revisions": Revision.objects.count(),
    "images": sorted([i.title, i.file.name, digest(i.file)]
                     for i in get_image_model().objects.all()),
    "authors": sorted(Author.objects.values_list("slug", "name")),
    "publication": [
        {"name": p.name, "tagline": p.tagline, "ticker_size": p.ticker_size,
         "logo": p.logo and digest(p.logo.file), "month_names": p.month_names,
         "staff": list(p.staff_lines.order_by("sort_order").values_list(
             "role", "person"))}
        for p in PublicationSettings.objects.order_by("pk")
    ],
    "ticker": [[t.text, t.url, when(t.expires_at), t.sort_order]
               for t in TickerItem.objects.all()],
    "users": sorted([u.username, u.password, sorted(g.name for g in u.groups.all())]
                    for u in User.objects.all()),
    "search": client.get("/api/search/", {"q": "نسخة احتياطية"}).json()["results"],
    "served": served(),
}, ensure_ascii=False, sort_keys=True))
"""

# Something recognisable that the demo does not have: a republished headline
# with a new picture, a pinned ticker item and a line in the staff box.
CHANGE = """
import io
from django.core.files.images import ImageFile
from PIL import Image as Picture
from wagtail.images import get_image_model
from wagtail.models import Site
from minbar.newsroom.models import ArticlePage
from minbar.public.models import PublicationSettings, StaffLine, TickerItem

buffer = io.BytesIO()
Picture.new("RGB", (640, 360), (200, 30, 60)).save(buffer, "JPEG")
image = get_image_model()(title="صورة النسخة الاحتياطية",
                          file=ImageFile(buffer, name="backup-marker.jpg"))
image.save()
article = ArticlePage.objects.get(public_id=1001)
article.title = "عنوان محفوظ في نسخة احتياطية"
article.image = image
article.save_revision().publish()
TickerItem.objects.create(text="خبر عاجل قبل النسخة", url="/1001", sort_order=-5)
publication = PublicationSettings.for_site(Site.objects.get(is_default_site=True))
StaffLine.objects.create(publication=publication, role="أمين الأرشيف",
                         person="سلمى الراشد", sort_order=99)
"""

AFTER_BACKUP = """
from minbar.public.models import TickerItem
TickerItem.objects.create(text="خبر بعد النسخة", sort_order=-9)
"""


def vendors():
    yield "sqlite"
    yield pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not postgres_answers(),
            reason="PostgreSQL does not answer on 127.0.0.1:5432",
        ),
    )


@pytest.fixture(scope="module", params=list(vendors()))
def world(request, tmp_path_factory):
    """The demo, changed recognisably: (world, its snapshot)."""
    world = World(tmp_path_factory.mktemp(f"backup-{request.param}"), request.param)
    try:
        world.minbar("demo", "--no-serve")
        yield world, world.shell(CHANGE + SNAPSHOT)
    finally:
        world.close()


def test_backup_then_restore_brings_everything_back(world):
    world, before = world
    assert before["articles"][0]["title"] == "عنوان محفوظ في نسخة احتياطية"
    backup = world.root / "site.tar.gz"
    result = world.minbar("backup", str(backup))
    assert "Backed up 36 articles" in result.stdout
    assert [p.name for p in world.root.glob("*site.tar.gz*")] == ["site.tar.gz"]

    with tarfile.open(backup) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert names[0] == "manifest.json" and names[-1] == "SHA256SUMS"
    assert manifest["database"]["vendor"] == world.vendor
    assert manifest["counts"] == {
        "articles": 36,
        "pages": len(before["tree"]),
        "images": len(before["images"]),
        "documents": 0,
    }
    assert "media/original_images/backup-marker.jpg" in names
    assert not [n for n in names if n.startswith("media/images/")], "renditions"

    world.wipe()
    restored = world.minbar("restore", str(backup), "--yes")
    assert "Restored 36 articles" in restored.stdout
    after = world.snapshot()
    assert after["served"] == {
        "status": 200,
        "headline": True,
        "new picture": True,
        "pictures": [200],
    }
    assert after == before

    # The refusals, on a site changed since the backup: each leaves it as is.
    changed = world.shell(AFTER_BACKUP + SNAPSHOT)
    assert changed != before

    damaged = world.root / "damaged.tar"
    rewrite(backup, damaged, damage="media/original_images/backup-marker.jpg")
    refused = world.minbar("restore", str(damaged), "--yes", expect=1)
    assert "1 do not match their checksum" in refused.stderr
    assert "backup-marker.jpg" in refused.stderr

    other = "postgresql" if world.vendor == "sqlite" else "sqlite"
    foreign = world.root / "foreign.tar"
    rewrite(backup, foreign, vendor=other)
    refused = world.minbar("restore", str(foreign), "--yes", expect=1)
    assert "restores onto the same database vendor" in refused.stderr

    assert world.snapshot() == changed
    assert not list(world.root.glob(".minbar-restore-*")), "staging is left"

    # On request, the renditions too, files and rows.
    full = world.root / "full.tar"
    world.minbar("backup", str(full), "--renditions")
    with tarfile.open(full) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["media"]["renditions"] is True
    assert [n for n in names if n.startswith("media/images/backup-marker.")]
    checked = world.minbar("restore", str(full), "--check")
    assert f"all {len(names) - 1} members match their checksums" in checked.stdout


def rewrite(source, target, damage=None, vendor=None):
    """A plain-tar copy of ``source`` with one member's content damaged (its
    checksum kept), or a manifest naming another vendor (with checksums to
    match: a well-formed backup that only the vendor check can refuse)."""
    with tarfile.open(source) as tar:
        members = [(m.name, tar.extractfile(m).read()) for m in tar.getmembers()]
    if damage:
        with tarfile.open(target, "w") as tar:
            for name, data in members:
                if name == damage:
                    data = data[:100] + bytes([data[100] ^ 0xFF]) + data[101:]
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    else:
        manifest = json.loads(members[0][1])
        manifest["database"]["vendor"] = vendor
        members[0] = ("manifest.json", json.dumps(manifest).encode())
        write_archive(target, members[:-1])
