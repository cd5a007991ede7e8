"""Key versions: how the app's own copies learn what a purge touched.

The front cache hears of a change from a PURGE that names keys (purge.py,
keys.py).  The app's own copies, its pages (pagecache.py) and what each
process keeps in memory (kept.py), hear of it from a number kept per key in
the shared cache (Redis in production, DiskCache in the data folder for the
embedded default): a purge moves the number, a copy remembers the numbers
of its keys, and is stale as soon as one differs.

A cache that was emptied, or that evicted our entries, has forgotten the
numbers, and a copy made before must not look current then.  So every
number is read together with the cache's generation, a token written once
and never expiring: when it is gone, a new one is written, and every copy
made before is stale.  A key evicted alone is given a new number too.  When
the cache cannot answer at all (Redis down), ``read`` answers None, and
nothing is current.

A copy's keys are known only once it is made, so its numbers are read after
its data: a change committed in between would leave old data under new
numbers.  Every purge also moves one count, ``purges``; a copy whose making
a purge overlapped is not kept.
"""

import secrets
import time

from django.core.cache import cache

PREFIX = "minbar:key:"
GENERATION = "minbar:generation"
PURGES = "minbar:purges"


def bump(keys) -> None:
    """Make every copy that shows these keys stale."""
    for name in [*(PREFIX + key for key in keys), PURGES]:
        try:
            cache.incr(name)
        except ValueError:
            # Never purged, evicted or lost: start from a number no earlier
            # copy can hold.
            cache.set(name, time.time_ns(), timeout=None)


def purges() -> int | None:
    """A number every purge moves, or None when the cache cannot say: read
    it before making a copy, and keep the copy only if it has not moved."""
    found = cache.get(PURGES)
    if found is None:
        cache.add(PURGES, time.time_ns(), timeout=None)
        found = cache.get(PURGES)
    return found


def read(keys) -> dict[str, tuple[str, int]] | None:
    """Each key's (generation, number), or None when the cache cannot say."""
    names = [PREFIX + key for key in keys]
    found = cache.get_many([GENERATION, *names])
    missing = [name for name in [GENERATION, *names] if name not in found]
    if missing:
        # Emptied, evicted or never purged: a number no earlier copy can
        # hold (a key evicted alone must not fall back to an older number).
        # Another process may be doing the same: the first to add wins.
        for name in missing:
            fresh = secrets.token_hex(8) if name == GENERATION else time.time_ns()
            cache.add(name, fresh, timeout=None)
        found = cache.get_many([GENERATION, *names])
        if any(name not in found for name in missing):
            return None
    generation = found[GENERATION]
    return {
        key: (generation, found[name]) for key, name in zip(keys, names, strict=True)
    }
