"""Local development: the embedded SQLite database and eager Celery unless .env says
otherwise."""

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK
from .env import env_bool, env_str

DEBUG = env_bool("DJANGO_DEBUG", True)
# The console chat (`manage.py chat`, `make demo`) signs its webhooks with this, so the
# webhook is verified in development too.
WA_APP_SECRET = env_str("WA_APP_SECRET", "dev-app-secret-for-local-use-only")
# The browsable API and public API docs are conveniences for local work only.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", True)
# Uploaded product photos served by runserver (production: the web server or the storage).
MEDIA_SERVE = env_bool("MEDIA_SERVE", True)
