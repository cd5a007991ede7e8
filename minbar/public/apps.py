from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "minbar.public"
    label = "minbar_public"
    verbose_name = _("Public site")
