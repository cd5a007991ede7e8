"""A published article as an IPTC ninjs 2.2 document.

The mapping is the reverse of the site-bundle loader (``newsroom/bundles.py``,
docs/site-bundle.md), so an article written out here loads back as the same
article: ``altids[role=public-id]``, ``genres[].literal``,
``subjects[rel=section]``, ``people[rel=author]``, ``infosources[role=source]``
and ``associations[name=featureimage]``.
"""

import mimetypes
import re
from collections.abc import Callable

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.encoding import iri_to_uri
from wagtail.models import PageLogEntry

from minbar.newsroom.models import ArticlePage, SectionPage

# Wagtail renditions offered besides the original file, by ninjs rendition name.
RENDITIONS = ("width-1200", "width-640")
ROOT_RELATIVE = re.compile(r'(\b(?:src|href)=")/(?!/)')

Absolute = Callable[[str], str]


def articles() -> QuerySet:
    """Live articles with what their ninjs needs, newest first."""
    publications = (
        PageLogEntry.objects.filter(page=OuterRef("pk"), action="wagtail.publish")
        .values("page")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        ArticlePage.objects.listing()
        .annotate(
            publications=Coalesce(
                Subquery(publications, output_field=IntegerField()), 1
            )
        )
        .prefetch_related(
            "authors", "agencies", "tagged_items__tag", "image__renditions"
        )
    )


def sections_by_path() -> dict[str, SectionPage]:
    return {section.path: section for section in SectionPage.objects.all()}


def timestamp(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def article_ninjs(
    article: ArticlePage, absolute: Absolute, section: SectionPage | None = None
) -> dict:
    """The ninjs 2.2 document of a live article; ``absolute`` makes URLs absolute."""
    section = section or article.get_parent().specific
    authors = list(article.authors.all())
    item = {
        "uri": absolute(f"/{article.public_id}"),
        "type": "text",
        "version": str(max(getattr(article, "publications", 1), 1)),
        "pubstatus": "usable",
        "language": "ar",
        "altids": [{"role": "public-id", "value": str(article.public_id)}],
        "headlines": headlines(article),
        "bodies": [
            {
                "role": "main",
                "contenttype": "text/html",
                "value": body_html(article, absolute),
            }
        ],
        "genres": [{"name": type_label(article), "literal": article.article_type}],
        "people": [
            {
                "name": author.name,
                "rel": "author",
                "literal": author.slug,
                "uri": absolute(author.get_absolute_url()),
            }
            for author in authors
        ],
        "subjects": subjects(article, section, absolute),
        "infosources": [agency_source(agency) for agency in article.agencies.all()],
    }
    if article.first_published_at:
        item["firstcreated"] = timestamp(article.first_published_at)
    last = article.last_published_at or article.first_published_at
    if last:
        item["versioncreated"] = timestamp(last)
    if article.summary:
        item["descriptions"] = [
            {"role": "summary", "contenttype": "text/plain", "value": article.summary}
        ]
    byline = "، ".join(author.name for author in authors) or article.byline
    if byline:
        item["by"] = byline
    if article.dateline:
        item["located"] = article.dateline
    if article.image:
        item["associations"] = [feature_image(article, absolute)]
    return {key: value for key, value in item.items() if value != []}


def headlines(article: ArticlePage) -> list[dict]:
    result = [{"role": "main", "contenttype": "text/plain", "value": article.title}]
    if article.kicker:
        result.append(
            {"role": "kicker", "contenttype": "text/plain", "value": article.kicker}
        )
    return result


def type_label(article: ArticlePage) -> str:
    with translation.override("ar"):
        return str(article.get_article_type_display())


def body_html(article: ArticlePage, absolute: Absolute) -> str:
    """The body as the article page renders it, with absolute links."""
    html = "".join(str(block.render()) for block in article.body)
    return ROOT_RELATIVE.sub(lambda match: match.group(1) + absolute("/"), html)


def subjects(article: ArticlePage, section: SectionPage, absolute: Absolute):
    result = [
        {
            "name": section.title,
            "rel": "section",
            "literal": section.slug,
            "uri": absolute(section.url or "/"),
        }
    ]
    for tagged in article.tagged_items.all():
        result.append(
            {
                "name": tagged.tag.name,
                "rel": "about",
                "literal": tagged.tag.slug,
                "uri": absolute(f"/tags/{tagged.tag.slug}/"),
            }
        )
    return result


def agency_source(agency) -> dict:
    source = {"name": agency.name, "role": "source", "literal": agency.slug}
    if agency.url:
        source["uri"] = iri_to_uri(agency.url)
    return source


def feature_image(article: ArticlePage, absolute: Absolute) -> dict:
    image = article.image
    original = absolute(image.file.url)
    renditions = [
        rendition_entry("original", original, image.width, image.height, image.file)
    ]
    for spec, rendition in image.get_renditions(*RENDITIONS).items():
        renditions.append(
            rendition_entry(
                spec,
                absolute(rendition.url),
                rendition.width,
                rendition.height,
                rendition.file,
            )
        )
    descriptions = [
        {"role": role, "contenttype": "text/plain", "value": value}
        for role, value in (
            ("caption", article.image_caption),
            ("alt", article.image_alt),
        )
        if value
    ]
    picture = {
        "name": "featureimage",
        "uri": original,
        "type": "picture",
        "renditions": renditions,
    }
    if article.image_credit:
        picture["by"] = article.image_credit
    if descriptions:
        picture["descriptions"] = descriptions
    return picture


def rendition_entry(name, href, width, height, file) -> dict:
    contenttype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return {
        "name": name,
        "href": href,
        "contenttype": contenttype,
        "width": width,
        "height": height,
    }
