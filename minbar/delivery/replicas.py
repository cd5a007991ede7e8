"""Read replicas: readers' pages are read from a replica, the rest from the
primary.

``DATABASE_REPLICA_URLS`` names the replicas (production settings).  Only a
reader's GET outside the newsroom reads from one: the newsroom, a form's
POST and anything that writes see the primary, so an editor always sees what
they just saved.  A replica lags a little behind the primary; a page fetched
by the front cache just after a purge could show the old version, so
``purge.py`` purges again once ``MINBAR_REPLICA_LAG`` seconds have passed.
"""

import random
from contextvars import ContextVar

from django.conf import settings

reading_for_a_reader: ContextVar[bool] = ContextVar(
    "reading_for_a_reader", default=False
)


def replicas() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if reading_for_a_reader.get():
            found = replicas()
            return random.choice(found) if found else None  # noqa: S311
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replicas hold the same data as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reader = (
            request.method in {"GET", "HEAD"}
            and not request.path.startswith("/newsroom/")
            and "sessionid" not in request.COOKIES
        )
        token = reading_for_a_reader.set(reader)
        try:
            return self.get_response(request)
        finally:
            reading_for_a_reader.reset(token)
