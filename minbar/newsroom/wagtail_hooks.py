"""The newsroom's admin: writers and agencies as snippets; home-page curation."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Agency, Author


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "title", "slug"]
    search_fields = ["name"]


class AgencyViewSet(SnippetViewSet):
    model = Agency
    icon = "globe"
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["name", "full_name"]
    search_fields = ["name"]


register_snippet(AuthorViewSet)
register_snippet(AgencyViewSet)


def _refuse_home_page(request, page):
    # Page permissions cascade from the home page to every section; curating
    # the front page itself is the editor-in-chief's.
    from minbar.public.models import HomePage

    if page.specific_class is HomePage and not request.user.has_perm(
        "minbar_public.curate_homepage"
    ):
        messages.error(request, _("Only the editor-in-chief curates the home page."))
        return redirect("wagtailadmin_explore", page.pk)
    return None


@hooks.register("before_edit_page")
def refuse_home_page_edit(request, page):
    return _refuse_home_page(request, page)
