"""A wire item's fields on an article: sections, type, credits, picture, body.

Shared by ``minbar ingest`` and the site-bundle loader, so that a ninjs item
becomes the same article whichever way it arrives.
"""

import hashlib
import re
import tempfile
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.utils.text import slugify
from wagtail.images.models import Image

from minbar.newsroom.html_body import html_to_blocks
from minbar.newsroom.models import Agency, ArticlePage, ArticleType, Author, SectionPage
from minbar.newsroom.uploads import check_picture

from . import sources
from .items import Picture, WireItem

DEFAULT_SECTION = ("news", "أخبار")

# IPTC genre codes and names (and WordPress-style words) to article types.
GENRES = {
    "analysis": ArticleType.ANALYSIS,
    "opinion": ArticleType.OPINION,
    "comment": ArticleType.OPINION,
    "column": ArticleType.OPINION,
    "editorial": ArticleType.EDITORIAL,
    "interview": ArticleType.INTERVIEW,
    "feature": ArticleType.REPORT,
    "report": ArticleType.REPORT,
    "reportage": ArticleType.REPORT,
    "news": ArticleType.NEWS,
    "current": ArticleType.NEWS,
}
# src="..." and href="..." in a wire body, to resolve against the item's address.
LINK_ATTRIBUTE = re.compile(r'(\s(?:src|href)=")([^"]*)(")')


class MappingError(ValueError):
    """An item that cannot become an article; the message says why."""


@dataclass
class Applied:
    """What applying an item left undone, to tell the editor."""

    warnings: list[str] = field(default_factory=list)


def article_type(item: WireItem) -> str:
    genre = item.genre.rsplit(":", 1)[-1].strip().lower()
    if genre in ArticleType.values:
        return genre
    return GENRES.get(genre, ArticleType.NEWS)


def body_blocks(item: WireItem) -> list[dict]:
    """The body as blocks: relative links resolved, then sanitised."""
    html = item.body_html
    if item.base_url:
        html = LINK_ATTRIBUTE.sub(
            lambda m: (
                m.group(1)
                + urllib.parse.urljoin(item.base_url, m.group(2))
                + m.group(3)
            ),
            html,
        )
    blocks = html_to_blocks(html)
    if not blocks and item.summary:
        blocks = html_to_blocks(f"<p>{item.summary}</p>")
    return blocks


def home_site():
    """The default site and its home page, where sections and articles go."""
    from wagtail.models import Site

    from minbar.public.models import HomePage

    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None or not isinstance(site.root_page.specific, HomePage):
        raise MappingError("the site has no home page: run `minbar migrate` first")
    return site, site.root_page.specific


def section_for(home, item: WireItem) -> SectionPage:
    for subject in item.subjects:
        if subject.kind == "section":
            slug = slugify(subject.code or subject.name, allow_unicode=True)
            if slug:
                return ensure_section(home, slug, subject.name or slug)
    return ensure_section(home, *DEFAULT_SECTION)


def ensure_section(home, slug, name, parent_slug=None) -> SectionPage:
    section = SectionPage.objects.filter(slug=slug).first()
    if section is not None:
        return section
    parent = home
    if parent_slug:
        parent = SectionPage.objects.filter(slug=parent_slug).first()
        if parent is None:
            raise MappingError(
                f"section '{slug}': unknown parent section '{parent_slug}'"
            )
    section = parent.add_child(instance=SectionPage(title=name, slug=slug))
    section.save_revision().publish()
    return section


def apply_fields(article: ArticlePage, item: WireItem) -> None:
    article.title = item.headline[:255]
    article.kicker = item.kicker[: ArticlePage._meta.get_field("kicker").max_length]
    article.summary = item.summary
    article.article_type = article_type(item)
    article.dateline = (item.located or item.dateline)[:120]
    article.body = body_blocks(item)


def apply_credits(
    article: ArticlePage,
    item: WireItem,
    create_writers: bool = False,
    agency: Agency | None = None,
) -> None:
    """Writers, byline, agencies and tags.

    Writers are matched to the newsroom's by slug, then by name; an export
    of the site's own archive (WordPress) creates the missing ones.
    """
    authors = []
    for person in item.authors:
        author = find_writer(person.code, person.name)
        if author is None and create_writers and person.name:
            slug = slugify(person.code or person.name, allow_unicode=True)
            author = Author.objects.create(
                name=person.name[:120], slug=unique_slug(Author, slug)
            )
        if author is not None and author not in authors:
            authors.append(author)
    article.authors.set(authors)
    article.byline = "" if authors else item.byline[:255]

    agencies = [agency] if agency else []
    for name in item.credits or [item.credit]:
        if name.strip():
            agencies.append(agency_named(name.strip()))
    article.agencies.set(list(dict.fromkeys(agencies)))

    tags = []
    for subject in item.subjects:
        name = subject.name.strip()
        if subject.kind != "section" and name and name not in tags:
            tags.append(name[:100])
    for person in item.people:
        if person.role != "author" and person.name and person.name not in tags:
            tags.append(person.name[:100])
    article.tags.set(tags, clear=True)


def find_writer(code: str, name: str) -> Author | None:
    if code:
        author = Author.objects.filter(slug=code).first()
        if author is not None:
            return author
    if name:
        return Author.objects.filter(name=name).first()
    return None


def agency_named(name: str) -> Agency:
    agency = Agency.objects.filter(name=name).first()
    if agency is None:
        slug = slugify(name, allow_unicode=True)
        agency = Agency.objects.create(name=name[:120], slug=unique_slug(Agency, slug))
    return agency


def unique_slug(model, slug: str) -> str:
    slug = slug[:100]  # room for "-2" within the field's 120 characters
    candidate, n = slug or "item", 2
    while model.objects.filter(slug=candidate).exists():
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


# The featured picture.


def apply_picture(
    article: ArticlePage,
    item: WireItem,
    folders: list[Path],
    applied: Applied,
    download: bool = False,
) -> None:
    """The first picture as the featured image, found in one of ``folders``
    or, with ``download``, fetched from its address.

    A picture that cannot be found leaves the story without one and a warning
    for the report: the text of a wire story matters more than its picture.
    """
    if not item.pictures:
        article.image = None
        article.image_caption = article.image_alt = article.image_credit = ""
        return
    picture = item.pictures[0]
    path = picture_file(picture, folders)
    with tempfile.TemporaryDirectory() as scratch:
        if path is None and download and sources.is_url(picture.href):
            try:
                path = downloaded(picture.href, Path(scratch))
            except sources.FetchError as exc:
                applied.warnings.append(str(exc))
                return
        if path is None:
            applied.warnings.append(f"picture not found: {picture.href}")
            return
        article.image = image_from_file(path, picture.caption or article.title)
    article.image_caption = picture.caption[:500]
    article.image_alt = (picture.alt or picture.caption)[:255]
    article.image_credit = picture.credit[:255]


def downloaded(url: str, folder: Path) -> Path:
    """The picture at ``url``, saved in ``folder`` under its own file name."""
    fetched = sources.fetch(url)
    name = Path(urllib.parse.urlsplit(url).path).name or "picture"
    path = folder / name
    path.write_bytes(fetched.content or b"")
    return path


def picture_file(picture: Picture, folders: list[Path]) -> Path | None:
    """The local file a picture's address points at, inside one of ``folders``.

    A relative address is looked up as is; a URL by the end of its path
    (``wp-content/uploads/2024/05/a.jpg`` is found as ``2024/05/a.jpg`` or
    ``a.jpg`` in a media folder).  Nothing outside the folders is read.
    """
    href = picture.href.strip()
    if not href:
        return None
    parsed = urllib.parse.urlsplit(href)
    path = urllib.parse.unquote(parsed.path)
    parts = [p for p in path.split("/") if p not in {"", ".", ".."}]
    if parsed.scheme not in {"", "file"}:
        if "uploads" in parts:
            parts = parts[parts.index("uploads") + 1 :]
    candidates = [parts[i:] for i in range(len(parts))]
    for folder in folders:
        root = folder.resolve()
        for candidate in candidates:
            found = root.joinpath(*candidate).resolve()
            if root in found.parents and found.is_file():
                return found
    return None


def image_from_file(path: Path, title: str) -> Image:
    """The image with this file's content, created once (matched by hash)."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise MappingError(
            f"{path.name}: cannot read the picture ({exc.strerror})"
        ) from exc
    digest = hashlib.sha1(content, usedforsecurity=False).hexdigest()
    existing = Image.objects.filter(file_hash=digest).first()
    if existing is not None:
        return existing
    with path.open("rb") as handle:
        try:
            check_picture(handle)
        except ValidationError as exc:
            raise MappingError(f"{path.name}: {exc.messages[0]}") from exc
        image = Image(title=title[:255], file=ImageFile(handle, name=path.name))
        image.save()
    return image
