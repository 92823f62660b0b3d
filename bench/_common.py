"""Shared helpers of the webhook benchmarks (not a benchmark: running it directly exits 0).

Everything here stays on 127.0.0.1: a scratch MariaDB database, one Redis db, gunicorn and
Celery child processes that are always terminated (try/finally, also on Ctrl-C)."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from wa_gateway.signatures import signature_header  # noqa: E402

HOST = "127.0.0.1"
DB_NAME = os.environ.get("BENCH_DB_NAME", "shop_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
APP_SECRET = "bench-app-secret"
PHONE_ID = "4242"
API_VERSION = "v21.0"


def interrupt_on_signals() -> None:
    """SIGTERM and SIGINT raise KeyboardInterrupt in the main thread, so the `finally`
    blocks stop the child processes (a background job starts with SIGINT ignored)."""

    def _raise(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _raise)
    signal.signal(signal.SIGINT, _raise)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def app_env(**extra: str) -> dict[str, str]:
    """Production settings on loopback: DEBUG off, real signatures, MariaDB, Redis broker."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project_core.settings.prod",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "WA_APP_SECRET": APP_SECRET,
        # The fake Graph API and LLM run on loopback over http.
        "ALLOW_HTTP_BASE_URLS": "1",
        "DB_ENGINE": "mysql",
        "DB_NAME": DB_NAME,
        "REDIS_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "LOG_JSON": "1",
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def prepare_database(env: dict[str, str]) -> None:
    """Create the scratch database (idempotent) and migrate it; flush the Redis db."""
    subprocess.run(
        [
            "mysql",
            "-uroot",
            "-h",
            HOST,
            "-e",
            f"CREATE DATABASE IF NOT EXISTS `{DB_NAME}` "
            "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
        ],
        check=True,
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        check=True,
        cwd=ROOT,
        env=env,
    )
    flush_redis()


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()


def database_recreate(*, name: str, env: dict[str, str]) -> None:
    """Drop the scratch database `name`, create it empty and migrate it (a few seconds): a
    run that counts rows starts from nothing left over by an earlier, interrupted run."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a scratch database name: {name!r}")
    subprocess.run(
        [
            "mysql",
            "-uroot",
            "-h",
            HOST,
            "-e",
            f"DROP DATABASE IF EXISTS `{name}`; CREATE DATABASE `{name}` "
            "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
        ],
        check=True,
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        check=True,
        cwd=ROOT,
        env={**env, "DB_NAME": name},
    )


def start_redis_server(*, port: int, log: IO[bytes] | int | None = None) -> subprocess.Popen:
    """A private, empty redis-server on `port` that keeps nothing on disk (a restart
    comes back empty), in its own process group; returns once it answers PING."""
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            HOST,
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            tempfile.gettempdir(),
        ],
        stdout=log if log is not None else subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"redis-server on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return process
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"redis-server on port {port} did not answer within 20 s")


def start_celery(
    *, args: Sequence[str], env: dict[str, str], log: IO[bytes] | int | None, cwd: Path = ROOT
) -> subprocess.Popen:
    """`celery -A project_core <args>` (a worker or beat) in its own process group, so a
    SIGKILL of the group takes its pool threads or children with it."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "project_core", *args],
        cwd=cwd,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def start_gunicorn(
    *,
    app: str,
    port: int,
    workers: int,
    threads: int,
    env: dict[str, str],
    stderr: IO[bytes] | int | None = None,
) -> subprocess.Popen:
    """The project's gunicorn.conf.py (preload, keep-alive, JSON access log to a pipe we drop),
    with the bind, worker and thread counts of the benchmark; its error log (and Django's
    log lines) go to `stderr` (default: inherited)."""
    env = {
        **env,
        "GUNICORN_BIND": f"{HOST}:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads),
        "GUNICORN_MAX_REQUESTS": "0",  # no recycling in the middle of a measurement
        "GUNICORN_LOG_LEVEL": "warning",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), app],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        start_new_session=True,
    )
    wait_http(port, process)
    return process


def wait_http(port: int, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not answer within {timeout:.0f} s")


def stop(processes: Iterable[subprocess.Popen | None]) -> None:
    """SIGTERM each child's process group (gunicorn/celery and their workers), then kill."""
    alive = [p for p in processes if p is not None and p.poll() is None]
    for process in alive:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    for process in alive:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def _cpu_seconds(wanted: Callable[[str, list[str]], bool]) -> float:
    """User + system CPU of the live processes `wanted(command name, stat fields after the
    name)` picks. In /proc/<pid>/stat the name is in parentheses; after it come state,
    ppid, pgrp, ... with utime and stime at positions 11 and 12."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        fields = tail.split()
        if wanted(head.split("(", 1)[1], fields):
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def group_cpu_seconds(pgid: int) -> float:
    """CPU of every process in a process group (gunicorn master and its workers): CPU per
    request is a figure that other load on a shared machine distorts less than requests/s."""
    return _cpu_seconds(lambda name, fields: int(fields[2]) == pgid)


def services_cpu_seconds(names: tuple[str, ...] = ("mariadbd", "mysqld", "redis-server")) -> float:
    """CPU of the database and broker processes (by command name): on one machine they
    share the cores with the app, so their CPU per request counts too."""
    return _cpu_seconds(lambda name, fields: name in names)


def webhook_body(*, wamid: str, sender: str, text: str) -> bytes:
    """One inbound text message as Meta sends it."""
    return json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "1",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": "1555",
                                    "phone_number_id": PHONE_ID,
                                },
                                "contacts": [{"profile": {"name": "Bench"}, "wa_id": sender}],
                                "messages": [
                                    {
                                        "from": sender,
                                        "id": wamid,
                                        "timestamp": str(int(time.time())),
                                        "type": "text",
                                        "text": {"body": text},
                                    }
                                ],
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()


def signed_headers(body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Hub-Signature-256": signature_header(body=body, secret=APP_SECRET),
    }


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


if __name__ == "__main__":
    # `make bench` runs every bench/*.py; this module is a library.
    sys.exit(0)


class JsonHandler(BaseHTTPRequestHandler):
    """Base of the benches' fake Graph API servers: HTTP/1.1, JSON answers, no access log."""

    protocol_version = "HTTP/1.1"
    # The headers and the body go out as two writes: without TCP_NODELAY the client's
    # delayed ACK holds the body up to 40 ms, a latency of the fake, not of the stack.
    disable_nagle_algorithm = True

    def send_json(self, status: int, answer: object) -> None:
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        return


def serve_in_thread(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """A fake server on a free loopback port, served from a daemon thread."""
    server = ThreadingHTTPServer((HOST, free_port()), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
