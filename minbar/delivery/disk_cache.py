"""The embedded default's cache: DiskCache, kept open between requests.

Django closes every cache when a request finishes; for DiskCache that means
closing its SQLite connections, and opening them again cost a page-cache hit
more than its reads.  Its connections belong to their thread, and SQLite
keeps the files consistent between the app's processes, so they stay open.
"""

from diskcache import DjangoCache


class DiskCache(DjangoCache):
    def close(self, **kwargs):
        pass
