"""Fixtures shared by every app's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection
from pytest_httpserver import HTTPServer


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_mysql = settings.DB_ENGINE == "mysql"
    for item in items:
        if "mysql_only" in item.keywords and not on_mysql:
            item.add_marker(pytest.mark.skip(reason="needs DB_ENGINE=mysql (MariaDB leg of CI)"))


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def on_mysql() -> bool:
    return connection.vendor == "mysql"


@pytest.fixture
def httpserver() -> Iterator[HTTPServer]:
    """A fresh fake HTTP server per test, on its own port.

    pytest-httpserver shares one server across the session by default; a slow handler or a
    late retry of an earlier test then lands in the next test and breaks its ordered
    expectations ("permanently failed" 500s). A server per test costs a few milliseconds.
    """
    server = HTTPServer(host="localhost", port=0)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        if server.is_running():
            server.stop()
