"""The backup file: one tar archive, optionally compressed.

Its members, in this order::

    manifest.json      what the backup is: format, versions, database vendor,
                       time, counts (read first, so a restore refuses early)
    database/...       the database, in its vendor's own format
    media/...          the files under MEDIA_ROOT (renditions left out, unless
                       asked for)
    SHA256SUMS         the sha256 of every member above, in the format of
                       ``sha256sum --check``

The checksums come last because they are computed while the members are
written: each media file is read once.  The archive is written under a
temporary name beside its destination and renamed when complete, so an
interrupted backup never leaves a truncated file under the final name.
"""

import hashlib
import json
import lzma
import os
import tarfile
import tempfile
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

FORMAT = "minbar-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
DATABASE_DIR = "database"
MEDIA_DIR = "media"
CHUNK = 1 << 20
MANIFEST_LIMIT = 1 << 20  # a manifest is a few kilobytes
# What a damaged or foreign file raises while it is read.
DAMAGE = (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError)
COMPRESSIONS = {".gz": "gz", ".tgz": "gz", ".xz": "xz", ".txz": "xz", ".bz2": "bz2"}


class RecoveryError(Exception):
    """A backup or a restore that cannot go on; nothing has been changed."""


def compression_for(path: Path) -> str:
    """``gz``, ``xz`` or ``bz2`` from the file name's suffix; "" for a plain tar."""
    return COMPRESSIONS.get(path.suffix.lower(), "")


class HashingReader:
    """A file read through once, hashing what passes."""

    def __init__(self, file: BinaryIO):
        self.file = file
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.sha256.update(data)
        return data


class ArchiveWriter:
    """Writes a backup atomically: a temporary file, renamed when complete.

    Used as a context manager; an exception inside it (or ``KeyboardInterrupt``,
    or the ``SystemExit`` the commands raise on SIGTERM) removes the temporary
    file and leaves any file already at ``path`` as it was.
    """

    def __init__(self, path: Path):
        self.path = path
        self.sums: dict[str, str] = {}
        self.sizes: dict[str, int] = {}

    def __enter__(self) -> "ArchiveWriter":
        descriptor, temporary = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".partial"
        )
        self.temporary = Path(temporary)  # mode 0600: a backup holds secrets
        self.file = os.fdopen(descriptor, "wb")
        compression = compression_for(self.path)
        options = {}
        if compression in {"gz", "bz2"}:
            options["compresslevel"] = 6
        elif compression == "xz":
            options["preset"] = 6
        self.tar = tarfile.open(
            fileobj=self.file,
            mode=f"w:{compression}" if compression else "w",
            format=tarfile.PAX_FORMAT,
            **options,
        )
        return self

    def add_bytes(self, name: str, data: bytes, mtime: float | None = None) -> None:
        self._add(_info(name, len(data), mtime), _BytesFile(data))

    def add_file(self, name: str, file: BinaryIO) -> None:
        """Add an open file; its size and time are taken from the open descriptor,
        so a file renamed or deleted meanwhile is still read whole."""
        status = os.fstat(file.fileno())
        info = tarfile.TarInfo(name)
        info.size = status.st_size
        info.mtime = int(status.st_mtime)
        info.mode = 0o644
        self._add(info, file)

    def _add(self, info: tarfile.TarInfo, file) -> None:
        if info.name in self.sums or info.name == SUMS:
            raise RecoveryError(f"{info.name} is in the backup twice")
        reader = HashingReader(file)
        self.tar.addfile(info, reader)
        self.sums[info.name] = reader.sha256.hexdigest()
        self.sizes[info.name] = info.size

    def __exit__(self, exc_type, exc, traceback) -> None:
        if exc_type is None:
            try:
                sums = format_sums(self.sums).encode()
                self.tar.addfile(_info(SUMS, len(sums)), _BytesFile(sums))
                self.tar.close()
                self.file.flush()
                os.fsync(self.file.fileno())
                self.file.close()
                os.replace(self.temporary, self.path)
                _sync_directory(self.path.parent)
                return
            except BaseException:
                self._discard()
                raise
        self._discard()

    def _discard(self) -> None:
        for close in (self.tar.close, self.file.close):
            try:
                close()
            except (OSError, ValueError, tarfile.TarError):
                pass  # an unfinished archive: it is deleted below
        self.temporary.unlink(missing_ok=True)


def _info(name: str, size: int, mtime: float | None = None) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime if mtime is not None else time.time())
    info.mode = 0o600
    return info


class _BytesFile:
    def __init__(self, data: bytes):
        self.data = memoryview(data)
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.position + size
        chunk = self.data[self.position : end].tobytes()
        self.position += len(chunk)
        return chunk


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# SHA256SUMS, as written and read by GNU sha256sum: a name holding a
# backslash or a newline is escaped, and its line starts with a backslash.


def format_sums(sums: dict[str, str]) -> str:
    lines = []
    for name, digest in sums.items():
        if "\\" in name or "\n" in name:
            escaped = name.replace("\\", "\\\\").replace("\n", "\\n")
            lines.append(f"\\{digest}  {escaped}\n")
        else:
            lines.append(f"{digest}  {name}\n")
    return "".join(lines)


def parse_sums(text: str) -> dict[str, str]:
    sums = {}
    for line in text.split("\n"):
        if not line:
            continue
        escaped = line.startswith("\\")
        digest, separator, name = line.removeprefix("\\").partition("  ")
        if not separator or len(digest) != 64:
            raise RecoveryError(f"{SUMS} has a line it should not have: {line!r}")
        if escaped:
            name = _unescape(name)
        sums[name] = digest
    return sums


def _unescape(name: str) -> str:
    out, characters = [], iter(name)
    for character in characters:
        if character == "\\":
            following = next(characters, "")
            out.append("\n" if following == "n" else following)
        else:
            out.append(character)
    return "".join(out)


# Reading.


def open_archive(path: Path) -> tarfile.TarFile:
    """The archive as a stream (any compression), or a RecoveryError."""
    if not path.exists():
        raise RecoveryError(f"There is no file at {path}.")
    if not path.is_file():
        raise RecoveryError(f"{path} is not a file.")
    try:
        return tarfile.open(path, mode="r|*")
    except DAMAGE as exc:
        raise RecoveryError(
            f"{path} is not a Minbar backup: it is not a tar archive ({exc})."
        ) from exc


def read_manifest(path: Path) -> dict:
    """The manifest, read from the archive's first member; nothing else is read."""
    tar = open_archive(path)
    try:
        member = _next(tar, path)
        return _parse_manifest(path, _read_manifest(tar, member, path))
    finally:
        tar.close()


def _next(tar: tarfile.TarFile, path: Path) -> tarfile.TarInfo | None:
    try:
        return tar.next()
    except (*DAMAGE, UnicodeError) as exc:
        raise RecoveryError(f"{path} is damaged: {exc}.") from exc


def _read_manifest(tar: tarfile.TarFile, member, path: Path) -> bytes:
    if member is None or member.name != MANIFEST or not member.isfile():
        raise RecoveryError(
            f"{path} is not a Minbar backup: it does not begin with {MANIFEST}."
        )
    if member.size > MANIFEST_LIMIT:
        raise RecoveryError(f"{path} is not a Minbar backup: its manifest is huge.")
    try:
        return tar.extractfile(member).read()
    except DAMAGE as exc:
        raise RecoveryError(f"{path} is damaged: {exc}.") from exc


def _parse_manifest(path: Path, data: bytes) -> dict:
    try:
        manifest = json.loads(data)
    except (UnicodeError, ValueError) as exc:
        raise RecoveryError(
            f"{path} is not a Minbar backup: its manifest is not JSON."
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise RecoveryError(f"{path} is not a Minbar backup: its manifest says not.")
    version = manifest.get("format_version")
    if not isinstance(version, int):
        raise RecoveryError(
            f"{path} is not a Minbar backup: its manifest has no format_version."
        )
    if version > FORMAT_VERSION:
        raise RecoveryError(
            f"{path} is a backup in format {version}, made by Minbar "
            f"{manifest.get('minbar_version')}; this Minbar reads format "
            f"{FORMAT_VERSION} and older. Restore it with a newer Minbar."
        )
    for key, kind in REQUIRED.items():
        if not isinstance(manifest.get(key), kind):
            raise RecoveryError(
                f"{path} is not a Minbar backup: its manifest has no {key}."
            )
    if not all(isinstance(manifest["database"].get(k), str) for k in DATABASE_KEYS):
        raise RecoveryError(
            f"{path} is not a Minbar backup: its manifest names no database."
        )
    return manifest


REQUIRED = {
    "minbar_version": str,
    "created_at": str,
    "database": dict,
    "counts": dict,
    "media": dict,
    "migrations": dict,
}
DATABASE_KEYS = ("vendor", "member")


@dataclass
class Unpacked:
    """A backup verified and unpacked into a staging folder."""

    manifest: dict
    database: Path
    media: Path | None  # None: the backup holds no media
    files: int = 0  # media files
    size: int = 0  # bytes of media
    sums: dict[str, str] = field(default_factory=dict)


def unpack(path: Path, staging: Path, with_media: bool = True) -> Unpacked:
    """Unpack every member into ``staging`` and check it against SHA256SUMS.

    Raises RecoveryError, having changed nothing outside ``staging``, if a
    member is missing, extra, unsafe or does not match its checksum.  With
    ``with_media`` false, media members are checked but not written.
    """
    tar = open_archive(path)
    try:
        member = _next(tar, path)
        manifest_bytes = _read_manifest(tar, member, path)
        manifest = _parse_manifest(path, manifest_bytes)
        found = {MANIFEST: hashlib.sha256(manifest_bytes).hexdigest()}
        unpacked = Unpacked(manifest, database=Path(), media=None)
        sums_text = None
        for member in _members(tar, path):
            if sums_text is not None:
                raise RecoveryError(f"{path} has {member.name} after {SUMS}.")
            if member.name == SUMS:
                sums_text = _read_sums(tar, member, path)
                continue
            target = _staged_path(member, staging, path, with_media)
            found[member.name] = _extract(tar, member, target, path)
            if member.name.startswith(f"{MEDIA_DIR}/"):
                unpacked.files += 1
                unpacked.size += member.size
    finally:
        tar.close()
    if sums_text is None:
        raise RecoveryError(f"{path} is incomplete: it does not end with {SUMS}.")
    _compare(path, parse_sums(sums_text), found)
    database = manifest.get("database", {}).get("member", "")
    if database not in found or not database.startswith(f"{DATABASE_DIR}/"):
        raise RecoveryError(f"{path} holds no database.")
    unpacked.database = staging / database
    if manifest.get("media", {}).get("included"):
        unpacked.media = staging / MEDIA_DIR
        unpacked.media.mkdir(exist_ok=True)
    unpacked.sums = found
    return unpacked


def _members(tar: tarfile.TarFile, path: Path) -> Iterator[tarfile.TarInfo]:
    seen = set()
    while (member := _next(tar, path)) is not None:
        if member.isdir():
            continue
        if not member.isfile():
            raise RecoveryError(
                f"{path} holds {member.name}, which is not a plain file: refused."
            )
        if member.name in seen or member.name == MANIFEST:
            raise RecoveryError(f"{path} holds {member.name} twice: refused.")
        seen.add(member.name)
        yield member


def _read_sums(tar: tarfile.TarFile, member, path: Path) -> str:
    if member.size > 64 * MANIFEST_LIMIT:
        raise RecoveryError(f"{path}: {SUMS} is too large.")
    try:
        return tar.extractfile(member).read().decode()
    except (*DAMAGE, UnicodeError) as exc:
        raise RecoveryError(f"{path} is damaged: {exc}.") from exc


def _staged_path(member, staging: Path, path: Path, with_media: bool) -> Path | None:
    name = PurePosixPath(member.name)
    if (
        name.is_absolute()
        or ".." in name.parts
        or len(name.parts) < 2
        or name.parts[0] not in {DATABASE_DIR, MEDIA_DIR}
        or "\x00" in member.name
    ):
        raise RecoveryError(f"{path} holds {member.name!r}, which is not allowed.")
    if name.parts[0] == MEDIA_DIR and not with_media:
        return None
    return staging.joinpath(*name.parts)


def _extract(tar: tarfile.TarFile, member, target: Path | None, path: Path) -> str:
    """Write one member to ``target`` (or nowhere), returning its sha256."""
    digest = hashlib.sha256()
    try:
        source = tar.extractfile(member)
        if target is None:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
            return digest.hexdigest()
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        os.utime(target, (member.mtime, member.mtime))
    except DAMAGE as exc:
        raise RecoveryError(f"{path} is damaged at {member.name}: {exc}.") from exc
    return digest.hexdigest()


def _compare(path: Path, expected: dict[str, str], found: dict[str, str]) -> None:
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    wrong = sorted(
        name for name, digest in found.items() if expected.get(name, digest) != digest
    )
    problems = []
    if wrong:
        problems.append(f"{len(wrong)} do not match their checksum ({_few(wrong)})")
    if missing:
        problems.append(f"{len(missing)} are missing ({_few(missing)})")
    if extra:
        problems.append(f"{len(extra)} are not in {SUMS} ({_few(extra)})")
    if problems:
        raise RecoveryError(
            f"{path} is damaged or was altered: of its members, "
            + "; ".join(problems)
            + "."
        )


def _few(names: list[str]) -> str:
    return ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
