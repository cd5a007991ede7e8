"""The ticker's pinned breaking items, edited in the newsroom."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import TickerItem


class TickerItemViewSet(SnippetViewSet):
    model = TickerItem
    icon = "warning"
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["text", "expires_at", "sort_order"]
    search_fields = ["text"]


register_snippet(TickerItemViewSet)
