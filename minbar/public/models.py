"""The public site's furniture: the home page, the masthead and the ticker."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import Tag
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Orderable, Page

from minbar.delivery import keys
from minbar.delivery.kept import kept
from minbar.delivery.middleware import cache_for
from minbar.newsroom.models import (
    LISTING_PAGE_SIZE,
    ArticlePage,
    Author,
    SectionPage,
)
from minbar.newsroom.paging import ArchivePaginator

HOME_CACHE_SECONDS = 60


class HomePage(RoutablePageMixin, Page):
    """The front page, and the root of the archives that are not sections."""

    lead_story = models.ForeignKey(
        "minbar_newsroom.ArticlePage",
        verbose_name=_("lead story"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: the newest story with a picture leads."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("lead_story"),
        InlinePanel("top_stories", heading=_("Top stories"), label=_("story")),
        InlinePanel("section_blocks", heading=_("Section blocks"), label=_("section")),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["minbar_newsroom.SectionPage"]
    max_count = 1
    template = "minbar/public/home_page.html"

    class Meta:
        verbose_name = _("home page")
        permissions = [("curate_homepage", _("Can curate the home page"))]

    # Curation, with fallbacks so that a fresh site looks finished.

    def front(self, top_count=4, block_count=4, latest_count=10):
        """The front as this version of the page curates it (a draft's, in a
        preview)."""
        from .fronts import build_front

        return build_front(self, top_count, block_count, latest_count)

    def live_front(self):
        """The published front, kept by each process until a publish, a
        section's change, the curation's or a picture's purges the home page
        (delivery/kept.py), or for the minute the front cache keeps it:
        writers' edits purge nothing."""
        return kept(
            ("front", self.pk),
            [keys.EVERYTHING, keys.path_key("/"), keys.PICTURES],
            # The curation as published now: this page may have been read
            # before a publish that moved the keys' numbers.
            lambda: HomePage.objects.get(pk=self.pk).front(),
            changes_at=lambda front: (
                timezone.now() + datetime.timedelta(seconds=HOME_CACHE_SECONDS)
            ),
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Lazy: the routes below render with this context too, without a front.
        # A preview shows the draft's curation, and is not kept.
        preview = getattr(request, "is_preview", False)
        context["front"] = SimpleLazyObject(self.front if preview else self.live_front)
        return context

    def serve(self, request, *args, **kwargs):
        if request.path == self.url:
            # The front page says "5 minutes ago": the front cache keeps it a
            # minute.  Any publish purges it before that.
            cache_for(request, HOME_CACHE_SECONDS)
        return super().serve(request, *args, **kwargs)

    # Archives that are not sections: writers, tags and days.

    def render_listing(self, request, template, queryset, **extra):
        page_obj = ArchivePaginator(queryset, LISTING_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return self.render(
            request,
            template=template,
            context_overrides={"page_obj": page_obj, **extra},
        )

    @path("writers/", name="writers")
    def writers(self, request):
        # A writer is listed once their first live article is found: one
        # probe of the index of links by writer (newsroom migration 0002)
        # per writer, where EXISTS made PostgreSQL join every link there is.
        first_live = (
            ArticlePage.authors.through.objects.filter(
                author_id=OuterRef("pk"), articlepage__live=True
            )
            .order_by("articlepage_id")
            .values("pk")[:1]
        )
        authors = (
            Author.objects.alias(first_live=Subquery(first_live))
            .filter(first_live__isnull=False)
            .select_related("photo")
        )
        keys.add(request, "writers")
        return self.render(
            request,
            template="minbar/public/writers.html",
            context_overrides={"authors": authors},
        )

    @path("writers/<str:slug>/", name="writer")
    def writer(self, request, slug):
        author = get_object_or_404(Author.objects.select_related("photo"), slug=slug)
        keys.add(request, f"w{author.pk}")
        articles = ArticlePage.objects.teasers().filter(authors=author)
        return self.render_listing(
            request, "minbar/public/writer.html", articles, author=author
        )

    @path("tags/<str:slug>/", name="tag")
    def tag(self, request, slug):
        tag = get_object_or_404(Tag, slug=slug)
        keys.add(request, f"t{tag.pk}")
        articles = ArticlePage.objects.teasers().filter(tags=tag)
        return self.render_listing(request, "minbar/public/tag.html", articles, tag=tag)

    @path("archive/<int:year>/<int:month>/<int:day>/", name="day")
    def day(self, request, year, month, day):
        try:
            date = datetime.date(year, month, day)
        except ValueError as exc:
            raise Http404 from exc
        keys.add(request, keys.day_key(date))
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(date, datetime.time.min, tzinfo=tz)
        articles = ArticlePage.objects.teasers().filter(
            first_published_at__gte=start,
            first_published_at__lt=start + datetime.timedelta(days=1),
        )
        return self.render_listing(
            request,
            "minbar/public/day.html",
            articles,
            date=date,
            previous_day=date - datetime.timedelta(days=1),
            next_day=date + datetime.timedelta(days=1),
        )


class TopStory(Orderable):
    home = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="top_stories")
    article = models.ForeignKey(
        "minbar_newsroom.ArticlePage",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("article")]


class SectionBlock(Orderable):
    home = ParentalKey(
        HomePage, on_delete=models.CASCADE, related_name="section_blocks"
    )
    section = models.ForeignKey(
        SectionPage,
        verbose_name=_("section"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("section")]


@register_setting(icon="site")
class PublicationSettings(ClusterableModel, BaseSiteSetting):
    """Site identity and the staff box (masthead)."""

    name = models.CharField(_("publication name"), max_length=120)
    tagline = models.CharField(_("tagline"), max_length=255, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ticker_size = models.PositiveSmallIntegerField(
        _("latest headlines in the ticker"), default=12
    )
    month_names = models.CharField(
        _("Gregorian month names"),
        max_length=10,
        choices=[("egypt", _("Egypt and the Gulf: يناير، أبريل")),
                 ("levant", _("The Levant and Iraq: كانون الثاني، نيسان"))],
        default="egypt",
    )  # fmt: skip
    hijri_offset = models.SmallIntegerField(
        _("Hijri date correction (days)"),
        default=0,
        choices=[(n, str(n)) for n in (-2, -1, 0, 1, 2)],
        help_text=_(
            "Days added to the Umm al-Qura date when the local moon sighting differs."
        ),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("tagline"), FieldPanel("logo")],
            heading=_("Identity"),
        ),
        InlinePanel("staff_lines", heading=_("Staff box"), label=_("line")),
        FieldPanel("ticker_size"),
        MultiFieldPanel(
            [FieldPanel("month_names"), FieldPanel("hijri_offset")],
            heading=_("Dates"),
        ),
    ]

    class Meta:
        verbose_name = _("publication")

    def __str__(self):
        return self.name or str(self._meta.verbose_name)


class StaffLine(Orderable):
    """One line of the staff box: a role and the person who holds it."""

    publication = ParentalKey(
        PublicationSettings, on_delete=models.CASCADE, related_name="staff_lines"
    )
    role = models.CharField(_("role"), max_length=120)
    person = models.CharField(_("person"), max_length=120)

    panels = [FieldPanel("role"), FieldPanel("person")]

    class Meta(Orderable.Meta):
        verbose_name = _("staff box line")

    def __str__(self):
        return f"{self.role}: {self.person}"


class TickerItemQuerySet(models.QuerySet):
    def current(self, now=None):
        """Items not yet expired: expiry needs no deploy and no cron job."""
        now = now or timezone.now()
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def validate_link(value):
    """A site path (/33234) or an http(s) address: never javascript: and the like.

    Browsers drop tabs and line breaks anywhere in an address and read a
    backslash as a slash, so "/<tab>/host" and "/<backslash>host" lead off the
    site: a path may hold neither, nor any other space or control character.
    """
    if value.startswith("/"):
        if value.startswith("//") or re.search(r"[\\\s\x00-\x1f\x7f]", value):
            raise ValidationError(URLValidator.message, code="invalid")
        return
    URLValidator(schemes=["http", "https"])(value)


class TickerItem(models.Model):
    """A pinned breaking item, shown before the latest headlines."""

    text = models.CharField(_("text"), max_length=255)
    url = models.CharField(
        _("link"),
        max_length=500,
        blank=True,
        validators=[validate_link],
        help_text=_("Optional: a page address such as /33234, or a full address."),
    )
    expires_at = models.DateTimeField(
        _("expires at"), null=True, blank=True, help_text=_("Empty: until removed.")
    )
    sort_order = models.IntegerField(_("order"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TickerItemQuerySet.as_manager()

    panels = [
        FieldPanel("text"),
        FieldPanel("url"),
        FieldPanel("expires_at"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        verbose_name = _("breaking ticker item")
        verbose_name_plural = _("breaking ticker items")
        ordering = ["sort_order", "-created_at"]

    def __str__(self):
        return self.text


__all__ = [
    "HomePage",
    "PublicationSettings",
    "SectionBlock",
    "StaffLine",
    "TickerItem",
    "TopStory",
]
