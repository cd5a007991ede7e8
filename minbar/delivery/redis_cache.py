"""Django's Redis cache, made so that Redis being down is not an error.

Minbar's cache only ever holds copies: pages (pagecache.py), sessions'
cached copies (their database rows stay), purge versions.  When Redis
stops, a read is a miss and a write is skipped, logged once a minute, and
the site keeps serving from the database.  A purge made meanwhile could not
be recorded, so the first process to reach Redis again after an outage it
noticed empties the cache: what it held is rendered anew.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
QUIET_SECONDS = 60
MISSING = object()


class DegradingRedisCache(RedisCache):
    _last_warning = 0.0
    _outage = False

    def _try(self, operation, fallback, *args, **kwargs):
        call = self.empty if operation == "empty" else getattr(super(), operation)
        try:
            result = call(*args, **kwargs)
        except RedisError as error:
            DegradingRedisCache._outage = True
            now = time.monotonic()
            if now - DegradingRedisCache._last_warning > QUIET_SECONDS:
                DegradingRedisCache._last_warning = now
                logger.warning("cache unavailable (%s): %s", operation, error)
            if fallback is MISSING:
                raise ValueError(f"cache unavailable ({operation})") from error
            return fallback
        if DegradingRedisCache._outage and operation != "empty":
            # Back after an outage: what was read or written may predate a
            # lost purge.  Start clean, and answer as the outage would.
            DegradingRedisCache._outage = False
            logger.warning("cache available again: emptied, purges may be missing")
            self.empty()
            if fallback is MISSING:
                raise ValueError(f"cache emptied ({operation})")
            return fallback
        return result

    def empty(self) -> None:
        """Delete this cache's keys only: the task queue may share the database
        (clear() would flush all of it)."""
        client = self._cache.get_client(None, write=True)
        pattern = f"{self.key_prefix}:*" if self.key_prefix else "*"
        for names in _batches(client.scan_iter(match=pattern, count=1000)):
            client.delete(*names)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try("add", False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._try("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._try("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._try("has_key", False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._try("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._try("delete_many", None, keys, version)

    def clear(self):
        self._try("empty", None)

    def incr(self, key, delta=1, version=None):
        # No fallback: the caller learns that the number did not move.
        return self._try("incr", MISSING, key, delta, version)


def _batches(names, size=1000):
    batch = []
    for name in names:
        batch.append(name)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
