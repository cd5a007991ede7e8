"""The newsroom's content: sections, articles, writers and agencies.

Sections and articles are pages, because editors arrange them in the page
tree; writers and agencies are snippets.  Every article has a numeric public
id and is served at ``/<id>``, wherever it sits in the tree.
"""

import datetime

from django.db import models
from django.db.models import Max
from django.http import HttpResponsePermanentRedirect
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, PageManager
from wagtail.search import index

from minbar.delivery import keys
from minbar.delivery.kept import kept

from .blocks import ArticleBodyBlock
from .html_body import clean_text
from .paging import ArchivePaginator

LISTING_PAGE_SIZE = 20
RELATED_COUNT = 4  # an article's related stories
# A republication sooner than this after first publication is not shown as an update.
UPDATE_THRESHOLD = datetime.timedelta(minutes=5)


class ArticleType(models.TextChoices):
    NEWS = "news", _("News")
    REPORT = "report", _("Report")
    ANALYSIS = "analysis", _("Analysis")
    OPINION = "opinion", _("Opinion column")
    EDITORIAL = "editorial", _("Editor's column")
    INTERVIEW = "interview", _("Interview")


# Article types signed by a columnist: their pages show the writer's card.
COLUMN_TYPES = {ArticleType.OPINION, ArticleType.EDITORIAL}


class PlainTextMixin:
    """Cleans the model's plain-text fields before validation and saving:
    control characters XML cannot carry go, bidi overrides are closed
    (``html_body.clean_text``), whether the text came from the newsroom, a
    wire or a script."""

    plain_text_fields: tuple[str, ...] = ()

    def clean_plain_text(self):
        for name in self.plain_text_fields:
            value = getattr(self, name)
            if isinstance(value, str):
                setattr(self, name, clean_text(value))

    def full_clean(self, *args, **kwargs):
        self.clean_plain_text()
        super().full_clean(*args, **kwargs)

    def save(self, *args, **kwargs):
        self.clean_plain_text()
        super().save(*args, **kwargs)


class Author(PlainTextMixin, index.Indexed, models.Model):
    """A writer: staff reporter, columnist or the editor-in-chief."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("address name"), max_length=120, unique=True, allow_unicode=True
    )
    title = models.CharField(
        pgettext_lazy("writer", "title"),
        max_length=120,
        blank=True,
        help_text=_("Shown before the name, e.g. the columnist's description."),
    )
    bio = models.TextField(_("short biography"), blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user = models.OneToOneField(
        "auth.User",
        verbose_name=_("newsroom account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("title"),
        FieldPanel("bio"),
        FieldPanel("photo"),
        FieldPanel("user"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]
    plain_text_fields = ("name", "title", "bio")

    class Meta:
        verbose_name = _("writer")
        verbose_name_plural = _("writers")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        # A route of the home page, which is the site's root.
        return f"/writers/{self.slug}/"


class Agency(PlainTextMixin, index.Indexed, models.Model):
    """A news agency or other source credited on articles."""

    name = models.CharField(
        _("name"), max_length=120, unique=True, help_text=_("As credited, e.g. تاس.")
    )
    slug = models.SlugField(
        _("address name"), max_length=120, unique=True, allow_unicode=True
    )
    full_name = models.CharField(_("full name"), max_length=255, blank=True)
    url = models.URLField(_("website"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("full_name"),
        FieldPanel("url"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]
    plain_text_fields = ("name", "full_name")

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True)
        super().save(*args, **kwargs)


class SectionPage(PlainTextMixin, Page):
    """A section of the paper (سياسة، اقتصاد ...); sections nest."""

    intro = models.TextField(_("introduction"), blank=True)
    show_on_home = models.BooleanField(
        _("show a block on the home page"),
        default=True,
        help_text=_("Used when the home page has no curated section blocks."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("show_on_home"),
    ]
    parent_page_types = ["minbar_public.HomePage", "minbar_newsroom.SectionPage"]
    subpage_types = ["minbar_newsroom.SectionPage", "minbar_newsroom.ArticlePage"]
    template = "minbar/newsroom/section_page.html"
    plain_text_fields = ("title", "draft_title", "intro")

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def articles(self):
        """Live articles of this section and its subsections, newest first."""
        return ArticlePage.objects.teasers().descendant_of(self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        paginator = ArchivePaginator(self.articles(), LISTING_PAGE_SIZE)
        context["page_obj"] = paginator.get_page(request.GET.get("page"))
        keys.add(request, f"s{self.pk}")
        context["subsections"] = SectionPage.objects.live().child_of(self)
        return context


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "minbar_newsroom.ArticlePage",
        on_delete=models.CASCADE,
        related_name="tagged_items",
    )


class ArticlePageManager(PageManager):
    def listing(self):
        """Live articles, newest first, with what a teaser shows."""
        return (
            self.get_queryset()
            .live()
            .filter(public_id__isnull=False)
            .select_related("image")
            .order_by("-first_published_at", "-pk")
        )

    def teasers(self):
        """The listing, for teasers only: without the bodies, the biggest
        column, which a teaser never shows."""
        return self.listing().defer("body")


class ArticlePage(PlainTextMixin, Page):
    """A story of any type, served at its numeric public id."""

    public_id = models.PositiveBigIntegerField(
        _("article number"),
        unique=True,
        null=True,
        blank=True,
        help_text=_("The number in the article's address; given automatically."),
    )
    article_type = models.CharField(
        _("article type"),
        max_length=20,
        choices=ArticleType.choices,
        default=ArticleType.NEWS,
    )
    kicker = models.CharField(
        _("kicker"),
        max_length=80,
        blank=True,
        help_text=_("A word or two above the headline."),
    )
    summary = models.TextField(_("summary"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("featured image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_caption = models.CharField(_("caption"), max_length=500, blank=True)
    image_credit = models.CharField(_("credit"), max_length=255, blank=True)
    image_alt = models.CharField(
        _("alternative text"),
        max_length=500,
        blank=True,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )
    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"), blank=True)
    authors = ParentalManyToManyField(Author, verbose_name=_("writers"), blank=True)
    byline = models.CharField(
        _("byline"),
        max_length=255,
        blank=True,
        help_text=_("Free text shown when no writer is chosen, e.g. a bureau."),
    )
    dateline = models.CharField(_("dateline"), max_length=120, blank=True)
    agencies = ParentalManyToManyField(Agency, verbose_name=_("agencies"), blank=True)
    tags = ClusterTaggableManager(
        through=ArticleTag, verbose_name=_("tags"), blank=True
    )
    import_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = ArticlePageManager()

    content_panels = [
        FieldPanel("kicker"),
        FieldPanel("title"),
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("article_type"), FieldPanel("dateline")]),
        MultiFieldPanel(
            [
                FieldPanel("image"),
                FieldPanel("image_caption"),
                FieldPanel("image_credit"),
                FieldPanel("image_alt"),
            ],
            heading=_("Featured image"),
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("authors"), FieldPanel("byline"), FieldPanel("agencies")],
            heading=_("Credits"),
        ),
        FieldPanel("tags"),
    ]
    # No slug field: the address is the article number, given automatically.
    promote_panels = [
        MultiFieldPanel(
            [FieldPanel("seo_title"), FieldPanel("search_description")],
            heading=_("For search engines"),
        ),
        FieldPanel("public_id", read_only=True),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("article_type"),
        index.FilterField("public_id"),
    ]
    parent_page_types = ["minbar_newsroom.SectionPage"]
    subpage_types = []
    template = "minbar/newsroom/article_page.html"
    plain_text_fields = (
        "title", "draft_title", "seo_title", "search_description", "kicker",
        "summary", "image_caption", "image_credit", "image_alt", "byline",
        "dateline",
    )  # fmt: skip

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def save(self, *args, **kwargs):
        if self.public_id is None:
            self.public_id = next_public_id()
        if not self.slug:
            self.slug = str(self.public_id)
        super().save(*args, **kwargs)

    def full_clean(self, *args, **kwargs):
        # The admin validates before save(): give new articles their number
        # and slug first, so that editors never have to type a slug.
        if self.public_id is None:
            self.public_id = next_public_id()
        if not self.slug:
            self.slug = str(self.public_id)
        super().full_clean(*args, **kwargs)

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request)
        if parts is None or self.public_id is None:
            return parts
        site_id, root_url, _path = parts
        return site_id, root_url, f"/{self.public_id}"

    def serve(self, request, *args, **kwargs):
        # Reached through the page tree (/section/slug/): send readers and
        # crawlers to the one canonical address.
        if self.public_id is not None and request.path != f"/{self.public_id}":
            return HttpResponsePermanentRedirect(self.get_url(request))
        return super().serve(request, *args, **kwargs)

    @property
    def section(self):
        return self.get_parent().specific

    @property
    def was_updated(self):
        """Republished at least a few minutes after first publication."""
        first, last = self.first_published_at, self.last_published_at
        return bool(first and last and last - first > UPDATE_THRESHOLD)

    @property
    def is_column(self):
        return self.article_type in COLUMN_TYPES

    def related_articles(self, count=RELATED_COUNT, section=None):
        """The newest other stories of the same section.  Every article of
        the section shows the same few: each process keeps them until the
        section's list changes (minbar/delivery/kept.py)."""
        section = section or self.get_parent()
        newest = kept(
            ("newest", section.pk, count + 1),
            # A section moved in or out of this one purges everything; a new
            # file for a story's picture purges the story's sections.
            [keys.EVERYTHING, f"s{section.pk}"],
            lambda: list(
                ArticlePage.objects.teasers().filter(path__startswith=section.path)[
                    : count + 1
                ]
            ),
        )
        return [article for article in newest if article.pk != self.pk][:count]

    def get_context(self, request, *args, **kwargs):
        # The public site's masthead holds its live sections (one list per
        # process, see there): the breadcrumb, the section's name and its
        # related stories come from it without a query.
        from minbar.public.masthead import for_request

        context = super().get_context(request, *args, **kwargs)
        context["authors"] = list(self.authors.select_related("photo"))
        context["agencies"] = list(self.agencies.all())
        context["tags"] = list(self.tags.all())
        breadcrumb = for_request(request).sections_above(self)
        if not breadcrumb or breadcrumb[-1].path != self.path[: -self.steplen]:
            # A preview in a section not (yet) live: ask the tree.
            breadcrumb = list(SectionPage.objects.ancestor_of(self).order_by("path"))
        context["breadcrumb"] = breadcrumb
        context["section"] = breadcrumb[-1]
        context["related"] = self.related_articles(section=context["section"])
        keys.add(request, keys.article_key(self.pk))
        keys.show_articles(request, context["related"])
        return context


def next_public_id():
    """The next free article number: one above the highest in use."""
    highest = ArticlePage.objects.aggregate(top=Max("public_id"))["top"] or 0
    return highest + 1
