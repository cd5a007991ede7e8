"""Load a site bundle (docs/site-bundle.md) into the newsroom.

Loading is idempotent: an item whose file has not changed since it was last
loaded is left alone, a changed one becomes a new published revision.  Each
item loads in its own transaction; a malformed one is reported with its file
and the reason, and the others still load.
"""

import datetime
import hashlib
import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.text import slugify
from wagtail.images.models import Image
from wagtail.models import Site

from minbar.public.models import HomePage, PublicationSettings, StaffLine, TickerItem

from .html_body import html_to_blocks
from .models import Agency, ArticlePage, ArticleType, Author, SectionPage

DEFAULT_SECTION = ("news", "أخبار")


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
        with transaction.atomic():
            load_publication(directory, read_json(publication_file))
    report = LoadReport()
    for path in sorted((directory / "items").glob("*.json")):
        report.items.append(load_item_file(directory, path))
    return report


# Publication: identity, staff box, ticker, sections, writers, agencies.


def home_page():
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None or not isinstance(site.root_page.specific, HomePage):
        raise BundleError("the site has no home page: run `minbar migrate` first")
    return site, site.root_page.specific


def load_publication(directory: Path, data: dict):
    for key in ("name", "staff", "ticker"):
        if key not in data:
            raise BundleError(f"publication.json: missing '{key}'")
    site, home = home_page()
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


def ensure_section(home, slug, name, parent_slug=None):
    section = SectionPage.objects.filter(slug=slug).first()
    if section is not None:
        return section
    parent = home
    if parent_slug:
        parent = SectionPage.objects.filter(slug=parent_slug).first()
        if parent is None:
            raise BundleError(
                f"section '{slug}': unknown parent section '{parent_slug}'"
            )
    section = parent.add_child(instance=SectionPage(title=name, slug=slug))
    section.save_revision().publish()
    return section


def image_from_file(path: Path, title: str) -> Image:
    """The image with this file's content, created once (matched by hash)."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise BundleError(
            f"{path.name}: cannot read the picture ({exc.strerror})"
        ) from exc
    digest = hashlib.sha1(content, usedforsecurity=False).hexdigest()
    existing = Image.objects.filter(file_hash=digest).first()
    if existing is not None:
        return existing
    with path.open("rb") as handle:
        image = Image(title=title[:255], file=ImageFile(handle, name=path.name))
        image.save()
    return image


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


# Items: one ninjs document per article.


def load_item_file(directory: Path, path: Path) -> ItemOutcome:
    try:
        raw = path.read_bytes()
        item = json.loads(raw.decode("utf-8"))
        with transaction.atomic():
            return load_item(
                directory, path.name, item, hashlib.sha256(raw).hexdigest()
            )
    except (BundleError, ValueError, KeyError, TypeError, OSError) as exc:
        return ItemOutcome(path.name, "failed", reason=str(exc) or type(exc).__name__)


def by_role(entries, role, key="role"):
    return [entry for entry in entries or [] if entry.get(key) == role]


def first_value(entries, role):
    found = by_role(entries, role)
    return nfc(found[0].get("value", "")) if found else ""


def load_item(directory: Path, filename: str, item: dict, digest: str) -> ItemOutcome:
    if not isinstance(item, dict):
        raise BundleError("not a ninjs object")
    public_ids = by_role(item.get("altids"), "public-id")
    if not public_ids or not str(public_ids[0].get("value", "")).isdigit():
        raise BundleError("no numeric altids[role=public-id]")
    public_id = int(public_ids[0]["value"])
    headline = first_value(item.get("headlines"), "main")
    if not headline:
        raise BundleError("no headlines[role=main]")
    bodies = by_role(item.get("bodies"), "main")
    if not bodies or not bodies[0].get("value"):
        raise BundleError("no bodies[role=main]")

    article = ArticlePage.objects.filter(public_id=public_id).first()
    if article is not None and article.import_hash == digest:
        return ItemOutcome(filename, "unchanged", public_id)

    _site, home = home_page()
    section = item_section(home, item)
    fields = {
        "title": headline,
        "kicker": first_value(item.get("headlines"), "kicker"),
        "summary": first_value(item.get("descriptions"), "summary"),
        "article_type": item_type(item),
        "dateline": nfc(item.get("located", "")),
        "import_hash": digest,
    }
    created = article is None
    if created:
        article = ArticlePage(public_id=public_id, slug=str(public_id), **fields)
        article.body = html_to_blocks(nfc(bodies[0]["value"]))
        section.add_child(instance=article)
    else:
        for name, value in fields.items():
            setattr(article, name, value)
        article.body = html_to_blocks(nfc(bodies[0]["value"]))
        if article.get_parent().pk != section.pk:
            article.move(section, pos="last-child")
            article.refresh_from_db()
            for name, value in fields.items():
                setattr(article, name, value)
            article.body = html_to_blocks(nfc(bodies[0]["value"]))

    apply_picture(directory, article, item)
    apply_credits(article, item)
    first = parse_time(item.get("firstcreated") or item.get("versioncreated"))
    last = parse_time(item.get("versioncreated")) or first
    if first:
        # Publishing keeps a first publication time that is already set.
        article.first_published_at = first
    article.save_revision().publish()
    if first:
        ArticlePage.objects.filter(pk=article.pk).update(
            last_published_at=max(first, last)
        )
    return ItemOutcome(filename, "created" if created else "updated", public_id)


def item_type(item):
    known = set(ArticleType.values)
    for genre in item.get("genres") or []:
        literal = genre.get("literal") or genre.get("code")
        if literal in known:
            return literal
    return ArticleType.NEWS


def item_section(home, item):
    for subject in by_role(item.get("subjects"), "section", key="rel"):
        slug = subject.get("literal") or subject.get("code")
        if slug:
            return ensure_section(home, slug, nfc(subject.get("name") or slug))
    return ensure_section(home, *DEFAULT_SECTION)


def apply_picture(directory, article, item):
    pictures = by_role(item.get("associations"), "featureimage", key="name")
    if not pictures:
        article.image = None
        article.image_caption = article.image_alt = article.image_credit = ""
        return
    picture = pictures[0]
    renditions = picture.get("renditions") or []
    if not renditions or not renditions[0].get("href"):
        raise BundleError("featureimage has no rendition href")
    path = (directory / renditions[0]["href"]).resolve()
    if directory.resolve() not in path.parents:
        raise BundleError(f"rendition outside the bundle: {renditions[0]['href']}")
    caption = first_value(picture.get("descriptions"), "caption")
    article.image = image_from_file(path, caption or article.title)
    article.image_caption = caption
    article.image_alt = first_value(picture.get("descriptions"), "alt") or caption
    article.image_credit = nfc(
        picture.get("by") or picture.get("copyrightholder") or ""
    )


def apply_credits(article, item):
    people = item.get("people") or []
    writer_slugs = [p.get("literal") for p in by_role(people, "author", key="rel")]
    authors = list(Author.objects.filter(slug__in=[s for s in writer_slugs if s]))
    article.authors.set(authors)
    article.byline = "" if authors else nfc(item.get("by", ""))

    agencies = []
    for source in by_role(item.get("infosources"), "source"):
        name = nfc(source.get("name", "")).strip()
        if name:
            agency = Agency.objects.filter(name=name).first()
            if agency is None:
                agency = Agency.objects.create(
                    name=name,
                    slug=unique_slug(Agency, slugify(name, allow_unicode=True)),
                )
            agencies.append(agency)
    article.agencies.set(agencies)

    tags = []
    for kind in ("people", "places", "subjects"):
        for entry in item.get(kind) or []:
            if entry.get("rel") in {"author", "section"}:
                continue
            name = nfc(entry.get("name", "")).strip()
            if name and name not in tags:
                tags.append(name)
    article.tags.set(tags, clear=True)


def unique_slug(model, slug):
    candidate, n = slug or "item", 2
    while model.objects.filter(slug=candidate).exists():
        candidate, n = f"{slug}-{n}", n + 1
    return candidate
