"""The demo and local development: console email, uploads served by the app."""

from .base import *  # noqa: F403
from .base import SECRET_KEY, env_bool, kept_secret_key

# The demo shows what readers see, Arabic error pages included: DEBUG=1 for
# Django's tracebacks.  WhiteNoise serves static files either way.
DEBUG = env_bool("DEBUG", False)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
MINBAR_SERVE_MEDIA = True
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
SECRET_KEY = SECRET_KEY or kept_secret_key()
