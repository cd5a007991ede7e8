"""RSS 2.0 and Atom 1.0 feeds of the whole site and of each section, writer and tag.

Each feed lists the newest live articles (``ArticlePage.objects.listing()``).
Links and GUIDs are the articles' canonical addresses on the site's root URL,
dates are in the site's time zone, and the featured picture travels as an
enclosure and as a Media RSS element with its caption and credit.
"""

import datetime
import mimetypes
import re
from dataclasses import dataclass
from html import escape as escape_text
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import feedgenerator, timezone
from django.utils.encoding import iri_to_uri
from django.utils.html import escape
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Site

from minbar.delivery import keys
from minbar.newsroom.html_body import xml_text
from minbar.newsroom.models import ArticlePage, Author, SectionPage
from minbar.public.models import PublicationSettings

from .sitemaps import site_root

FEED_SIZE = 30
ENCLOSURE_FILTER = "width-1200"
DC_NS = "http://purl.org/dc/elements/1.1/"
MEDIA_NS = "http://search.yahoo.com/mrss/"
# src="/media/..." and href="/123" in a rendered body, made absolute for readers.
ROOT_RELATIVE = re.compile(r'(\s(?:src|href)=")/(?!/)')


def full_content() -> bool:
    """Whether items carry the whole body rather than the summary."""
    return getattr(settings, "MINBAR_FEED_FULL_CONTENT", False)


# Feed generators: several writers per item, and the Media RSS picture.


def add_media(handler, item: dict[str, Any]) -> None:
    picture = item.get("picture")
    if picture is None:
        return
    handler.startElement(
        "media:content",
        {
            "url": picture["url"],
            "fileSize": str(picture["length"]),
            "type": picture["type"],
            "medium": "image",
            "width": str(picture["width"]),
            "height": str(picture["height"]),
        },
    )
    if picture["caption"]:
        handler.addQuickElement(
            "media:description", picture["caption"], {"type": "plain"}
        )
    if picture["credit"]:
        handler.addQuickElement("media:credit", picture["credit"])
    handler.endElement("media:content")


class MinbarRssFeed(feedgenerator.Rss201rev2Feed):
    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DC_NS, "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, _link in item["writers"]:
            handler.addQuickElement("dc:creator", name)
        add_media(handler, item)


class MinbarAtomFeed(feedgenerator.Atom1Feed):
    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, link in item["writers"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            if link:
                handler.addQuickElement("uri", link)
            handler.endElement("author")
        add_media(handler, item)


# The feeds.


@dataclass
class Subject:
    """What a feed is about (None for the whole site), and where it is read."""

    request: HttpRequest
    root: str
    publication: PublicationSettings | None
    obj: Any = None


class ArticleFeed(Feed):
    """The whole site; subclasses narrow the articles to one section, writer or tag."""

    feed_type = MinbarRssFeed
    language = "ar"

    def get_feed(self, obj: Subject, request: HttpRequest) -> Any:
        # A control character in a headline, a writer's name or a tag makes
        # Django's XML writer raise: the feed would be a 500 until it is fixed.
        feed = super().get_feed(obj, request)
        feed.feed = xml_safe(feed.feed)
        feed.items = [xml_safe(item) for item in feed.items]
        return feed

    def get_object(self, request, *args, **kwargs) -> Subject:
        site = Site.find_for_request(request)
        publication = PublicationSettings.for_site(site) if site else None
        return Subject(request, site_root(request), publication)

    def articles(self, subject: Subject) -> QuerySet:
        return ArticlePage.objects.listing()

    def publication_name(self, subject: Subject) -> str:
        return (subject.publication and subject.publication.name) or _("Minbar")

    def title(self, subject: Subject) -> str:
        return self.publication_name(subject)

    def link(self, subject: Subject) -> str:
        return subject.root + "/"

    def subtitle(self, subject: Subject) -> str:
        """What the feed is, as text (Atom's subtitle)."""
        tagline = subject.publication and subject.publication.tagline
        return tagline or _("The latest articles of %(name)s") % {
            "name": self.publication_name(subject)
        }

    def description(self, subject: Subject) -> str:
        # RSS's channel description, which readers take for HTML like the
        # items' descriptions: a writer's name or a section's introduction in
        # it is text, escaped.
        return escape_text(self.subtitle(subject), quote=False)

    def feed_url(self, subject: Subject) -> str:
        return iri_to_uri(subject.root + subject.request.path)

    def feed_guid(self, subject: Subject) -> str:
        return self.feed_url(subject)

    def author_name(self, subject: Subject) -> str:
        # Atom needs an author for entries without writers or byline.
        return self.publication_name(subject)

    def items(self, subject: Subject) -> list[ArticlePage]:
        renditions = get_image_model().get_rendition_model().objects
        articles = list(
            self.articles(subject).prefetch_related(
                "authors",
                "tags",
                Prefetch(
                    "image__renditions",
                    queryset=renditions.filter(filter_spec=ENCLOSURE_FILTER),
                    to_attr="prefetched_renditions",
                ),
            )[:FEED_SIZE]
        )
        parent_paths = {a.path[: -ArticlePage.steplen] for a in articles}
        sections = {
            s.path: s for s in SectionPage.objects.filter(path__in=parent_paths)
        }
        for article in articles:
            article.feed_root = subject.root
            article.feed_section = sections.get(article.path[: -ArticlePage.steplen])
            article.feed_picture = featured_picture(article, subject.root)
        return articles

    def item_title(self, item: ArticlePage) -> str:
        return item.title

    def item_link(self, item: ArticlePage) -> str:
        return f"{item.feed_root}/{item.public_id}"

    def item_guid_is_permalink(self, item: ArticlePage) -> bool:
        return True

    def item_description(self, item: ArticlePage) -> str:
        """HTML in the feed's language and direction: readers show it as is.

        RSS and Atom have no element for direction, and Atom forbids foreign
        attributes without a namespace; the HTML carries it instead.
        """
        if full_content():
            html = ROOT_RELATIVE.sub(rf"\1{item.feed_root}/", str(item.body))
        else:
            html = f"<p>{escape(item.summary)}</p>"
        direction = "rtl" if get_language_info(self.language)["bidi"] else "ltr"
        return f'<div dir="{direction}" lang="{self.language}">{html}</div>'

    def item_pubdate(self, item: ArticlePage) -> datetime.datetime:
        return local_seconds(item.first_published_at)

    def item_updateddate(self, item: ArticlePage) -> datetime.datetime:
        return local_seconds(item.last_published_at or item.first_published_at)

    def item_categories(self, item: ArticlePage) -> list[str]:
        section = [item.feed_section.title] if item.feed_section else []
        # A tag may repeat the section's name (الخليج): list it once.
        return list(dict.fromkeys(section + [tag.name for tag in item.tags.all()]))

    def item_enclosures(self, item: ArticlePage) -> list[feedgenerator.Enclosure]:
        picture = item.feed_picture
        if picture is None:
            return []
        return [
            feedgenerator.Enclosure(
                picture["url"], str(picture["length"]), picture["type"]
            )
        ]

    def item_extra_kwargs(self, item: ArticlePage) -> dict[str, Any]:
        writers = [
            (a.name, iri_to_uri(item.feed_root + a.get_absolute_url()))
            for a in item.authors.all()
        ]
        if not writers and item.byline:
            writers = [(item.byline, None)]
        return {"writers": writers, "picture": item.feed_picture}


def xml_safe(value: Any) -> Any:
    """The value with every string in it fit for XML 1.0."""
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, dict):
        return {key: xml_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(item) for item in value)
    return value


def local_seconds(moment: datetime.datetime) -> datetime.datetime:
    """In the site's time zone, to the second: RFC 822 has no fractions."""
    return timezone.localtime(moment).replace(microsecond=0)


def featured_picture(article: ArticlePage, root: str) -> dict[str, Any] | None:
    """The featured picture's rendition, as the enclosure and media elements need."""
    if article.image is None:
        return None
    rendition = article.image.get_rendition(ENCLOSURE_FILTER)
    url = rendition.url
    if url.startswith("/"):
        url = root + url
    mime_type = mimetypes.guess_type(rendition.file.name)[0] or "image/jpeg"
    return {
        "url": url,
        "length": rendition.file.size,
        "type": mime_type,
        "width": rendition.width,
        "height": rendition.height,
        "caption": article.image_caption,
        "credit": article.image_credit,
    }


class SectionFeed(ArticleFeed):
    def get_object(self, request, path: str) -> Subject:
        subject = super().get_object(request)
        site = Site.find_for_request(request)
        root_path = site.root_page.url_path if site else "/"
        subject.obj = get_object_or_404(
            SectionPage.objects.live(), url_path=f"{root_path}{path.strip('/')}/"
        )
        keys.add(request, f"s{subject.obj.pk}")
        return subject

    def articles(self, subject: Subject) -> QuerySet:
        return super().articles(subject).descendant_of(subject.obj)

    def title(self, subject: Subject) -> str:
        return _("%(name)s: %(section)s") % {
            "name": self.publication_name(subject),
            "section": subject.obj.title,
        }

    def link(self, subject: Subject) -> str:
        return iri_to_uri(subject.obj.get_full_url(subject.request))

    def subtitle(self, subject: Subject) -> str:
        return subject.obj.intro or _("The latest articles in %(section)s") % {
            "section": subject.obj.title
        }


class WriterFeed(ArticleFeed):
    def get_object(self, request, slug: str) -> Subject:
        subject = super().get_object(request)
        subject.obj = get_object_or_404(Author, slug=slug)
        keys.add(request, f"w{subject.obj.pk}")
        return subject

    def articles(self, subject: Subject) -> QuerySet:
        return super().articles(subject).filter(authors=subject.obj)

    def title(self, subject: Subject) -> str:
        return _("%(name)s: %(writer)s") % {
            "name": self.publication_name(subject),
            "writer": subject.obj.name,
        }

    def link(self, subject: Subject) -> str:
        return iri_to_uri(subject.root + subject.obj.get_absolute_url())

    def subtitle(self, subject: Subject) -> str:
        return _("The latest articles by %(writer)s") % {"writer": subject.obj.name}


class TagFeed(ArticleFeed):
    def get_object(self, request, slug: str) -> Subject:
        subject = super().get_object(request)
        subject.obj = get_object_or_404(Tag, slug=slug)
        keys.add(request, f"t{subject.obj.pk}")
        return subject

    def articles(self, subject: Subject) -> QuerySet:
        return super().articles(subject).filter(tags=subject.obj)

    def title(self, subject: Subject) -> str:
        return _("%(name)s: %(tag)s") % {
            "name": self.publication_name(subject),
            "tag": subject.obj.name,
        }

    def link(self, subject: Subject) -> str:
        return iri_to_uri(f"{subject.root}/tags/{subject.obj.slug}/")

    def subtitle(self, subject: Subject) -> str:
        return _("The latest articles tagged %(tag)s") % {"tag": subject.obj.name}
