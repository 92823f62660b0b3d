"""The real services some tests need (the MariaDB + Redis leg of CI)."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import connection


def require_services(*, mysql: bool = False) -> str:
    """REDIS_URL, reachable (and MariaDB as the database when `mysql`): the test is skipped
    without them, and fails in CI's MariaDB + Redis leg, where a missing service is a
    failure."""
    if not settings.REDIS_URL or (mysql and connection.vendor != "mysql"):
        needs = "DB_ENGINE=mysql and REDIS_URL" if mysql else "REDIS_URL"
        if os.environ.get("CI_REQUIRE_SERVICES") == "1":
            pytest.fail(f"CI requires {needs} (MariaDB + Redis leg)")
        pytest.skip(f"needs {needs} (MariaDB + Redis leg)")
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {settings.REDIS_URL} is unreachable: {exc}")
    return settings.REDIS_URL
