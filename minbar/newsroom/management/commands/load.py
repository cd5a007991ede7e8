from django.core.management.base import BaseCommand, CommandError

from minbar.newsroom.bundles import BundleError, load_bundle


class Command(BaseCommand):
    help = "Load a site bundle: publication.json, ninjs items and their media."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="the bundle's folder")

    def handle(self, directory, **options):
        try:
            report = load_bundle(directory)
        except BundleError as exc:
            raise CommandError(str(exc)) from exc
        for item in report.items:
            line = f"{item.outcome:9} {item.file}"
            if item.public_id:
                line += f"  /{item.public_id}"
            if item.reason:
                line += f"  {item.reason}"
            style = self.style.ERROR if item.outcome == "failed" else self.style.SUCCESS
            self.stdout.write(style(line))
        self.stdout.write(
            f"{report.count('created')} created, {report.count('updated')} updated, "
            f"{report.count('unchanged')} unchanged, {report.count('failed')} failed"
        )
        if report.failed:
            raise CommandError(f"{len(report.failed)} item(s) could not be loaded")
