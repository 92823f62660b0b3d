from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator

import pytest
from django.db import OperationalError, connection, connections
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

    def broken(*args, **kwargs):
        raise OperationalError("server has gone away")

    # SQLite checks through the shared connection, MySQL through a new probe connection
    monkeypatch.setattr(connection, "cursor", broken)
    monkeypatch.setattr(connection, "get_new_connection", broken)
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


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port whose server accepts the TCP connection and never says a word."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def test_readyz_is_503_within_2_seconds_when_the_broker_accepts_and_stays_silent(
    settings, silent_server
):
    # given
    settings.REDIS_URL = f"redis://127.0.0.1:{silent_server}/0"
    started = time.monotonic()
    # when
    response = Client().get("/readyz")
    # then
    assert time.monotonic() - started < 2.5
    assert response.status_code == 503
    assert response.json()["broker"] == "error: TimeoutError"


@pytest.mark.mysql_only
def test_readyz_is_503_within_2_seconds_when_the_database_accepts_and_stays_silent(
    monkeypatch, settings, silent_server
):
    # given: the probe connection goes to a server that never sends its greeting
    settings.REDIS_URL = ""
    wrapper = connections["default"]  # the wrapper itself, not the `connection` proxy
    monkeypatch.setattr(
        wrapper,
        "settings_dict",
        {**wrapper.settings_dict, "HOST": "127.0.0.1", "PORT": str(silent_server)},
    )
    started = time.monotonic()
    # when
    response = Client().get("/readyz")
    # then
    assert time.monotonic() - started < 2.5
    assert response.status_code == 503
    assert response.json()["database"].startswith("error:")
