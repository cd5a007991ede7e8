import dataclasses
import json
import sys
from dataclasses import asdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from minbar.ingest import sources
from minbar.ingest.items import ParsedEntry
from minbar.ingest.models import IncomingItem, WireSource
from minbar.ingest.parsers import PARSERS
from minbar.ingest.services import (
    OUTCOMES,
    Destination,
    Outcome,
    read_entries,
    receive_entries,
)


class Command(BaseCommand):
    help = (
        "Ingest wire items: ninjs, NewsML-G2, RSS/Atom or WordPress exports, "
        "from files, folders or feed addresses."
    )

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+", help="files, folders or URLs")
        parser.add_argument(
            "--source",
            default="",
            help="the wire source's name: a configured source lends its agency, "
            "format and trust; items are unique within a source (default: manual)",
        )
        parser.add_argument(
            "--publish", action="store_true", help="publish articles directly"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report, but change nothing"
        )
        parser.add_argument("--format", choices=sorted(PARSERS), default="")
        parser.add_argument(
            "--media",
            action="append",
            default=[],
            help="a folder where the items' pictures are (repeatable)",
        )
        parser.add_argument(
            "--json", action="store_true", help="one JSON object per line"
        )

    def handle(self, *args, **options):
        limit = IncomingItem._meta.get_field("source").max_length
        if len(options["source"]) > limit:
            raise CommandError(f"--source: at most {limit} characters")
        configured = WireSource.objects.filter(name=options["source"]).first()
        destination = Destination(
            source=options["source"] or "manual",
            publish=options["publish"] or bool(configured and configured.trusted),
            agency=configured.agency if configured else None,
            folders=[Path(folder) for folder in options["media"]],
            dry_run=options["dry_run"],
        )
        fmt = options["format"] or (configured.format if configured else "")
        counts = dict.fromkeys(OUTCOMES, 0)
        entries = (
            entry
            for argument in options["sources"]
            for entry in self.entries_of(argument, destination, fmt)
        )
        for outcome in receive_entries(entries):
            counts[outcome.outcome] += 1
            self.report(outcome, options["json"])
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
        if options["json"]:
            self.stdout.write(json.dumps({"summary": counts}))
        else:
            self.stdout.write(summary or "nothing to ingest")
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} item(s) failed")

    def entries_of(self, argument, destination, fmt):
        """The argument's entries, each with where it goes."""
        if sources.is_url(argument):
            try:
                fetched = sources.fetch(argument)
            except sources.FetchError as exc:
                yield ParsedEntry(argument, error=str(exc)), destination
                return
            stream = sources.as_stream(fetched.content or b"")
            to = dataclasses.replace(destination, download_pictures=True)
            for entry in read_entries(stream, argument, fmt):
                yield entry, to
            return
        path = Path(argument)
        if not path.exists():
            yield ParsedEntry(argument, error="no such file or folder"), destination
            return
        for file in sources.files_in(path):
            # Pictures are looked for beside the item file and one level up
            # (a site bundle keeps items/ and media/ side by side).
            folders = [*destination.folders, file.parent, file.parent.parent]
            to = dataclasses.replace(destination, folders=folders)
            name = str(file.relative_to(path)) if path.is_dir() else file.name
            with file.open("rb") as stream:
                for entry in read_entries(stream, name, fmt):
                    yield entry, to

    def report(self, outcome: Outcome, as_json: bool):
        if as_json:
            self.stdout.write(json.dumps(asdict(outcome), ensure_ascii=False))
            return
        line = f"{outcome.outcome:9} {outcome.location}"
        if outcome.url or outcome.public_id:
            line += f"  {outcome.url or f'/{outcome.public_id}'}"
        if outcome.headline:
            line += f"  {outcome.headline}"
        if outcome.reason:
            line += f"  — {outcome.reason}"
        for warning in outcome.warnings:
            line += f"  ({warning})"
        style = self.style.ERROR if outcome.failed else self.style.SUCCESS
        self.stdout.write(style(line))
        sys.stdout.flush()
