"""`minbar backup PATH`: the database and the media in one file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from minbar.recovery import services
from minbar.recovery.archive import RecoveryError


class Command(BaseCommand):
    help = (
        "Back up the database and the media into one file: PATH.tar, "
        "PATH.tar.gz or PATH.tar.xz, or a folder to write "
        "minbar-<time>.tar.gz into. See docs/recovery.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the file to write, or a folder")
        parser.add_argument(
            "--no-media", action="store_true", help="back up the database only"
        )
        parser.add_argument(
            "--renditions",
            action="store_true",
            help="keep Wagtail's resized images too (by default they are left "
            "out and made again after a restore)",
        )
        parser.add_argument(
            "--overwrite", action="store_true", help="replace an existing file"
        )

    def handle(self, path, no_media, renditions, overwrite, **options):
        try:
            with services.stopped_cleanly():
                result = services.backup(
                    Path(path),
                    with_media=not no_media,
                    renditions=renditions,
                    overwrite=overwrite,
                )
        except RecoveryError as exc:
            raise CommandError(str(exc)) from exc
        for skipped in result.skipped:
            self.stderr.write(f"Left out (not a plain file, or deleted): {skipped}")
        manifest = result.manifest
        media = (
            f"{result.files} media files ({services.size(result.media_bytes)})"
            if manifest["media"]["included"]
            else f"no media: {manifest['media']['note']}"
        )
        self.stdout.write(
            f"Backed up {services.summary(manifest['counts'])} from the "
            f"{services.VENDOR_NAMES[manifest['database']['vendor']]} database, "
            f"and {media}."
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.path} ({services.size(result.path.stat().st_size)})"
            )
        )
