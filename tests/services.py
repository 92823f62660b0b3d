"""The real services some tests need (the MariaDB + Redis leg of CI)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

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


@contextmanager
def celery_worker(env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """A real Celery worker process (solo pool) on the test database and REDIS_URL, with
    `env` on top (the fake servers' base URLs and tokens), and the test process's own
    tasks sent through the broker instead of run eagerly while it lives. Needs the
    MariaDB + Redis leg (`require_services(mysql=True)`): the broker is flushed first so no
    task of an earlier run is picked up."""
    require_services(mysql=True)
    import redis

    from project_core.celery import app as celery_app

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "project_core",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "warning",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "project_core.settings.test",
            "DB_ENGINE": "mysql",
            # The worker is not pytest: point it straight at the test database.
            "DB_NAME": connection.settings_dict["NAME"],
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            **env,
        },
        cwd=settings.BASE_DIR,
    )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield process
    finally:
        celery_app.conf.task_always_eager = eager
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
