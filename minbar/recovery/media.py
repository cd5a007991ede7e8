"""The media in a backup: the files under MEDIA_ROOT, renditions left out.

Renditions (Wagtail's resized copies, in ``images/``) are not backed up
unless asked (``minbar backup --renditions``): Wagtail makes them again from
the originals when a page first asks for them, and all together they are
often larger than the originals.  The database in such a backup has no
rendition rows either, so the two agree.
"""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages

RENDITIONS = "images"  # wagtail.images.models.AbstractRendition.get_upload_to


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT).resolve()


def on_local_disk() -> bool:
    """Whether the media are files under MEDIA_ROOT (not in object storage)."""
    return isinstance(storages["default"], FileSystemStorage)


def files(
    root: Path, skipped: Callable[[str], None], renditions: bool = False
) -> Iterator[tuple[str, Path]]:
    """(name in the archive, path) for every plain file under ``root``, sorted,
    renditions left out unless ``renditions``; anything else (links, sockets)
    is reported to ``skipped``."""
    if not root.is_dir():
        return
    for directory, subdirectories, names in os.walk(root):
        here = Path(directory)
        relative = here.relative_to(root)
        if relative == Path(".") and not renditions:
            subdirectories[:] = [d for d in subdirectories if d != RENDITIONS]
        subdirectories.sort()
        for name in sorted(names):
            path = here / name
            if path.is_symlink() or not path.is_file():
                skipped(str(path))
                continue
            yield (relative / name).as_posix(), path


class MediaSwap:
    """Puts unpacked media in MEDIA_ROOT's place, keeping the old aside so that
    ``undo`` can put it back if the database cannot be restored.

    Top-level entries are moved one by one with renames (staging sits beside
    MEDIA_ROOT, on the same file system), so MEDIA_ROOT itself may be a mount
    point or a symbolic link.
    """

    def __init__(self, unpacked: Path, root: Path, aside: Path):
        self.unpacked = unpacked
        self.root = root
        self.aside = aside
        self.moved_aside: list[str] = []
        self.moved_in: list[str] = []

    def apply(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.aside.mkdir(exist_ok=True)
        for entry in sorted(os.listdir(self.root)):
            shutil.move(self.root / entry, self.aside / entry)
            self.moved_aside.append(entry)
        for entry in sorted(os.listdir(self.unpacked)):
            shutil.move(self.unpacked / entry, self.root / entry)
            self.moved_in.append(entry)

    def undo(self) -> None:
        for entry in reversed(self.moved_in):
            shutil.move(self.root / entry, self.unpacked / entry)
        for entry in reversed(self.moved_aside):
            shutil.move(self.aside / entry, self.root / entry)
        self.moved_in.clear()
        self.moved_aside.clear()
