"""Production: configured by environment variables only (docs/configuration.md).

Refuses to start without a secret key, hosts and PostgreSQL.  Redis
(REDIS_URL) holds the cache, the sessions' cache and the task queue; media
go to local disk or, with S3_BUCKET, to S3-compatible storage; read
replicas (DATABASE_REPLICA_URLS) serve readers' pages.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    COLLECTED_STATICFILES_STORAGE,
    DATABASES,
    MIDDLEWARE,
    REDIS_URL,
    STORAGES,
    env_bool,
    env_list,
)

for required in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"):
    if not os.environ.get(required):
        raise ImproperlyConfigured(
            f"Production needs the {required} environment variable."
        )
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "Production needs DATABASE_URL to name a PostgreSQL database."
    )

DEBUG = False
MINBAR_REQUIRE_2FA = env_bool("MINBAR_REQUIRE_2FA", True)
# Each worker keeps its database connection between requests.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Read replicas for readers' pages (minbar/delivery/replicas.py).
for number, url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    DATABASES[f"replica{number}"] = dj_database_url.parse(
        url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
    )
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["minbar.delivery.replicas.ReplicaRouter"]
    MIDDLEWARE = [*MIDDLEWARE, "minbar.delivery.replicas.ReplicaMiddleware"]
    MINBAR_REPLICA_LAG = float(os.environ.get("REPLICA_LAG_SECONDS", "2"))

# Redis: the cache, and the sessions' cache (sessions stay in the database
# too, so a Redis restart logs nobody out).  The task queue: base.py.
if REDIS_URL:
    # A Redis host that stops answering (rather than refusing) must not hold
    # a page for long: every request reads the keys' versions.
    redis_timeouts = {"socket_connect_timeout": 1, "socket_timeout": 1}
    CACHES = {
        "default": {
            # Redis down is a cache miss, not an error (see the module).
            "BACKEND": "minbar.delivery.redis_cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "minbar",
            "OPTIONS": redis_timeouts,
        },
        "renditions": {
            "BACKEND": "minbar.delivery.redis_cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "minbar-renditions",
            "OPTIONS": redis_timeouts,
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Static files: hashed, compressed copies made by `minbar collectstatic`.
STORAGES = {**STORAGES, "staticfiles": COLLECTED_STATICFILES_STORAGE}
# Media: local disk (MEDIA_ROOT) or an S3-compatible bucket.
if os.environ.get("S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "custom_domain": os.environ.get("MEDIA_DOMAIN") or None,
            # Renditions are public and named once: plain, cacheable URLs.
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000"},
        },
    }

# HTTPS: the TLS terminator in front of the cache sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^_health$"]  # the cache's probe speaks plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
