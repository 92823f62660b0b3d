"""Liveness and readiness probes for the load balancer and orchestrator.

`readyz` must answer within the probe's own timeout even when a dependency hangs (accepts
the connection, then never replies), so every check has a bound:
- Redis: 1 s to connect and 1 s per read, no retries, so at most about 2 s.
- MySQL/MariaDB: a dedicated probe connection with 1 s connect, read and write timeouts
  (the shared connection of the settings has none, and one cannot be set on an open
  connection), closed after the check.
- SQLite: a local file, no network; `SELECT 1` takes no lock, so the `timeout` option (the
  wait for a locked database) does not come into play.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse

PROBE_TIMEOUT_SECONDS = 1


def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and serving."""
    return JsonResponse({"status": "ok"})


def _database_ping() -> None:
    if connection.vendor == "mysql":
        params = connection.get_connection_params()
        params.update(
            connect_timeout=PROBE_TIMEOUT_SECONDS,
            read_timeout=PROBE_TIMEOUT_SECONDS,
            write_timeout=PROBE_TIMEOUT_SECONDS,
        )
        probe = connection.get_new_connection(params)
        try:
            cursor = probe.cursor()
            cursor.execute("SELECT 1")
            cursor.fetchone()
        finally:
            probe.close()
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _broker_ping(url: str) -> None:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    client = redis.Redis.from_url(
        url,
        socket_connect_timeout=PROBE_TIMEOUT_SECONDS,
        socket_timeout=PROBE_TIMEOUT_SECONDS,
        # redis-py retries timeouts 3 times by default: that would triple the bound.
        retry=Retry(NoBackoff(), 0),
    )
    try:
        client.ping()
    finally:
        client.close()


def readyz(request: HttpRequest) -> JsonResponse:
    """The database (and the broker, when one is configured) answer, each within about
    PROBE_TIMEOUT_SECONDS (see the module docstring)."""
    checks: dict[str, str] = {}
    try:
        _database_ping()
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"error: {exc.__class__.__name__}"
    if settings.REDIS_URL:
        try:
            _broker_ping(settings.REDIS_URL)
            checks["broker"] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            checks["broker"] = f"error: {exc.__class__.__name__}"
    ok = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", **checks}, status=200 if ok else 503
    )
