"""The wires in the newsroom: sources as snippets, and the incoming queue (الوارد)."""

from django.contrib.auth.models import Permission
from django.urls import path
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.ui.tables import BooleanColumn, Column, StatusTagColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import views
from .models import IncomingItem, WireSource

# Before anything asks Wagtail for the queue's policy (which would create a
# fallback from Django's model permissions).
register_permission_policy(IncomingItem, views.policy)


class WireSourceViewSet(SnippetViewSet):
    model = WireSource
    icon = "link"
    menu_order = 225
    add_to_admin_menu = True
    search_fields = ["name"]
    list_display = [
        "name",
        views.IsolatedColumn(
            "where",
            direction="ltr",
            label=_("Address or folder"),
            accessor=lambda source: source.url or source.folder,
        ),
        Column(
            "format",
            label=views.field_label(WireSource, "format"),
            accessor="get_format_display",
        ),
        BooleanColumn("trusted", label=views.field_label(WireSource, "trusted")),
        BooleanColumn("enabled", label=views.field_label(WireSource, "enabled")),
        views.MomentColumn(
            "last_polled_at", label=_("Last polled"), sort_key="last_polled_at"
        ),
        views.IsolatedColumn(
            "last_error",
            label=_("Last error"),
            accessor=lambda source: Truncator(source.last_error).chars(60),
        ),
    ]


register_snippet(WireSourceViewSet)


class InspectURLFinder(ModelAdminURLFinder):
    """Items have no edit view: links to an item lead to its inspect view."""

    edit_url_name = "incoming:inspect"

    def get_edit_url(self, instance):
        if self.user and not views.policy.user_has_permission(self.user, "view"):
            return None
        return self.construct_edit_url(instance)


class IncomingItemViewSet(ModelViewSet):
    """الوارد: the queue, newest first; items are inspected, used or rejected."""

    model = IncomingItem
    icon = "download"
    menu_label = views.INCOMING
    menu_order = 150  # after the pages: the writers' first stop
    add_to_admin_menu = True
    index_view_class = views.IncomingIndexView
    inspect_view_class = views.IncomingInspectView
    inspect_view_enabled = True
    inspect_template_name = "minbar/ingest/inspect.html"
    copy_view_enabled = False
    add_to_reference_index = False
    url_finder_class = InspectURLFinder
    filterset_class = views.IncomingItemFilterSet
    ordering = "-received_at"
    list_per_page = 50
    # Not a Wagtail-indexed model: the listing searches with the ORM
    # (icontains), which matches Arabic text as it is written.
    search_fields = ["headline", "summary", "body_html"]
    search_backend_name = None

    @property
    def list_display(self):
        return [
            "headline",
            "source",
            StatusTagColumn(
                "get_status_display",
                label=views.field_label(IncomingItem, "status"),
                sort_key="status",
                primary=lambda item: item.status == IncomingItem.Status.NEW,
            ),
            "urgency",
            "located",
            views.MomentColumn(
                "received_at",
                label=views.field_label(IncomingItem, "received_at"),
                sort_key="received_at",
            ),
            views.ArticleColumn(
                "article",
                label=views.field_label(IncomingItem, "article"),
                use_url_name=self.get_url_name("use"),
                reject_url_name=self.get_url_name("reject"),
                index_url_name=self.get_url_name("index"),
            ),
        ]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            use_url_name=self.get_url_name("use"),
            reject_url_name=self.get_url_name("reject"),
            inspect_url_name=self.get_url_name("inspect"),
            **kwargs,
        )

    def get_permissions_to_register(self):
        # The queue's policy reads page permissions: the group editor offers
        # no "incoming item" permissions, which would do nothing.
        return Permission.objects.none()

    def get_urlpatterns(self):
        # Only the listing, the inspect view and the two actions: items come
        # from the wires, so there is no add, edit, copy or delete view.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path(
                "use/<int:pk>/",
                self.construct_view(views.UseItemView),
                name="use",
            ),
            path(
                "reject/<int:pk>/",
                self.construct_view(views.RejectItemView),
                name="reject",
            ),
        ]


incoming_viewset = IncomingItemViewSet("incoming")


@hooks.register("register_admin_viewset")
def register_incoming_viewset():
    return incoming_viewset
