"""Redis down is a cache miss: the site keeps serving, then starts clean."""

import socket

import pytest
from django.core.cache import caches
from django.test import override_settings

from minbar.newsroom.models import ArticlePage

pytestmark = pytest.mark.django_db
BACKEND = "minbar.delivery.redis_cache.DegradingRedisCache"


def redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), 1).close()
        return True
    except OSError:
        return False


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cache_at(port: int) -> dict:
    return {
        "default": {
            "BACKEND": BACKEND,
            "LOCATION": f"redis://127.0.0.1:{port}/15",
            "KEY_PREFIX": "minbar-test",
        }
    }


def test_with_redis_down_the_site_serves_from_the_database(client, newsroom):
    article = ArticlePage.objects.listing().first()
    with override_settings(CACHES=cache_at(unused_port()), MINBAR_PAGE_CACHE=True):
        cache = caches["default"]
        assert cache.get("anything", "missing") == "missing"
        cache.set("anything", 1)  # skipped, not raised
        for path in ("/", f"/{article.public_id}", "/feed/"):
            assert client.get(path).status_code == 200
        # A publish while Redis is down still publishes.
        article.title = "نشر والذاكرة المؤقتة متوقفة"
        article.save_revision().publish()
        assert article.title in client.get(f"/{article.public_id}").content.decode()


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_after_an_outage_the_cache_is_emptied(newsroom):
    from minbar.delivery.redis_cache import DegradingRedisCache

    DegradingRedisCache._outage = False
    with override_settings(CACHES=cache_at(6379)):
        cache = caches["default"]
        # The task queue shares the database: emptying the cache spares it.
        queue = cache._cache.get_client(None, write=True)
        queue.set("huey.redis.minbar-test.queue", "a queued task")
        cache.set("page", "rendered before the outage")
        assert cache.get("page") == "rendered before the outage"
        DegradingRedisCache._outage = True  # as after a failed call
        assert cache.get("page") is None  # emptied: purges may have been lost
        cache.set("page", "fresh")
        assert cache.get("page") == "fresh"
        assert queue.get("huey.redis.minbar-test.queue") == b"a queued task"
        cache.clear()
        assert queue.get("huey.redis.minbar-test.queue") == b"a queued task"
        queue.delete("huey.redis.minbar-test.queue")
