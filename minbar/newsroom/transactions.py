"""Every change made in the newsroom is one transaction: all of it or none.

Wagtail saves a published page, then sends ``page_published`` (search
indexing, the front caches' purge) and writes its log, without a
transaction around them: a failure in between would leave a new version
live with no log entry, or half-indexed.  Wrapping each of the newsroom's
POSTs in a transaction makes a failure leave the previous version live;
the purges, sent on commit, go out only for what was saved.
"""

from django.db import transaction

NEWSROOM = "/newsroom/"


class AtomicNewsroomChangesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in {"GET", "HEAD", "OPTIONS"}:
            return self.get_response(request)
        if not request.path.startswith(NEWSROOM):
            return self.get_response(request)
        with transaction.atomic():
            response = self.get_response(request)
            # Django has already turned an exception into this response.
            if response.status_code >= 500:
                transaction.set_rollback(True)
        return response
