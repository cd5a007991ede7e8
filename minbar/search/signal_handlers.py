"""Index articles when they are published, changed or unpublished."""

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished


def article_published(sender, instance, **kwargs):
    from .services import index_article

    index_article(instance)


def article_unpublished(sender, instance, **kwargs):
    from .services import unindex_article

    unindex_article(instance.pk)


def article_deleted(sender, instance, **kwargs):
    from .services import unindex_article

    unindex_article(instance.pk)


def variant_saved(sender, instance, **kwargs):
    from .services import reindex_spellings

    reindex_spellings(instance.spelling_list())


def connect():
    from minbar.newsroom.models import ArticlePage

    from .models import SpellingVariant

    page_published.connect(article_published, sender=ArticlePage)
    page_unpublished.connect(article_unpublished, sender=ArticlePage)
    post_delete.connect(article_deleted, sender=ArticlePage)
    post_save.connect(variant_saved, sender=SpellingVariant)
    post_delete.connect(variant_saved, sender=SpellingVariant)
