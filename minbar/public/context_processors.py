"""What every public page's header shows: identity, staff box, sections, ticker.

Each value is lazy, so pages that do not show the header (errors, the
newsroom) run no query for it.
"""

from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from minbar.delivery.middleware import fragments_as_includes
from minbar.newsroom.models import SectionPage

from .models import PublicationSettings
from .ticker import ticker_entries


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

    def staff():
        if publication_lazy.pk is None:
            return []
        return list(publication_lazy.staff_lines.all())

    def sections():
        return list(SectionPage.objects.live().filter(depth=3).order_by("path"))

    def ticker():
        return ticker_entries(size=publication_lazy.ticker_size or 0)

    return {
        # Behind a front cache, or stored by the app's page cache, the ticker
        # and the staff box are ESI includes (minbar/delivery).
        "esi": fragments_as_includes(request),
        "publication": publication_lazy,
        "staff_lines": SimpleLazyObject(staff),
        "nav_sections": SimpleLazyObject(sections),
        "ticker": SimpleLazyObject(ticker),
    }
