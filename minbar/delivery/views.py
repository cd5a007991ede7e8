"""The ticker and staff-box fragments the app's page cache puts in every
page, and a health check."""

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .middleware import cache_for

LONGEST = 3600


def ticker(request):
    """The ticker: pinned items until they expire, then the newest headlines.
    Rendering it sets its key and, if a pinned item expires, how long it may
    be kept (minbar/public/context_processors.py)."""
    cache_for(request, LONGEST)
    return render(request, "minbar/includes/ticker.html")


def staff(request):
    return render(request, "minbar/includes/staff.html")


@never_cache
def health(request):
    """200 while the app can read its database: the front cache's probe."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503)
    return HttpResponse("ok\n", content_type="text/plain")
