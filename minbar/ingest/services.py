"""Receiving wire items: the incoming queue, and articles made from items.

Every item is received in its own transaction: all of it or none of it.  A
version already received is recognised (source + item id + version) and so
is the same story received twice (its content hash), so re-running an
import changes nothing.  A newer version of a story that became an article
updates the article as a new revision; ``canceled`` or ``withheld``
unpublishes it; an embargoed item is scheduled to go live at its time.
"""

import datetime
import hashlib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect

from minbar.newsroom.html_body import clean_html
from minbar.newsroom.models import Agency, ArticlePage

from . import mapping, parsers
from .items import ParsedEntry, Person, Picture, Subject, WireItem
from .models import IncomingItem

WITHDRAWN = {"canceled", "withheld"}
# What recognising an item needs of the items received before.
LOOKUP_FIELDS = (
    "source", "guid", "version", "content_hash", "headline", "versioncreated",
    "article",
)  # fmt: skip


@dataclass
class Outcome:
    """What became of one entry, for the report: one line per entry."""

    location: str
    outcome: str  # see OUTCOMES
    headline: str = ""
    url: str = ""
    public_id: int | None = None
    reason: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.outcome == "failed"


# Every outcome a report can show, in the order the summary lists them.
OUTCOMES = (
    "created",
    "updated",
    "queued",
    "held",
    "withdrawn",
    "unchanged",
    "duplicate",
    "older",
    "skipped",
    "failed",
)


@dataclass
class Destination:
    """Where received items go, and how."""

    source: str  # the source's name: items are unique within it
    publish: bool = False  # make published articles, not queue items
    agency: Agency | None = None  # credited on every article of the source
    folders: list[Path] = field(default_factory=list)  # where pictures are
    create_writers: bool = False  # the site's own archive brings its writers
    download_pictures: bool = False  # fetch pictures given by web address
    dry_run: bool = False


class DryRun(Exception):
    """Raised inside the item's transaction to roll it back."""


def content_hash(item: WireItem) -> str:
    """The story's text: the same story from two sources hashes the same."""
    text = "\x1f".join((item.headline, item.summary, item.body_html))
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    return hashlib.sha256(text.encode()).hexdigest()


def version_key(item: WireItem, digest: str) -> str:
    # Feeds number no versions: a changed story is a new version all the same.
    return item.version or f"h:{digest[:16]}"


def receive(item: WireItem, location: str, to: Destination) -> Outcome:
    """Receive one item: queue it, and with ``to.publish`` make it an article."""
    try:
        with transaction.atomic():
            outcome = _receive(item, location, to)
            if to.dry_run:
                raise DryRun
    except DryRun:
        pass
    except (mapping.MappingError, ValueError, OSError, DatabaseError) as exc:
        # The item's transaction was rolled back: nothing of it was written.
        return Outcome(location, "failed", item.headline, reason=str(exc).strip())
    return outcome


def _receive(item: WireItem, location: str, to: Destination) -> Outcome:
    digest = content_hash(item)
    version = version_key(item, digest)
    # One query for all the item's history, and any twin by content.
    known = list(
        IncomingItem.objects.filter(
            Q(source=to.source, guid=item.guid) | Q(content_hash=digest)
        ).only(*LOOKUP_FIELDS)
    )
    received = [r for r in known if r.source == to.source and r.guid == item.guid]
    same = next((r for r in received if r.version == version), None)
    if same is not None:
        return outcome_for(location, "unchanged", same)
    if item.pubstatus not in WITHDRAWN:
        # The same story under another id (or from another source); a new
        # version of this very item goes through even if its text is unchanged.
        twin = next(
            (r for r in known if r.content_hash == digest and r not in received), None
        )
        if twin is not None:
            return outcome_for(location, "duplicate", twin)

    incoming = incoming_row(item, to, digest, version)
    incoming.save()
    # The newest version received before that became an article.
    earlier = next((r for r in received if r.article_id is not None), None)
    article = earlier.article if earlier else None

    if item.pubstatus in WITHDRAWN:
        incoming.status = IncomingItem.Status.REJECTED
        incoming.article = article
        incoming.save(update_fields=["status", "article"])
        if article is not None and article.live:
            article.unpublish()
        return outcome_for(location, "withdrawn", incoming)
    if article is not None and is_older(item, earlier):
        return outcome_for(location, "older", incoming)
    if not (to.publish or article is not None):
        return outcome_for(location, "queued", incoming)
    return publish(incoming, item, location, to, article)


def incoming_row(item: WireItem, to: Destination, digest: str, version: str):
    return IncomingItem(
        source=to.source,
        guid=item.guid[:500],
        version=version[:50],
        content_hash=digest,
        format=item.format,
        headline=item.headline[:500],
        summary=item.summary,
        body_html=clean_html(item.body_html),
        byline=item.byline[:255],
        located=(item.located or item.dateline)[:120],
        urgency=item.urgency,
        pubstatus=item.pubstatus,
        embargoed=item.embargoed,
        versioncreated=item.versioncreated,
        item=item_to_json(item),
    )


def is_older(item: WireItem, earlier: IncomingItem) -> bool:
    """Whether the article already shows a later version than this one."""
    if item.version.isdigit() and earlier.version.isdigit():
        return int(item.version) < int(earlier.version)
    if item.versioncreated and earlier.versioncreated:
        return item.versioncreated < earlier.versioncreated
    return False


def publish(
    incoming: IncomingItem,
    item: WireItem,
    location: str,
    to: Destination,
    article: ArticlePage | None = None,
) -> Outcome:
    """Make or update the item's article and publish it (or schedule it)."""
    created = article is None
    article, applied = build_article(item, to, article)
    embargoed = bool(item.embargoed and item.embargoed > timezone.now())
    # Wagtail publishes a revision with a future go-live time when the time
    # comes (`publish_scheduled`, which the worker runs every minute).
    article.go_live_at = item.embargoed if embargoed else None
    article.save_revision().publish()
    article.refresh_from_db()  # publishing saved a copy made from the revision
    if item.firstcreated and not embargoed and created:
        # The story's own times, not the import's.
        last = max(item.firstcreated, item.versioncreated or item.firstcreated)
        ArticlePage.objects.filter(pk=article.pk).update(
            first_published_at=item.firstcreated, last_published_at=last
        )
    if created and item.permalink:
        redirect_old_address(item.permalink, article)
    incoming.status = IncomingItem.Status.USED
    incoming.article = article
    incoming.save(update_fields=["status", "article"])
    if embargoed:
        kind = "held"
    else:
        kind = "created" if created else "updated"
    outcome = outcome_for(location, kind, incoming)
    outcome.warnings = applied.warnings
    return outcome


def build_article(
    item: WireItem, to: Destination, article: ArticlePage | None
) -> tuple[ArticlePage, mapping.Applied]:
    applied = mapping.Applied()
    _site, home = mapping.home_site()
    section = mapping.section_for(home, item)
    if article is None:
        public_id = item.public_id
        if (
            public_id is not None
            and ArticlePage.objects.filter(public_id=public_id).exists()
        ):
            raise mapping.MappingError(
                f"article number {public_id} is already taken by another article"
            )
        article = ArticlePage(public_id=public_id)
        mapping.apply_fields(article, item)
        article.live = False
        section.add_child(instance=article)
    else:
        article = article.specific
        if article.get_parent().pk != section.pk:
            article.move(section, pos="last-child")
            article.refresh_from_db()
        mapping.apply_fields(article, item)
    mapping.apply_picture(
        article, item, to.folders, applied, download=to.download_pictures
    )
    # A WordPress export is a site's own archive: its writers come along.
    create_writers = to.create_writers or item.format == "wxr"
    mapping.apply_credits(article, item, create_writers, to.agency)
    return article, applied


def redirect_old_address(permalink: str, article: ArticlePage) -> None:
    """The story's old address (a WordPress permalink) now leads to the article."""
    old_path = Redirect.normalise_path(permalink)
    if old_path in {"/", f"/{article.public_id}"}:
        return
    Redirect.objects.update_or_create(
        old_path=old_path,
        site=None,
        defaults={"redirect_page": article, "is_permanent": True},
    )


def incoming_location(incoming: IncomingItem) -> str:
    return f"{incoming.source}#{incoming.guid}"


def outcome_for(location: str, kind: str, incoming: IncomingItem) -> Outcome:
    article = incoming.article
    return Outcome(
        location,
        kind,
        incoming.headline,
        url=article.url if article is not None and article.live else "",
        public_id=article.public_id if article is not None else None,
    )


# The item travels in the queue as JSON, to make an article from it later.


def item_to_json(item: WireItem) -> dict:
    # Not dataclasses.asdict: it deep-copies, and took a third of queueing.
    data = dict(vars(item))
    for name in ("people", "subjects", "pictures"):
        data[name] = [dict(vars(part)) for part in data[name]]
    data["credits"] = list(data["credits"])
    for name in ("embargoed", "firstcreated", "versioncreated"):
        if data[name] is not None:
            data[name] = data[name].isoformat()
    return data


def item_from_json(data: dict) -> WireItem:
    data = dict(data)
    for name in ("embargoed", "firstcreated", "versioncreated"):
        if data.get(name):
            data[name] = datetime.datetime.fromisoformat(data[name])
    data["people"] = [Person(**p) for p in data.get("people", [])]
    data["subjects"] = [Subject(**s) for s in data.get("subjects", [])]
    data["pictures"] = [Picture(**p) for p in data.get("pictures", [])]
    return WireItem(**data)


def use_item(incoming: IncomingItem, folders: list[Path] | None = None) -> Outcome:
    """The newsroom's "create article": a draft from a queued item, for review."""
    item = item_from_json(incoming.item)
    to = Destination(
        source=incoming.source, folders=folders or [], download_pictures=True
    )
    with transaction.atomic():
        article, applied = build_article(item, to, incoming.article)
        article.save_revision()
        incoming.status = IncomingItem.Status.USED
        incoming.article = article
        incoming.save(update_fields=["status", "article"])
    outcome = Outcome(
        incoming_location(incoming),
        "created",
        item.headline,
        public_id=article.public_id,
    )
    outcome.warnings = applied.warnings
    return outcome


# Files and downloads.


def read_entries(
    stream: BinaryIO, name: str, format: str = ""
) -> Iterator[ParsedEntry]:
    """Every entry of one file or download, or one saying why it has none."""
    try:
        yield from parsers.parse(stream, name, format)
    except parsers.UnknownFormat as exc:
        yield ParsedEntry(name, error=str(exc))


def ingest_stream(
    stream: BinaryIO, name: str, to: Destination, format: str = ""
) -> Iterator[Outcome]:
    """Receive every entry of one file or download, one outcome each."""
    return receive_entries((entry, to) for entry in read_entries(stream, name, format))


def receive_entries(
    entries: Iterable[tuple[ParsedEntry, Destination]],
) -> Iterator[Outcome]:
    """Receive entries (of any number of files), one outcome each, in order.

    Items that only join the queue are written QUEUE_BATCH at a time, in one
    statement and one transaction: a wire drop folder delivers thousands of
    small files, and a transaction each is what limits the pace.  Each is
    still one row, all of it or none of it.  An item that makes or changes an
    article goes on its own, in its own transaction, as does one whose story
    or id came earlier in the same batch, after the batch is written.  When
    anything fails the batch so far is kept; a re-run finds it unchanged.
    """
    batch = QueueBatch()
    try:
        for entry, to in entries:
            if entry.error:
                batch.add(Outcome(entry.location, "failed", reason=entry.error))
            elif entry.skipped or entry.item is None:
                batch.add(Outcome(entry.location, "skipped", reason=entry.skipped))
            elif not batch.takes(entry, to):
                yield from batch.write()
                yield receive(entry.item, entry.location, to)
            if batch.full or not batch.waiting:
                yield from batch.write()
        yield from batch.write()
    except BaseException:
        batch.write()  # what was taken is written, whatever stopped the run
        raise


QUEUE_BATCH = 200


class QueueBatch:
    """New items bound for the queue, written together (see receive_entries),
    and the outcomes of the entries between them, in order."""

    def __init__(self) -> None:
        self.source = ""
        self.slots: list[Outcome | tuple[ParsedEntry, Destination]] = []
        self.waiting = 0  # entries among the slots
        self.guids: set[str] = set()
        self.digests: set[str] = set()

    @property
    def full(self) -> bool:
        return self.waiting >= QUEUE_BATCH

    def add(self, outcome: Outcome) -> None:
        self.slots.append(outcome)

    def takes(self, entry: ParsedEntry, to: Destination) -> bool:
        """Take the entry if it is plainly new to the queue; say whether."""
        item = entry.item
        if to.publish or to.dry_run or item.pubstatus in WITHDRAWN:
            return False
        if self.waiting and to.source != self.source:
            return False
        digest = content_hash(item)
        if item.guid in self.guids or digest in self.digests:
            return False  # its story or id came just before: on its own
        self.source = to.source
        self.guids.add(item.guid)
        self.digests.add(digest)
        self.slots.append((entry, to))
        self.waiting += 1
        return True

    def write(self) -> list[Outcome]:
        """Write the entries taken; the outcomes of every slot, in order."""
        slots, self.slots = self.slots, []
        entries = [slot for slot in slots if isinstance(slot, tuple)]
        self.waiting = 0
        self.guids.clear()
        self.digests.clear()
        if entries:
            try:
                with transaction.atomic():
                    written = iter(self._write(entries))
            except (ValueError, DatabaseError):
                # Something in the batch (a twin received meanwhile by a
                # poll, say): each on its own names the one at fault.
                written = iter([receive(e.item, e.location, to) for e, to in entries])
        return [next(written) if isinstance(slot, tuple) else slot for slot in slots]

    def _write(self, entries: list[tuple[ParsedEntry, Destination]]) -> list[Outcome]:
        items = [entry.item for entry, _to in entries]
        digests = [content_hash(item) for item in items]
        found = IncomingItem.objects.filter(
            Q(source=self.source, guid__in=[item.guid for item in items])
            | Q(content_hash__in=digests)
        ).only(*LOOKUP_FIELDS)
        by_guid, by_digest = {}, {}
        for row in found:
            if row.source == self.source:
                by_guid.setdefault(row.guid, []).append(row)
            by_digest.setdefault(row.content_hash, []).append(row)
        outcomes, new = [], []
        for (entry, to), item, digest in zip(entries, items, digests, strict=True):
            history = by_guid.get(item.guid, [])
            version = version_key(item, digest)
            same = next((r for r in history if r.version == version), None)
            twins = (r for r in by_digest.get(digest, []) if r not in history)
            twin = next(twins, None)
            if same is not None:
                outcomes.append(known_outcome(entry.location, "unchanged", same))
            elif any(r.article_id for r in history):
                # A new version of a story that is an article: one item's work.
                outcomes.append(receive(item, entry.location, to))
            elif twin is not None:
                outcomes.append(known_outcome(entry.location, "duplicate", twin))
            else:
                new.append(incoming_row(item, to, digest, version))
                outcomes.append(Outcome(entry.location, "queued", item.headline))
        insert(new)
        return outcomes


def insert(rows: list[IncomingItem]) -> None:
    """Insert new queue rows at once.  On PostgreSQL by COPY: bulk_create
    sends them as arrays, and psycopg escapes every quote of the items' JSON
    one regular-expression match at a time (a third of the rows' pace)."""
    if connection.vendor != "postgresql" or not rows:
        IncomingItem.objects.bulk_create(rows)
        return
    fields = [f for f in IncomingItem._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(IncomingItem._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.wrap_database_errors, connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [
                        f.get_db_prep_save(f.pre_save(row, True), connection)
                        for f in fields
                    ]
                )


def known_outcome(location: str, kind: str, incoming: IncomingItem) -> Outcome:
    if incoming.article_id is None:  # no article to look up
        return Outcome(location, kind, incoming.headline)
    return outcome_for(location, kind, incoming)
