"""Load a site bundle (docs/site-bundle.md) into the newsroom.

Loading is idempotent: an item whose file has not changed since it was last
loaded is left alone, a changed one becomes a new published revision.  Each
item loads in its own transaction; a malformed one is reported with its file
and the reason, and the others still load.
"""

import datetime
import hashlib
import io
import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from minbar.ingest import mapping, services
from minbar.ingest.items import WireItem
from minbar.ingest.mapping import MappingError, ensure_section, image_from_file
from minbar.ingest.parsers import ninjs
from minbar.public.models import PublicationSettings, StaffLine, TickerItem

from .models import Agency, ArticlePage, Author


class BundleError(ValueError):
    """A bundle file that cannot be loaded; the message says why."""


@dataclass
class ItemOutcome:
    file: str
    outcome: str  # created, updated, unchanged or failed
    public_id: int | None = None
    reason: str = ""


@dataclass
class LoadReport:
    items: list[ItemOutcome] = field(default_factory=list)

    def count(self, outcome):
        return sum(1 for item in self.items if item.outcome == outcome)

    @property
    def failed(self):
        return [item for item in self.items if item.outcome == "failed"]


def nfc(value):
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(f"{path.name}: {exc}") from exc


def load_bundle(directory) -> LoadReport:
    directory = Path(directory)
    if not directory.is_dir():
        raise BundleError(f"{directory}: not a folder")
    publication_file = directory / "publication.json"
    if publication_file.exists():
        try:
            with transaction.atomic():
                load_publication(directory, read_json(publication_file))
        except MappingError as exc:
            raise BundleError(f"publication.json: {exc}") from exc
    report = LoadReport()
    for path in sorted((directory / "items").glob("*.json")):
        report.items.append(load_item_file(directory, path))
    return report


# Publication: identity, staff box, ticker, sections, writers, agencies.


def load_publication(directory: Path, data: dict):
    for key in ("name", "staff", "ticker"):
        if key not in data:
            raise BundleError(f"publication.json: missing '{key}'")
    site, home = mapping.home_site()
    settings = PublicationSettings.for_site(site)
    settings.name = nfc(data["name"])
    settings.tagline = nfc(data.get("tagline", ""))
    logo = data.get("logo")
    settings.logo = image_from_file(directory / logo, settings.name) if logo else None
    settings.save()

    set_staff_box(
        settings, [(nfc(line["role"]), nfc(line["name"])) for line in data["staff"]]
    )
    set_pinned_ticker(data["ticker"])

    for section in data.get("sections", []):
        ensure_section(
            home, section["slug"], nfc(section["name"]), section.get("parent")
        )
    for writer in data.get("writers", []):
        author, _ = Author.objects.update_or_create(
            slug=writer["slug"],
            defaults={
                "name": nfc(writer["name"]),
                "title": nfc(writer.get("title", "")),
                "bio": nfc(writer.get("bio", "")),
            },
        )
        if writer.get("photo"):
            author.photo = image_from_file(directory / writer["photo"], author.name)
            author.save(update_fields=["photo"])
    for agency in data.get("agencies", []):
        Agency.objects.update_or_create(
            slug=agency["slug"],
            defaults={
                "name": nfc(agency["name"]),
                "full_name": nfc(agency.get("full_name", "")),
            },
        )


def set_staff_box(settings, lines):
    """Replace the staff box with these (role, person) lines, unless it already is."""
    current = list(settings.staff_lines.values_list("role", "person"))
    if current == lines:
        return
    StaffLine.objects.filter(publication=settings).delete()
    for order, (role, person) in enumerate(lines):
        StaffLine.objects.create(
            publication=settings, sort_order=order, role=role, person=person
        )


def set_pinned_ticker(items):
    """Replace the pinned ticker items with these, unless they already are."""
    wanted = []
    for order, item in enumerate(items):
        ticker_item = TickerItem(
            text=nfc(item["text"]),
            url=item.get("url") or "",
            expires_at=parse_time(item.get("expires")),
            sort_order=order,
        )
        try:
            ticker_item.full_clean()
        except ValidationError as exc:
            message = f"publication.json: ticker item {order + 1}: {exc}"
            raise BundleError(message) from exc
        wanted.append(ticker_item)
    fields = ("text", "url", "expires_at", "sort_order")
    current = [tuple(getattr(t, f) for f in fields) for t in TickerItem.objects.all()]
    if current == [tuple(getattr(t, f) for f in fields) for t in wanted]:
        return
    TickerItem.objects.all().delete()
    TickerItem.objects.bulk_create(wanted)


def parse_time(value):
    if not value:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise BundleError(f"not an ISO 8601 time: {value!r}") from exc
    if parsed.tzinfo is None:
        raise BundleError(f"time without a UTC offset: {value!r}")
    return parsed


# Items: one ninjs document per article, read by the same parser as the wires.


def load_item_file(directory: Path, path: Path) -> ItemOutcome:
    try:
        raw = path.read_bytes()
        entries = list(ninjs.parse(io.BytesIO(raw), path.name))
        if len(entries) != 1:
            raise BundleError("an item file holds one ninjs item")
        (entry,) = entries
        if entry.error or entry.item is None:
            raise BundleError(entry.error or entry.skipped)
        with transaction.atomic():
            return load_item(
                directory, path.name, entry.item, hashlib.sha256(raw).hexdigest()
            )
    except (BundleError, MappingError, ValueError, OSError) as exc:
        return ItemOutcome(path.name, "failed", reason=str(exc) or type(exc).__name__)


def load_item(
    directory: Path, filename: str, item: WireItem, digest: str
) -> ItemOutcome:
    if item.public_id is None:
        raise BundleError("no numeric altids[role=public-id]")
    if not item.body_html:
        raise BundleError("no bodies[role=main]")
    article = ArticlePage.objects.filter(public_id=item.public_id).first()
    if article is not None and article.import_hash == digest:
        return ItemOutcome(filename, "unchanged", item.public_id)

    # Built as a wire item becomes an article; a bundle carries its pictures,
    # so a missing one is a broken bundle, not a warning.
    to = services.Destination(source="bundle", folders=[directory])
    created = article is None
    article, applied = services.build_article(item, to, article)
    if applied.warnings:
        raise BundleError(applied.warnings[0])
    article.import_hash = digest
    first = item.firstcreated or item.versioncreated
    last = item.versioncreated or first
    if first:
        # Publishing keeps a first publication time that is already set.
        article.first_published_at = first
    article.save_revision().publish()
    if first:
        ArticlePage.objects.filter(pk=article.pk).update(
            last_published_at=max(first, last)
        )
    return ItemOutcome(filename, "created" if created else "updated", item.public_id)
