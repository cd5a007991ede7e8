"""Telling the front caches, and the app's own copies, what changed.

``purge(keys)`` waits for the transaction that made the change to commit
(a purge before it would let the old version be fetched again), then sends
each front cache in ``MINBAR_FRONT_CACHES`` one ``PURGE`` request whose
``xkey-purge`` header lists the keys (see ``keys.py``).  Varnish's VCL in
``deploy/varnish`` answers it with a soft purge: the objects expire at once
but are kept, so that they can still be served if the app is down.

The app's own copies (its page cache, what each process keeps) learn of it
from the keys' version numbers in the shared cache (``versions.py``).

A front cache that does not answer is logged and skipped: the change is
saved all the same, and its pages expire on their own.
"""

import http.client
import logging
import threading
import urllib.parse
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from . import versions

logger = logging.getLogger(__name__)
TIMEOUT = 2  # seconds; a publish waits for the purge


def purge(keys: Iterable[str]) -> None:
    keys = sorted(set(keys))
    if not keys:
        return
    # The app's own copies: at once, and again once committed, so that a copy
    # made in between from the data before the change is not kept.
    versions.bump(keys)
    transaction.on_commit(lambda: tell_now_and_after_lag(keys))


def tell_now_and_after_lag(keys: list[str]) -> None:
    tell(keys)
    lag = getattr(settings, "MINBAR_REPLICA_LAG", 0)
    if lag:
        # A page fetched again meanwhile may have been read from a replica
        # that had not caught up (replicas.py).
        threading.Timer(lag, tell, (keys,)).start()


def tell(keys: list[str]) -> None:
    versions.bump(keys)
    send(getattr(settings, "MINBAR_FRONT_CACHES", []), keys)


def send(caches: list[str], keys: list[str]) -> None:
    for cache in caches:
        address = urllib.parse.urlsplit(cache)
        connection = http.client.HTTPConnection(
            address.hostname, address.port or 80, timeout=TIMEOUT
        )
        try:
            connection.request("PURGE", "/", headers={"xkey-purge": " ".join(keys)})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                logger.warning("%s refused the purge: %s", cache, response.status)
        except OSError as exc:
            logger.warning("%s did not take the purge: %s", cache, exc)
        finally:
            connection.close()
