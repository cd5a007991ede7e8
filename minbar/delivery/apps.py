from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "minbar.delivery"
    label = "minbar_delivery"
    verbose_name = _("Delivery")

    def ready(self):
        from . import signals

        signals.connect()
