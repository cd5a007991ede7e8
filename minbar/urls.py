from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from minbar.public import views as public_views
from minbar.search import views as search_views

handler404 = "minbar.public.views.page_not_found"
handler500 = "minbar.public.views.server_error"

urlpatterns = [
    path("newsroom/two-factor/", include("minbar.accounts.urls")),
    path("newsroom/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("minbar.syndication.urls")),
    path("", include("minbar.delivery.urls")),
    path("api/", include("minbar.api.urls")),
    path("search/", search_views.search, name="search"),
    path("api/search/", search_views.search_json, name="search_json"),
    path("<int:public_id>", public_views.article, name="article"),
    path("<int:public_id>/", public_views.article_with_slash),
]

if getattr(settings, "MINBAR_SERVE_MEDIA", False):
    # The embedded demo serves uploads itself; production leaves them to the
    # front server or object storage.
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

urlpatterns += [path("", include(wagtail_urls))]
