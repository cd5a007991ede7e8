"""The search index's table, and the spelling variants editors add."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


class SearchDocument(models.Model):
    """One published article as the index sees it.

    The analysed terms live in the backend's own structure (an FTS5 table on
    SQLite, a tsvector column on PostgreSQL) keyed by ``page_id``; this row
    keeps what filters, snippets and re-indexing need.
    """

    page = models.OneToOneField(
        "minbar_newsroom.ArticlePage",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
    )
    public_id = models.PositiveBigIntegerField(db_index=True)
    headline = models.TextField()
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    meta = models.TextField(blank=True)  # writers, tags, section, agencies
    section_path = models.CharField(max_length=255, db_index=True)
    article_type = models.CharField(max_length=20, db_index=True)
    authors = models.CharField(max_length=255, blank=True)  # "|3|7|"
    first_published_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("search document")
        indexes = [
            # Newest first, in the exact order results are listed, so that a
            # common word's newest matches are found by walking it and
            # stopping after a page (and date filters use it too).
            models.Index(
                fields=["-first_published_at", "-page_id"], name="minbar_search_newest"
            )
        ]

    def __str__(self):
        return self.headline


class SpellingVariant(models.Model):
    """Spellings of one foreign name or loanword that search treats as one."""

    spellings = models.TextField(
        _("spellings"),
        help_text=_(
            "One spelling per line, the usual one first, e.g. ترامب then ترمب. "
            "Articles that use any of them are re-indexed when you save."
        ),
    )

    panels = [FieldPanel("spellings")]

    class Meta:
        verbose_name = _("spelling variant")
        verbose_name_plural = _("spelling variants")

    def __str__(self):
        return " / ".join(self.spelling_list())

    def spelling_list(self):
        return [line.strip() for line in self.spellings.splitlines() if line.strip()]
