"""Webhook ack latency and throughput against a bare Django view, in one run.

gunicorn (the project's gunicorn.conf.py, prod settings, DEBUG off) + MariaDB (scratch db
`shop_bench`) + Redis (db 11) on 127.0.0.1. No Celery worker: the ack only has to store the
event and publish the task, which waits in Redis (flushed at the end).

    .venv/bin/python bench/webhook_ack.py [--seconds 20] [--rate 200] [--workers 2*CPUs+1]

(a) open loop at --rate requests/s for --seconds: p50/p99 ack latency, webhook and bare view;
(b) closed loop, --clients keep-alive clients for --seconds/2: requests/s, both.
Targets (issue 4): p99 <= 20 ms at 200 rps, webhook throughput >= 0.5x the bare view's.
Latency is measured from the request's scheduled send time (a late load generator counts
against the server, no coordinated omission) and, separately, from the actual send.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c

CUSTOMERS = 300


@dataclass
class Result:
    latencies_sched: list[float] = field(default_factory=list)
    latencies_sent: list[float] = field(default_factory=list)
    ok: int = 0
    errors: int = 0
    elapsed: float = 0.0


class Payloads:
    """Unique wamids, a few hundred distinct customers, a valid signature each."""

    def __init__(self) -> None:
        self._counter = itertools.count()
        self._lock = threading.Lock()
        self._run = uuid.uuid4().hex[:10]

    def next(self) -> tuple[bytes, dict[str, str]]:
        with self._lock:
            n = next(self._counter)
        body = c.webhook_body(
            wamid=f"wamid.bench.{self._run}.{n}",
            sender=str(15551000000 + n % CUSTOMERS),
            text="hi",
        )
        return body, c.signed_headers(body)


def _post(conn: http.client.HTTPConnection, body: bytes, headers: dict[str, str]) -> int:
    conn.request("POST", "/hook/", body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


def open_loop(port: int, *, rate: float, seconds: float, senders: int = 32) -> Result:
    """Request i is due at t0 + i/rate; sender j owns the requests i = j mod senders."""
    result = Result()
    lock = threading.Lock()
    payloads = Payloads()
    total = int(rate * seconds)
    t0 = time.perf_counter() + 0.2

    def sender(j: int) -> None:
        conn = http.client.HTTPConnection(c.HOST, port, timeout=10)
        sched, sent, ok, errors = [], [], 0, 0
        for i in range(j, total, senders):
            body, headers = payloads.next()
            due = t0 + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            start = time.perf_counter()
            try:
                status = _post(conn, body, headers)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(c.HOST, port, timeout=10)
                status = 0
            end = time.perf_counter()
            if status == 200:
                ok += 1
                sched.append(end - due)
                sent.append(end - start)
            else:
                errors += 1
        conn.close()
        with lock:
            result.latencies_sched += sched
            result.latencies_sent += sent
            result.ok += ok
            result.errors += errors

    threads = [threading.Thread(target=sender, args=(j,), daemon=True) for j in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.elapsed = time.perf_counter() - t0
    return result


def closed_loop(port: int, *, clients: int, seconds: float) -> Result:
    result = Result()
    lock = threading.Lock()
    payloads = Payloads()
    start_at = time.perf_counter() + 0.2
    stop_at = start_at + seconds

    def client() -> None:
        conn = http.client.HTTPConnection(c.HOST, port, timeout=10)
        ok = errors = 0
        time.sleep(max(0.0, start_at - time.perf_counter()))
        while time.perf_counter() < stop_at:
            body, headers = payloads.next()
            try:
                status = _post(conn, body, headers)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(c.HOST, port, timeout=10)
                status = 0
            if status == 200:
                ok += 1
            else:
                errors += 1
        conn.close()
        with lock:
            result.ok += ok
            result.errors += errors

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.elapsed = time.perf_counter() - start_at
    return result


def measure(name: str, app: str, args: argparse.Namespace, env: dict[str, str]) -> dict:
    port = c.free_port()
    server = c.start_gunicorn(
        app=app, port=port, workers=args.workers, threads=args.threads, env=env
    )
    try:
        open_loop(port, rate=args.rate, seconds=min(2.0, args.seconds))  # warm-up
        print(f"  {name}: open loop {args.rate:g} rps x {args.seconds:g} s ...", flush=True)
        opened = open_loop(port, rate=args.rate, seconds=args.seconds)
        closed_seconds = max(2.0, args.seconds / 2)
        print(
            f"  {name}: closed loop {args.clients} clients x {closed_seconds:g} s ...", flush=True
        )
        cpu_before = c.group_cpu_seconds(server.pid)
        closed = closed_loop(port, clients=args.clients, seconds=closed_seconds)
        cpu = c.group_cpu_seconds(server.pid) - cpu_before
    finally:
        c.stop([server])
    return {
        "name": name,
        "p50": c.percentile(opened.latencies_sched, 50) * 1000,
        "p99": c.percentile(opened.latencies_sched, 99) * 1000,
        "p50_sent": c.percentile(opened.latencies_sent, 50) * 1000,
        "p99_sent": c.percentile(opened.latencies_sent, 99) * 1000,
        "achieved": opened.ok / opened.elapsed,
        "open_errors": opened.errors,
        "max_rps": closed.ok / closed.elapsed,
        "closed_errors": closed.errors,
        "cpu_ms": cpu * 1000 / closed.ok if closed.ok else float("nan"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="open-loop duration")
    parser.add_argument("--rate", type=float, default=200.0, help="open-loop requests/s")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() * 2 + 1,
        help="gunicorn workers (default: gunicorn.conf.py's production default, 2*CPUs+1)",
    )
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument("--clients", type=int, default=8, help="closed-loop concurrent clients")
    args = parser.parse_args()

    env = c.app_env()
    bare_env = {k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"}
    print(
        f"webhook_ack: gunicorn {args.workers} workers x {args.threads} threads, "
        f"MariaDB db {c.DB_NAME}, Redis {c.REDIS_URL}",
        flush=True,
    )
    try:
        c.prepare_database(env)
        bare = measure("bare view", "bench._bare_wsgi:application", args, bare_env)
        hook = measure("webhook", "project_core.wsgi:application", args, env)
    finally:
        c.flush_redis()

    print()
    print(
        f"{'':10} {'p50 ms':>8} {'p99 ms':>8} {'p50*':>7} {'p99*':>7} "
        f"{'got rps':>8} {'err':>4} | {'max rps':>8} {'err':>4} {'cpu ms/req':>10}"
    )
    for row in (bare, hook):
        print(
            f"{row['name']:10} {row['p50']:8.2f} {row['p99']:8.2f} {row['p50_sent']:7.2f} "
            f"{row['p99_sent']:7.2f} {row['achieved']:8.1f} {row['open_errors']:4d} | "
            f"{row['max_rps']:8.1f} {row['closed_errors']:4d} {row['cpu_ms']:10.2f}"
        )
    ratio = hook["max_rps"] / bare["max_rps"] if bare["max_rps"] else float("nan")
    print("(* = from the actual send; the other latencies count from the scheduled send;")
    print(" cpu ms/req = gunicorn processes' CPU during the closed loop, MariaDB/Redis excluded)")
    load = os.getloadavg()
    print(
        f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} CPUs"
    )
    print()
    print(
        f"webhook p99 at {args.rate:g} rps: {hook['p99']:.2f} ms "
        f"(target <= 20 ms: {'PASS' if hook['p99'] <= 20 else 'MISS'})"
    )
    print(
        f"throughput ratio webhook/bare: {ratio:.2f} "
        f"(target >= 0.5: {'PASS' if ratio >= 0.5 else 'MISS'})"
    )
    return 0


if __name__ == "__main__":
    c.interrupt_on_signals()
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
