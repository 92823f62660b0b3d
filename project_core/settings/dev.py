"""Local development: the embedded SQLite database and eager Celery unless .env says
otherwise."""

from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
