"""The production settings, loaded in a fresh interpreter as a deployment would."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_SECRET = secrets.token_urlsafe(64)


def _env(**overrides: str | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "WA_", "DB_", "REDIS_", "CACHE_REDIS", "LOG_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="project_core.settings.prod",
        DJANGO_SECRET_KEY=STRONG_SECRET,
        DJANGO_ALLOWED_HOSTS="shop.example.com",
        WA_APP_SECRET="prod-app-secret-0123456789abcdef",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _manage(*args: str, **env: str | None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _setting(expression: str, **env: str | None) -> str:
    code = f"from django.conf import settings; print({expression})"
    result = _manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_check_deploy_passes_at_warning_level_with_a_strong_secret():
    # when
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "short-secret"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "ab" * 40}, "not random enough"),
        ({"DJANGO_SECRET_KEY": "dev-insecure-key-change-me" + "x" * 40}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_ALLOWED_HOSTS": None}, "DJANGO_ALLOWED_HOSTS"),
        ({"WA_APP_SECRET": None}, "WA_APP_SECRET"),
        ({"WA_APP_SECRET": "x"}, "16+ characters"),
        ({"WA_ALLOW_UNSIGNED": "1"}, "WA_ALLOW_UNSIGNED"),
        ({"REDIS_URL": None}, "REDIS_URL"),
        ({"WA_GRAPH_URL": "http://graph.example.com"}, "WA_GRAPH_URL must be an https"),
        ({"SHOPIFY_STORE_URL": "http://shop.example.com"}, "SHOPIFY_STORE_URL"),
        ({"OPENAI_BASE_URL": "http://llm.example.com/v1"}, "OPENAI_BASE_URL"),
    ],
    ids=[
        "no-secret",
        "short-secret",
        "repetitive-secret",
        "dev-secret",
        "no-hosts",
        "no-app-secret",
        "one-character-app-secret",
        "unsigned-webhooks-allowed",
        "no-shared-cache",
        "http-graph",
        "http-shopify",
        "http-llm",
    ],
)
def test_prod_refuses_to_start_without_its_required_secrets(overrides, complaint):
    # when
    result = _manage("check", **overrides)
    # then
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert complaint in result.stderr


def test_prod_forces_https_hsts_and_secure_cookies():
    # when
    values = _setting(
        "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS >= 31536000, "
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.DEBUG"
    )
    # then
    assert values == "True True True True False"


def test_prod_trusts_the_forwarded_proto_header_only_behind_a_declared_proxy():
    # when
    default = _setting("settings.SECURE_PROXY_SSL_HEADER")
    behind_proxy = _setting("settings.SECURE_PROXY_SSL_HEADER", DJANGO_BEHIND_PROXY="1")
    # then
    assert default == "None"
    assert behind_proxy == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_prod_logs_json_lines_by_default():
    # when
    formatter = _setting("settings.LOGGING['handlers']['console']['formatter']")
    # then
    assert formatter == "json"


def test_prod_serves_health_probes_over_plain_http_but_redirects_everything_else():
    # given
    code = (
        "from django.test import Client; c = Client(SERVER_NAME='shop.example.com'); "
        "print(c.get('/healthz').status_code, c.get('/api/products/').status_code)"
    )
    # when
    result = _manage("shell", "-c", code)
    # then
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["200", "301"]


def test_prod_allows_http_base_urls_only_when_told(tmp_path):
    # when
    graph = _setting(
        "settings.WA_GRAPH_URL",
        WA_GRAPH_URL="http://127.0.0.1:9999",
        ALLOW_HTTP_BASE_URLS="1",
    )
    # then
    assert graph == "http://127.0.0.1:9999"


def test_prod_keeps_the_api_json_only_and_its_docs_for_staff():
    # when
    values = _setting(
        "settings.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES'], settings.API_DOCS_PUBLIC, "
        "settings.REST_FRAMEWORK['DEFAULT_AUTHENTICATION_CLASSES'], settings.NUM_PROXIES"
    )
    # then
    assert "BrowsableAPIRenderer" not in values
    assert "BasicAuthentication" not in values
    assert values.endswith(
        "False ['rest_framework.authentication.SessionAuthentication', "
        "'rest_framework.authentication.TokenAuthentication'] 0"
    )
