"""What every public page's header shows: identity, staff box, sections, ticker.

Each value is lazy, so pages that do not show the header (errors, the
newsroom) do not read it; those that do read it from the process's copy
(masthead.py).
"""

from django.utils.functional import SimpleLazyObject

from minbar.delivery import keys
from minbar.delivery.middleware import cache_at_most, fragments_as_includes

from .masthead import for_request as masthead_for
from .ticker import seconds_until_change


def masthead(request):
    # Whatever renders the staff box or the ticker (a page, or the fragment
    # itself) carries its key, and is kept no longer than the ticker stays.
    def staff():
        keys.add(request, keys.STAFF)
        return masthead_for(request).staff_lines

    def ticker():
        entries = masthead_for(request).ticker
        keys.add(request, keys.TICKER)
        changes = seconds_until_change(entries)
        if changes is not None:
            cache_at_most(request, changes)
        return entries

    def shown(part):
        return SimpleLazyObject(lambda: getattr(masthead_for(request), part))

    return {
        # Stored by the app's page cache (or behind a front cache that asks
        # for them), the ticker and the staff box are ESI includes.
        "esi": fragments_as_includes(request),
        "publication": shown("publication"),
        "staff_lines": SimpleLazyObject(staff),
        "nav_sections": shown("nav_sections"),
        "ticker": SimpleLazyObject(ticker),
    }
