"""The read API, mounted at /api/ (``/api/search/`` belongs to search)."""

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("ninjs/", views.ninjs_list, name="api_ninjs_list"),
    # Any other address under ninjs/ is an item, so that a wrong one is a JSON 404.
    re_path(r"^ninjs/(?P<public_id>.+)$", views.ninjs_item, name="api_ninjs_item"),
    path("openapi.json", views.openapi, name="api_openapi"),
]
