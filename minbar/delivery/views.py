"""The fragments a front cache includes in every page, and a health check."""

import datetime

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from minbar.public.models import TickerItem

from . import keys
from .middleware import cache_for

LONGEST = 3600


def ticker(request):
    """The ticker: pinned items until they expire, then the newest headlines."""
    keys.add(request, keys.TICKER)
    cache_for(request, seconds_until_ticker_changes(timezone.now()))
    return render(request, "minbar/includes/ticker.html")


def staff(request):
    keys.add(request, keys.STAFF)
    return render(request, "minbar/includes/staff.html")


def seconds_until_ticker_changes(now: datetime.datetime) -> int:
    """A pinned item's expiry changes the ticker without any save to purge
    it: the fragment is kept only until then."""
    soonest = (
        TickerItem.objects.current(now)
        .filter(expires_at__isnull=False)
        .order_by("expires_at")
        .values_list("expires_at", flat=True)
        .first()
    )
    if soonest is None:
        return LONGEST
    return max(1, min(LONGEST, int((soonest - now).total_seconds()) + 1))


@never_cache
def health(request):
    """200 while the app can read its database: the front cache's probe."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503)
    return HttpResponse("ok\n", content_type="text/plain")
