"""Test settings: fast hashing, deterministic secrets, tasks eager even when REDIS_URL is
set (the MariaDB + Redis leg); the real-worker tests switch eager off for themselves."""

import tempfile

from .base import *  # noqa: F403
from .base import DATABASES, DB_ENGINE, REST_FRAMEWORK
from .env import env_bool, env_str

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if DB_ENGINE == "sqlite" and not env_str("DB_NAME"):
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}

CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
# Each test process its own product index snapshots; rebuilds in the test's own thread
# (a background thread would not see the test's transaction).
RECOS_INDEX_DIR = env_str("RECOS_INDEX_DIR") or tempfile.mkdtemp(prefix="shop-index-")
RECOS_INDEX_BACKGROUND = False
WA_APP_SECRET = env_str("WA_APP_SECRET", "test-app-secret")
WA_VERIFY_TOKEN = env_str("WA_VERIFY_TOKEN", "test-verify-token")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "login": None},
}
