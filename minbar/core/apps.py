from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "minbar.core"
    label = "minbar_core"
    verbose_name = _("Minbar core")
