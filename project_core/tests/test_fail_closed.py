"""Fail closed: entry points default to production settings, and without an app secret
no webhook is accepted unless development says so explicitly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from project_core.entry import PROD_SETTINGS, settings_module_default
from wa_gateway.models import InboundEvent
from wa_gateway.tests import payloads
from wa_gateway.tests.fixtures import graph  # noqa: F401 - fixture

ROOT = Path(__file__).resolve().parents[2]


def _bare_env() -> dict[str, str]:
    """The environment of a deployment that forgot every Django and WhatsApp variable."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "WA_", "DB_", "REDIS_", "CACHE_REDIS"))
    }


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_bare_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


pytestmark_no_env_file = pytest.mark.skipif(
    (ROOT / ".env").exists(), reason="a developer's .env chooses the settings here"
)


@pytestmark_no_env_file
@pytest.mark.parametrize(
    "entry_point",
    [
        "import project_core.wsgi",
        "import project_core.asgi",
        "from project_core.celery import app; app.loader.import_default_modules()",
        "import sys, manage; sys.argv = ['manage.py', 'check']; manage.main()",
    ],
    ids=["wsgi", "asgi", "celery", "manage.py"],
)
def test_an_entry_point_with_no_settings_module_runs_production_settings(entry_point):
    # when: no DJANGO_SETTINGS_MODULE and none of production's secrets
    result = _run(entry_point)
    # then: production refuses to start instead of running dev (DEBUG, a known key,
    # unsigned webhooks)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_the_default_is_the_env_files_choice_then_production(tmp_path, monkeypatch):
    # given
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_SETTINGS_MODULE=project_core.settings.dev\n")
    # when
    chosen = settings_module_default(env_file)
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE")
    without_file = settings_module_default(tmp_path / "missing.env")
    # then
    assert chosen == "project_core.settings.dev"
    assert without_file == PROD_SETTINGS


def test_an_explicit_settings_module_is_kept(monkeypatch, tmp_path):
    # given
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "project_core.settings.test")
    # when / then
    assert settings_module_default(tmp_path / "none.env") == "project_core.settings.test"


def _post_unsigned_stop(client) -> int:
    body = json.dumps(payloads.text_message("966500000099", "STOP", wamid="wamid.FORGED"))
    return client.post(
        reverse("wa_gateway:webhook"), data=body, content_type="application/json"
    ).status_code


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("debug", "allow_unsigned"),
    [(False, False), (False, True), (True, False)],
    ids=["prod-like", "allowed-without-debug", "debug-without-allow"],
)
def test_without_an_app_secret_a_forged_unsigned_webhook_is_refused(
    client, settings, debug, allow_unsigned
):
    # given
    settings.WA_APP_SECRET = ""
    settings.DEBUG = debug
    settings.WA_ALLOW_UNSIGNED = allow_unsigned
    # when
    status = _post_unsigned_stop(client)
    # then
    assert status == 403
    assert not InboundEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("graph")
def test_unsigned_webhooks_are_accepted_only_with_debug_and_the_explicit_switch(client, settings):
    # given
    settings.WA_APP_SECRET = ""
    settings.DEBUG = True
    settings.WA_ALLOW_UNSIGNED = True
    # when
    status = _post_unsigned_stop(client)
    # then
    assert status == 200
    assert InboundEvent.objects.filter(wamid="wamid.FORGED").exists()
