"""The ticker shown on every public page: pinned breaking items, then the latest."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from minbar.newsroom.models import ArticlePage

from .models import TickerItem

DEFAULT_TICKER_SIZE = 12


@dataclass(frozen=True)
class TickerEntry:
    text: str
    url: str
    pinned: bool
    expires_at: datetime.datetime | None = None


def ticker_entries(size=DEFAULT_TICKER_SIZE, now=None):
    """Pinned items that have not expired, in their order, then the newest headlines."""
    entries = [
        TickerEntry(item.text, item.url, pinned=True, expires_at=item.expires_at)
        for item in TickerItem.objects.current(now)
    ]
    latest = ArticlePage.objects.listing().values_list("title", "public_id")[:size]
    entries.extend(
        TickerEntry(title, f"/{public_id}", pinned=False) for title, public_id in latest
    )
    return entries


def changes_at(entries) -> datetime.datetime | None:
    """A pinned item's expiry changes the ticker without any save to purge
    it: the soonest, or None when none of its items expires."""
    return min((e.expires_at for e in entries if e.expires_at), default=None)


def seconds_until_change(entries, now=None) -> int | None:
    """How long what shows the ticker may be kept (see ``changes_at``)."""
    soonest = changes_at(entries)
    if soonest is None:
        return None
    return max(1, int((soonest - (now or timezone.now())).total_seconds()) + 1)
