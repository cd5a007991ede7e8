"""Wire sources the newsroom polls, and the incoming queue (الوارد)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from minbar.newsroom.models import Agency, ArticlePage

from .parsers import PARSERS

FORMAT_CHOICES = [("", _("Detect from the content"))] + [
    (name, name) for name in PARSERS
]


class WireSource(models.Model):
    """A feed URL or a drop folder that delivers items in one format."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    url = models.URLField(_("feed address"), max_length=500, blank=True)
    folder = models.CharField(
        _("drop folder"),
        max_length=500,
        blank=True,
        help_text=_("A folder on the server where the agency drops its files."),
    )
    format = models.CharField(
        _("format"), max_length=20, blank=True, choices=FORMAT_CHOICES
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency to credit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    poll_minutes = models.PositiveIntegerField(_("poll every (minutes)"), default=5)
    trusted = models.BooleanField(
        _("trusted"),
        default=False,
        help_text=_("Items of a trusted source are published without review."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    # What the last poll learnt: validators for a conditional GET, and errors.
    etag = models.CharField(max_length=255, blank=True, editable=False)
    last_modified = models.CharField(max_length=64, blank=True, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [FieldPanel("url"), FieldPanel("folder"), FieldPanel("format")],
            heading=_("Where and how"),
        ),
        FieldRowPanel([FieldPanel("poll_minutes"), FieldPanel("agency")]),
        FieldRowPanel([FieldPanel("trusted"), FieldPanel("enabled")]),
    ]

    class Meta:
        verbose_name = _("wire source")
        verbose_name_plural = _("wire sources")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(url="", folder=""),
                name="minbar_ingest_source_has_url_or_folder",
                violation_error_message=_("Give a feed address or a drop folder."),
            )
        ]

    def __str__(self):
        return self.name


class IncomingItem(models.Model):
    """One version of one wire item, as received."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        USED = "used", _("Used")
        REJECTED = "rejected", _("Rejected")

    source = models.CharField(_("source"), max_length=100, db_index=True)
    guid = models.CharField(_("item id"), max_length=500)
    version = models.CharField(_("version"), max_length=50, blank=True)
    content_hash = models.CharField(max_length=64, db_index=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.NEW,
        db_index=True,
    )
    format = models.CharField(_("format"), max_length=20)
    headline = models.CharField(_("headline"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)
    body_html = models.TextField(_("body"), blank=True)  # sanitised
    byline = models.CharField(_("byline"), max_length=255, blank=True)
    located = models.CharField(_("dateline"), max_length=120, blank=True)
    urgency = models.PositiveSmallIntegerField(_("urgency"), null=True, blank=True)
    pubstatus = models.CharField(max_length=20, default="usable")
    embargoed = models.DateTimeField(_("embargoed until"), null=True, blank=True)
    versioncreated = models.DateTimeField(_("sent at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    item = models.JSONField(default=dict)  # the whole WireItem, to make an article
    article = models.ForeignKey(
        ArticlePage,
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wire_items",
    )

    class Meta:
        verbose_name = _("incoming item")
        verbose_name_plural = _("incoming items")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "guid", "version"],
                name="minbar_ingest_one_row_per_version",
            )
        ]
        indexes = [models.Index(fields=["source", "guid"])]

    def __str__(self):
        return self.headline
