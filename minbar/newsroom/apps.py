from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class NewsroomConfig(AppConfig):
    name = "minbar.newsroom"
    label = "minbar_newsroom"
    verbose_name = _("Newsroom")

    def ready(self):
        from .roles import ensure_newsroom

        post_migrate.connect(ensure_newsroom, sender=self)
