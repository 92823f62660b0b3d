"""Local development: the embedded SQLite database and eager Celery unless .env says
otherwise."""

from .base import *  # noqa: F403
from .env import env_bool, env_str

DEBUG = env_bool("DJANGO_DEBUG", True)
# The console chat (`manage.py chat`, `make demo`) signs its webhooks with this, so the
# webhook is verified in development too.
WA_APP_SECRET = env_str("WA_APP_SECRET", "dev-app-secret-for-local-use-only")
