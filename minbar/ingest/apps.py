from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IngestConfig(AppConfig):
    name = "minbar.ingest"
    label = "minbar_ingest"
    verbose_name = _("Wires")
