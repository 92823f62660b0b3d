"""Production: MySQL/MariaDB + Redis + Celery worker and beat behind gunicorn.

Refuses to start without the secrets a public deployment needs."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    CACHES,
    MEDIA_BASE_URL,
    OPENAI_BASE_URL,
    OPENROUTER_BASE_URL,
    SECRET_KEY,
    SHOPIFY_STORE_URL,
    VLLM_BASE_URL,
    WA_ALLOW_UNSIGNED,
    WA_APP_SECRET,
    WA_GRAPH_URL,
)
from .env import env_bool, env_int, env_str

DEBUG = False
# Meta's app secrets are 32 hex characters; anything short is a placeholder.
WA_APP_SECRET_MIN_LENGTH = 16

if not SECRET_KEY or SECRET_KEY.startswith("dev-insecure") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a random string of 50+ chars")
if len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is not random enough")
if not env_str("DJANGO_ALLOWED_HOSTS") or not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the public host names")
if len(WA_APP_SECRET) < WA_APP_SECRET_MIN_LENGTH:
    raise ImproperlyConfigured(
        f"WA_APP_SECRET (the Meta app secret that signs webhooks) must be set, "
        f"{WA_APP_SECRET_MIN_LENGTH}+ characters"
    )
if WA_ALLOW_UNSIGNED:
    raise ImproperlyConfigured("WA_ALLOW_UNSIGNED is for local development only")
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    raise ImproperlyConfigured(
        "REDIS_URL (or CACHE_REDIS_URL) is required: API throttles and the per-customer "
        "limits must be shared by every process"
    )

# Tokens and customer data travel to these: https only, unless an operator explicitly
# allows http (a local fake server in a benchmark, a model server on a private network).
ALLOW_HTTP_BASE_URLS = env_bool("ALLOW_HTTP_BASE_URLS", False)
_BASE_URLS = {
    "WA_GRAPH_URL": WA_GRAPH_URL,
    "SHOPIFY_STORE_URL": SHOPIFY_STORE_URL,
    "OPENAI_BASE_URL": OPENAI_BASE_URL,
    "OPENROUTER_BASE_URL": OPENROUTER_BASE_URL,
    "VLLM_BASE_URL": VLLM_BASE_URL,
    "MEDIA_BASE_URL": MEDIA_BASE_URL,
}
if not ALLOW_HTTP_BASE_URLS:
    for _name, _url in _BASE_URLS.items():
        if _url and "://" in _url and not _url.lower().startswith("https://"):
            raise ImproperlyConfigured(
                f"{_name} must be an https:// URL in production (ALLOW_HTTP_BASE_URLS=1 allows "
                "http for local servers)"
            )

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
# Health probes and the Prometheus scrape come from inside the network over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
# Only trust X-Forwarded-Proto when a proxy that sets it is declared.
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

LOG_JSON = env_bool("LOG_JSON", True)
LOGGING["handlers"]["console"]["formatter"] = "json" if LOG_JSON else "plain"  # noqa: F405
