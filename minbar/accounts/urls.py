from django.urls import path

from . import two_factor

urlpatterns = [
    path("setup/", two_factor.setup, name="two_factor_setup"),
    path("", two_factor.verify, name="two_factor_verify"),
]
