"""Which settings an entry point (manage.py, WSGI, ASGI, Celery) runs with.

Fail closed: production settings unless DJANGO_SETTINGS_MODULE says otherwise, in the
environment or in the project's `.env`. Development and tests choose theirs explicitly
(the Makefile, `.env` copied from ENV_EXAMPLE.txt, pytest's configuration)."""

from __future__ import annotations

import os
from pathlib import Path

PROD_SETTINGS = "project_core.settings.prod"
ENV_FILE = Path(__file__).resolve().parent.parent / ".env"


def settings_module_default(env_file: Path = ENV_FILE) -> str:
    """Set DJANGO_SETTINGS_MODULE unless it is set: `.env`'s value, else production."""
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        from dotenv import dotenv_values

        chosen = (dotenv_values(env_file).get("DJANGO_SETTINGS_MODULE") or "").strip()
        os.environ["DJANGO_SETTINGS_MODULE"] = chosen or PROD_SETTINGS
    return os.environ["DJANGO_SETTINGS_MODULE"]
