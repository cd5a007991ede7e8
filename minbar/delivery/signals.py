"""What each change purges from the front caches (see keys.py)."""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import keys
from .purge import purge


def article_changed(sender, instance, **kwargs):
    purge(keys.touched_by_article(instance))


def article_moved(sender, instance, parent_page_before, **kwargs):
    # Its new sections, as for an edit, and the lists of those it left.
    from minbar.newsroom.models import SectionPage

    left = SectionPage.objects.ancestor_of(parent_page_before, inclusive=True)
    purge(
        keys.touched_by_article(instance.specific)
        | {f"s{pk}" for pk in left.values_list("pk", flat=True)}
    )


def section_changed(sender, instance, **kwargs):
    # The navigation of every page lists the sections.
    purge({keys.EVERYTHING})


def writer_changed(sender, instance, **kwargs):
    # The writer's page, and the articles that show the writer's card.
    articles = instance.articlepage_set.values_list("pk", flat=True)
    purge({f"w{instance.pk}", "writers", *(keys.article_key(pk) for pk in articles)})


def home_changed(sender, instance, **kwargs):
    # The front's curation: the lead story, the top stories, the blocks.
    purge({keys.path_key("/")})


def site_changed(sender, instance, **kwargs):
    # Every page's links, and the masthead its processes keep, are the site's.
    purge({keys.EVERYTHING})


# Saves that change nothing a page shows: Wagtail fills these in on its own.
BOOKKEEPING = {"file_hash", "file_size"}


def image_changed(sender, instance, created=False, update_fields=None, **kwargs):
    # A new picture is shown nowhere yet.
    if created or (update_fields and set(update_fields) <= BOOKKEEPING):
        return
    purge(keys.touched_by_image(instance))


def ticker_changed(sender, instance, **kwargs):
    purge({keys.TICKER})


def staff_changed(sender, instance, **kwargs):
    purge({keys.STAFF})


# What of the publication's settings every page shows (the masthead, dates),
# and what only the ticker shows.
ON_EVERY_PAGE = ("name", "tagline", "logo_id", "month_names", "hijri_offset")
IN_THE_TICKER = ("ticker_size",)


def publication_saving(sender, instance, **kwargs):
    instance._saved = sender.objects.filter(pk=instance.pk).values().first()


def publication_changed(sender, instance, **kwargs):
    saved = getattr(instance, "_saved", None) or {}

    def changed(names):
        return any(saved.get(name) != getattr(instance, name) for name in names)

    if changed(ON_EVERY_PAGE):
        purge({keys.EVERYTHING})
    elif changed(IN_THE_TICKER):
        purge({keys.TICKER})


def connect():
    from wagtail.images import get_image_model
    from wagtail.models import Site

    from minbar.newsroom.models import ArticlePage, Author, SectionPage
    from minbar.public.models import (
        HomePage,
        PublicationSettings,
        StaffLine,
        TickerItem,
    )

    for signal in (page_published, page_unpublished):
        signal.connect(article_changed, sender=ArticlePage)
        signal.connect(section_changed, sender=SectionPage)
        signal.connect(home_changed, sender=HomePage)
    post_page_move.connect(article_moved, sender=ArticlePage)
    post_page_move.connect(section_changed, sender=SectionPage)
    for signal in (post_save, post_delete):
        signal.connect(ticker_changed, sender=TickerItem)
        signal.connect(staff_changed, sender=StaffLine)
        signal.connect(writer_changed, sender=Author)
        signal.connect(site_changed, sender=Site)
    # Before a picture goes, while what it illustrates can still be found.
    for signal in (post_save, pre_delete):
        signal.connect(image_changed, sender=get_image_model())
    pre_save.connect(publication_saving, sender=PublicationSettings)
    post_save.connect(publication_changed, sender=PublicationSettings)
