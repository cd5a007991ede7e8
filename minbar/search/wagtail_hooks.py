"""Spelling variants of names, edited in the newsroom."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import SpellingVariant


class SpellingVariantViewSet(SnippetViewSet):
    model = SpellingVariant
    icon = "search"
    menu_order = 230
    add_to_admin_menu = True
    list_display = ["__str__"]
    search_fields = ["spellings"]


register_snippet(SpellingVariantViewSet)
