"""Polling the wire sources configured in the newsroom.

A source is polled when its interval has passed: a feed with a conditional
GET (304 costs nothing), a drop folder by reading its files.  Items already
received are recognised, so a file left in the folder is never ingested
twice.  A failing source keeps its error for the newsroom to see and is
tried again at its next turn.
"""

import datetime
from collections.abc import Iterator
from pathlib import Path

from django.utils import timezone

from . import sources
from .models import WireSource
from .services import (
    Destination,
    Outcome,
    ingest_stream,
    read_entries,
    receive_entries,
)


def due_sources(now: datetime.datetime | None = None) -> list[WireSource]:
    now = now or timezone.now()
    return [
        source
        for source in WireSource.objects.filter(enabled=True)
        if source.last_polled_at is None
        or source.last_polled_at + datetime.timedelta(minutes=source.poll_minutes)
        <= now
    ]


def poll(source: WireSource) -> list[Outcome]:
    """Fetch and receive what the source has; remember how it went."""
    destination = Destination(
        source=source.name,
        publish=source.trusted,
        agency=source.agency,
        download_pictures=bool(source.url),
    )
    outcomes: list[Outcome] = []
    error = ""
    try:
        if source.url:
            outcomes += poll_feed(source, destination)
        if source.folder:
            outcomes += poll_folder(source, destination)
    except (sources.FetchError, OSError) as exc:
        error = str(exc)
    failures = [f"{o.location}: {o.reason}" for o in outcomes if o.failed]
    source.last_error = "\n".join(filter(None, [error, *failures]))[:5000]
    source.last_polled_at = timezone.now()
    source.save(update_fields=["etag", "last_modified", "last_polled_at", "last_error"])
    return outcomes


def poll_feed(source: WireSource, destination: Destination) -> list[Outcome]:
    fetched = sources.fetch(source.url, source.etag, source.last_modified)
    if fetched.content is None:
        return []
    outcomes = list(
        ingest_stream(
            sources.as_stream(fetched.content), source.url, destination, source.format
        )
    )
    source.etag, source.last_modified = fetched.etag, fetched.last_modified
    return outcomes


def poll_folder(source: WireSource, destination: Destination) -> Iterator[Outcome]:
    folder = Path(source.folder)
    if not folder.is_dir():
        raise OSError(f"{source.folder}: not a folder")

    def entries():
        for path in sources.files_in(folder):
            to = Destination(**{**vars(destination), "folders": [path.parent]})
            with path.open("rb") as stream:
                name = str(path.relative_to(folder))
                for entry in read_entries(stream, name, source.format):
                    yield entry, to

    return receive_entries(entries())
