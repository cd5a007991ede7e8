"""Settings shared by every environment, read from environment variables.

No ``DATABASE_URL`` means SQLite in ``MINBAR_DATA_DIR``; a ``postgres://`` URL
means PostgreSQL plus ``django.contrib.postgres``.  See docs/configuration.md.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("MINBAR_DATA_DIR", "var")).resolve()


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


def kept_secret_key():
    """The demo's secret key: generated once and kept in the data directory."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "minbar.core",
    "minbar.newsroom",
    "minbar.public",
    "minbar.search",
    "minbar.ingest",
    "minbar.syndication",
    "minbar.api",
    "minbar.delivery",
    "minbar.recovery",
    "huey.contrib.djhuey",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "minbar.accounts",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "minbar.delivery.pagecache.PageCacheMiddleware",
    "minbar.delivery.middleware.FrontCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "minbar.accounts.two_factor.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "minbar.newsroom.transactions.AtomicNewsroomChangesMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "minbar.urls"
WSGI_APPLICATION = "minbar.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "minbar.public.context_processors.masthead",
            ],
        },
    },
]

database_url = (
    os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'minbar.sqlite3'}"
)
# Opening a SQLite file and setting its pragmas on every request cost an
# uncached article page 2.4 of its 16.9 ms (timed through WSGI): the
# embedded default keeps its connections (one per thread) open.  A server's
# connections are a resource of the server: kept only where asked
# (production: 60 s).
kept_connection = "600" if database_url.startswith("sqlite:") else "0"
DATABASES = {
    "default": dj_database_url.parse(
        database_url,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", kept_connection)),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.append("django.contrib.postgres")
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves readers while the newsroom and the worker
    # write: WAL lets them read during a write, and NORMAL syncs at
    # checkpoints rather than at every commit (the database stays consistent
    # after a crash; the last commits may be lost on a power cut).  Writers
    # take the lock when they begin, so two never deadlock on an upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Staff accounts.  Logins are throttled (django-axes): five failures for
# one account from one address lock it for an hour; a success resets the
# count.  Two-factor authentication (minbar/accounts/two_factor.py) is
# required of every newsroom account when MINBAR_REQUIRE_2FA is on, as it is
# in production: an account sets up its authenticator app at first login.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hour
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "minbar/newsroom/locked_out.html"
MINBAR_REQUIRE_2FA = env_bool("MINBAR_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = os.environ.get("MINBAR_2FA_ISSUER", "Minbar")

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Interface language: Arabic.  Other languages follow through the catalogs.
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Africa/Cairo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
# Static files keep their plain names where they are served uncollected, from
# the package through WhiteNoise's finders (the demo, the tests).  Collected
# (`minbar collectstatic`, production), they are stored by
# COLLECTED_STATICFILES_STORAGE: names carrying a hash of the content, listed
# in STATIC_ROOT/staticfiles.json, each with a .gz and a .br (Brotli) copy.
# WhiteNoise serves a hashed name as `public, immutable` with a far-future
# max-age, in the compression the browser accepts.
COLLECTED_STATICFILES_STORAGE = {
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))

SECRET_KEY = os.environ.get("SECRET_KEY", "")

# Wagtail
WAGTAIL_SITE_NAME = "Minbar"
WAGTAILADMIN_BASE_URL = os.environ.get("MINBAR_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no calls to outside hosts from the newsroom
WAGTAIL_ALLOW_UNICODE_SLUGS = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 64_000_000
# Checks a picture before it is decoded; see minbar/newsroom/uploads.py.
WAGTAILIMAGES_IMAGE_FORM_BASE = "minbar.newsroom.uploads.PictureForm"
# YouTube and Vimeo players are written without a call to the provider;
# other embeds (posts on X, Instagram…) ask the provider's oEmbed service.
WAGTAILEMBEDS_FINDERS = [
    {"class": "minbar.newsroom.embeds.VideoPlayerFinder"},
    {"class": "wagtail.embeds.finders.oembed"},
]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# Background tasks (wire polling, scheduled publishing): Huey.  Without
# REDIS_URL the queue is a SQLite file beside the database, so the embedded
# default needs no server; with it, Redis.  `minbar worker` runs them.
REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY = {
    "name": "minbar",
    "immediate": False,
    "consumer": {"workers": 2, "worker_type": "thread"},
}
if REDIS_URL:
    HUEY |= {"huey_class": "huey.RedisHuey", "url": REDIS_URL}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": f"{DATA_DIR}/tasks.sqlite3"}

# Content-Security-Policy of the public site: no inline script or style, no
# plugin, no framing by other sites; pictures may come from the media
# domain, players from the two providers whose players Minbar writes
# (minbar/newsroom/embeds.py).  The newsroom is Wagtail's, with its own
# inline scripts: it keeps X-Frame-Options and same-origin rules instead.
MEDIA_DOMAIN = os.environ.get("MEDIA_DOMAIN", "")
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/newsroom/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": [
            "'self'",
            "data:",
            *([f"https://{MEDIA_DOMAIN}"] if MEDIA_DOMAIN else []),
        ],
        "font-src": ["'self'"],
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

# Minbar
MINBAR_TICKER_SIZE = 12

# Front cache (docs/operations.md): the caches to purge when something
# changes, e.g. FRONT_CACHES=http://10.0.0.5:6081,http://10.0.0.6:6081, and
# how long they may keep a page that no change has purged.
MINBAR_FRONT_CACHES = env_list("FRONT_CACHES")
MINBAR_CACHE_SECONDS = int(os.environ.get("MINBAR_CACHE_SECONDS", "86400"))
MINBAR_CACHE_SECONDS_MISSING = 60  # a 404 may be an article about to appear
# The app's own copy of public pages (minbar/delivery/pagecache.py), in the
# default cache: Redis in production, DiskCache (SQLite files in the data
# folder) otherwise.
MINBAR_PAGE_CACHE = env_bool("MINBAR_PAGE_CACHE", True)
# The default cache is shared by the app's processes.  Not Django's
# FileBasedCache: it lists its whole folder on every write to count the
# entries: 4 ms a write at a thousand entries, growing with their number.
# DiskCache evicts the least recently stored entries past its size limit.
# Picture renditions' lookups are many per page and small: each process
# keeps its own in memory (Wagtail's "renditions" cache).
CACHES = {
    "default": {
        "BACKEND": "minbar.delivery.disk_cache.DiskCache",
        "LOCATION": str(DATA_DIR / "cache"),
        "OPTIONS": {"size_limit": 512 * 1024 * 1024},
    },
    "renditions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
