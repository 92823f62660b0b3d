from __future__ import annotations

import os

import pytest
from django.db import OperationalError, connection
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_touching_any_service(settings):
    # given: a broker that is down does not make the process unhealthy
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    # when
    response = Client().get("/healthz")
    # then
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ok_when_the_database_answers_and_no_broker_is_configured(settings):
    # given
    settings.REDIS_URL = ""
    # when
    response = Client().get("/readyz")
    # then
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_readyz_is_503_when_the_broker_is_unreachable(settings):
    # given: nothing listens on port 1
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    # when
    response = Client().get("/readyz")
    # then
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error:")


def test_readyz_is_503_when_the_database_fails(monkeypatch, settings):
    # given
    settings.REDIS_URL = ""

    def broken_cursor(*args, **kwargs):
        raise OperationalError("server has gone away")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    # when
    response = Client().get("/readyz")
    # then
    assert response.status_code == 503
    assert response.json()["database"] == "error: OperationalError"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="no broker configured (SQLite leg)")
def test_readyz_checks_the_real_broker_when_one_is_configured():
    # when
    response = Client().get("/readyz")
    # then
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"
