"""`minbar restore PATH`: replace the database and the media with a backup."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from minbar.recovery import databases, media, services
from minbar.recovery.archive import RecoveryError


class Command(BaseCommand):
    help = (
        "Replace this site's database and media with a backup made by "
        "`minbar backup`, after checking it whole. See docs/recovery.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="do not ask: the current data is replaced (needed when not "
            "run from a terminal)",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="verify the backup and that this site can take it; change nothing",
        )
        parser.add_argument(
            "--no-media",
            action="store_true",
            help="restore the database only; leave MEDIA_ROOT as it is",
        )

    def handle(self, path, yes, check, no_media, **options):
        try:
            with services.stopped_cleanly():
                self.run(Path(path), yes, check, not no_media)
        except RecoveryError as exc:
            raise CommandError(str(exc)) from exc

    def run(self, path, yes, check, with_media):
        manifest = services.check(path)
        if not (yes or check or sys.stdin.isatty()):
            raise CommandError(
                "A restore replaces this site's database and media: pass --yes "
                "to confirm it. Nothing was changed."
            )
        self.stdout.write(describe(path, manifest))
        restore_media = services.restores_media(manifest, with_media)
        with services.staging(beside_media=media.on_local_disk()) as folder:
            unpacked = services.unpack(path, folder, restore_media and not check)
            self.stdout.write(
                f"Checked: all {len(unpacked.sums)} members match their "
                "checksums, and the database can be restored here."
            )
            if check:
                return
            if not yes and not self.confirm(restore_media):
                raise CommandError("Nothing was restored.")
            counts = services.restore(unpacked, restore_media)
        self.stdout.write(self.style.SUCCESS(f"Restored {services.summary(counts)}."))
        if manifest["media"]["included"] and not restore_media:
            self.stdout.write("The media were left as they are (--no-media).")
        self.stdout.write(
            "Restart the app servers and the worker (`systemctl restart "
            "'minbar-web@*' minbar-worker`): they may hold things cached from "
            "before in their memory."
        )

    def confirm(self, restore_media):
        replaced = databases.for_site().describe()
        if restore_media:
            replaced += f" and the media in {media.media_root()}"
        self.stdout.write(f"This replaces {replaced}.")
        try:
            return input('Type "yes" to restore: ').strip().lower() == "yes"
        except EOFError:
            return False


def describe(path, manifest):
    database = manifest["database"]
    return (
        f"{path}: a backup of {manifest.get('hostname', 'a site')} made "
        f"{manifest['created_at']} by Minbar {manifest['minbar_version']}, "
        f"{services.VENDOR_NAMES[database['vendor']]} {database.get('version')}: "
        f"{services.summary(manifest['counts'])}; media "
        f"{'included' if manifest['media']['included'] else 'not included'}."
    )
