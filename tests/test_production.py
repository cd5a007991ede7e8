"""The production profile: environment variables only, and Django's own
deployment checks pass."""

import json
import os
import subprocess
import sys

import pytest
from django.test import RequestFactory

from minbar.delivery import replicas

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "minbar.settings.production",
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-for-the-check-only",
    "ALLOWED_HOSTS": "news.example",
    "DATABASE_URL": "postgres://minbar@db.example:5432/minbar",
    "REDIS_URL": "redis://cache.example:6379/0",
}


def django(*args, **env):
    environment = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        **PRODUCTION,
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        env=environment,
        capture_output=True,
        text=True,
    )


def test_check_deploy_reports_nothing():
    result = django("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_postgresql():
    result = django("check", DATABASE_URL="sqlite:///news.sqlite3")
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


SHOW = (
    "from django.conf import settings as s; import json; print(json.dumps({"
    "'databases': sorted(s.DATABASES), 'routers': s.DATABASE_ROUTERS,"
    "'cache': s.CACHES['default']['BACKEND'], 'sessions': s.SESSION_ENGINE,"
    "'media': s.STORAGES['default']['BACKEND'],"
    "'static': s.STORAGES['staticfiles']['BACKEND']}))"
)


def test_replicas_redis_and_object_storage_come_from_the_environment():
    result = django(
        "shell",
        "-c",
        SHOW,
        DATABASE_REPLICA_URLS="postgres://r@replica-1.example/minbar,"
        "postgres://r@replica-2.example/minbar",
        S3_BUCKET="minbar-media",
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["databases"] == ["default", "replica1", "replica2"]
    assert shown["routers"] == ["minbar.delivery.replicas.ReplicaRouter"]
    assert shown["cache"] == "minbar.delivery.redis_cache.DegradingRedisCache"
    assert shown["sessions"] == "django.contrib.sessions.backends.cached_db"
    assert shown["media"] == "storages.backends.s3.S3Storage"
    assert shown["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.mark.parametrize(
    ("method", "path", "cookies", "reader"),
    [
        ("GET", "/33234", {}, True),
        ("GET", "/newsroom/pages/", {}, False),
        ("POST", "/search/", {}, False),
        ("GET", "/33234", {"sessionid": "staff"}, False),
    ],
)
def test_only_readers_pages_read_from_a_replica(
    settings, method, path, cookies, reader
):
    settings.DATABASES = {**settings.DATABASES, "replica1": {}}
    router = replicas.ReplicaRouter()
    seen = []

    def view(request):
        seen.append(router.db_for_read(None))
        return None

    request = getattr(RequestFactory(), method.lower())(path)
    request.COOKIES.update(cookies)
    replicas.ReplicaMiddleware(view)(request)
    assert seen == (["replica1"] if reader else [None])
    assert router.db_for_read(None) is None  # after the request: the primary
    assert router.db_for_write(None) == "default"
