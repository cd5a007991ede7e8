"""The ticker shown on every public page: pinned breaking items, then the latest."""

from dataclasses import dataclass

from minbar.newsroom.models import ArticlePage

from .models import TickerItem

DEFAULT_TICKER_SIZE = 12


@dataclass(frozen=True)
class TickerEntry:
    text: str
    url: str
    pinned: bool


def ticker_entries(size=DEFAULT_TICKER_SIZE, now=None):
    """Pinned items that have not expired, in their order, then the newest headlines."""
    entries = [
        TickerEntry(item.text, item.url, pinned=True)
        for item in TickerItem.objects.current(now)
    ]
    latest = ArticlePage.objects.listing().values_list("title", "public_id")[:size]
    entries.extend(
        TickerEntry(title, f"/{public_id}", pinned=False) for title, public_id in latest
    )
    return entries
