from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "minbar.accounts"
    label = "minbar_accounts"
    verbose_name = _("Staff accounts")
