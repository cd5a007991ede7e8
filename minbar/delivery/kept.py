"""What each app process keeps in memory while no purge has touched it.

Some things pages show are read far more often than they change: the
masthead (minbar/public/masthead.py), a section's newest stories (an
article's related stories), the home page's front.  A process keeps the
last value it read, with the version numbers of the keys that a change to
it purges (``versions.py``; the same keys the front cache holds it under),
and reads it again only when one of the numbers has moved, or when the
value says its time is up.  That costs one read of the shared cache, where
reading it would cost queries.

Every process sees a change once its purge has moved the numbers: at once,
and again when the change is committed.  The numbers are read before the
data, so a change made in between moves them again, and the next request
reads it.  When the shared cache cannot vouch for the numbers (Redis down),
nothing is kept and every request reads.
"""

import datetime
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.utils import timezone

from . import versions

Value = TypeVar("Value")
# Names come partly from requests (a Host header): however many there are,
# keep a bounded number.
MOST = 256

_kept: dict[Hashable, tuple[dict, object, datetime.datetime | None]] = {}


def kept(
    name: Hashable,
    shows: list[str],
    read: Callable[[], Value],
    changes_at: Callable[[Value], datetime.datetime | None] = lambda value: None,
) -> Value:
    """The value kept under ``name``, or ``read()`` when a key it ``shows`` has
    been purged since, or its own time (``changes_at(value)``) has come."""
    numbers = versions.read(shows)
    found = _kept.get(name)
    if found is not None and numbers is not None and found[0] == numbers:
        _numbers, value, until = found
        if until is None or timezone.now() < until:
            return value
    value = read()
    if numbers is not None:
        if len(_kept) >= MOST:
            _kept.clear()
        _kept[name] = (numbers, value, changes_at(value))
    return value


def forget() -> None:
    """Drop everything kept (tests roll the database back behind it)."""
    _kept.clear()
