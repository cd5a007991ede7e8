"""What every public page's header shows: identity, staff box, sections, ticker.

Each value is lazy, so pages that do not show the header (errors, the
newsroom) run no query for it.
"""

from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from minbar.delivery import keys
from minbar.delivery.middleware import cache_at_most, fragments_as_includes
from minbar.newsroom.models import SectionPage

from .models import PublicationSettings
from .ticker import seconds_until_change, ticker_entries


def masthead(request):
    def publication():
        site = Site.find_for_request(request)
        if site is None:
            return PublicationSettings(name="")
        # The logo comes with the settings: one query for the masthead's identity.
        found = (
            PublicationSettings.objects.select_related("logo").filter(site=site).first()
        )
        return found or PublicationSettings.for_site(site)

    publication_lazy = SimpleLazyObject(publication)
    esi = fragments_as_includes(request)

    # Whatever renders the staff box or the ticker (a page, or the fragment
    # itself) carries its key, and is kept no longer than the ticker stays.
    def staff():
        keys.add(request, keys.STAFF)
        if publication_lazy.pk is None:
            return []
        return list(publication_lazy.staff_lines.all())

    def sections():
        return list(SectionPage.objects.live().filter(depth=3).order_by("path"))

    def ticker():
        entries = ticker_entries(size=publication_lazy.ticker_size or 0)
        keys.add(request, keys.TICKER)
        changes = seconds_until_change(entries)
        if changes is not None:
            cache_at_most(request, changes)
        return entries

    return {
        # Stored by the app's page cache (or behind a front cache that asks
        # for them), the ticker and the staff box are ESI includes.
        "esi": esi,
        "publication": publication_lazy,
        "staff_lines": SimpleLazyObject(staff),
        "nav_sections": SimpleLazyObject(sections),
        "ticker": SimpleLazyObject(ticker),
    }
