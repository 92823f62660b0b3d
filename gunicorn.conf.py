"""gunicorn configuration, picked up automatically when gunicorn starts in this directory:

    gunicorn project_core.wsgi

Every value can be overridden by an environment variable (below) or on the command line.
The webhook view only stores the event and enqueues a task, so requests are short: a few
sync workers per core with a couple of threads each serve many webhooks per second.
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


wsgi_app = "project_core.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 2)
worker_class = "gthread" if threads > 1 else "sync"
# Meta gives up on a webhook after ~20 s; a request that takes this long is stuck.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so a slow leak never takes a process down at peak.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Load the app once in the master: faster worker (re)starts, shared memory pages.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") not in {"0", "false", "no"}
# Only these proxies may set X-Forwarded-* (Django trusts the proto header only with
# DJANGO_BEHIND_PROXY=1).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Webhook bodies reach 3 MB; headers stay small.
limit_request_line = 8190
limit_request_fields = 100

# Access log as JSON on stdout, with the request id the middleware echoes; the client
# address and user agent are left out (personal data, and free text that would break
# the JSON); paths never carry phone numbers.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '{"logger": "gunicorn.access", "request_id": "%({x-request-id}o)s", '
    '"method": "%(m)s", "path": "%(U)s", "status": %(s)s, "bytes": "%(B)s", '
    '"duration_us": %(D)s}'
)


def post_fork(server, worker) -> None:
    # Database connections must never be shared across forked workers.
    from django.db import connections

    connections.close_all()


def child_exit(server, worker) -> None:
    # prometheus_client multiprocess mode (PROMETHEUS_MULTIPROC_DIR): a dead worker's live
    # gauges must leave the sum; its counters and histograms stay (totals never go back).
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
