"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection


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

