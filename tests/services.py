"""The real services some tests need (the MariaDB + Redis leg of CI)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
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


def at_once(jobs: Sequence[Callable[[], object]], *, raise_errors: bool = True) -> list[object]:
    """Run the jobs at the same moment, one thread and one DB connection each (released
    at the end), and return their results in order. A job that raised has its exception as
    its result, re-raised here unless `raise_errors` is off."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = jobs[index]()
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread below
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if raise_errors:
        for result in results:
            if isinstance(result, BaseException):
                raise result
    return results
