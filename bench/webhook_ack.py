"""Webhook ack latency and throughput against a bare Django view, in one run.

gunicorn (the project's gunicorn.conf.py, prod settings, DEBUG off) + MariaDB (scratch db
`shop_bench`) + Redis (db 11) on 127.0.0.1. No Celery worker: the ack only has to store the
event and publish the task, which waits in Redis (flushed at the end).

    .venv/bin/python bench/webhook_ack.py [--seconds 60] [--rate 500] [--workers 2*CPUs+1]

(a) open loop at --rate requests/s for --seconds: p50/p99 ack latency, webhook and bare view;
(b) closed loop, --clients keep-alive clients, --rounds rounds of --round-seconds per server,
    alternating bare/webhook: requests/s, and the median of the per-round ratios.
Targets (issue 14, replacing issue 4's 0.5x ratio, which is printed for reference): 500
acks/s sustained for 60 s with p99 <= 50 ms and 0 errors; the CPU per request of both.
Latency is measured from the request's scheduled send time (a late load generator counts
against the server, no coordinated omission) and, separately, from the actual send.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import statistics
import subprocess
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


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    opened: Result | None = None
    rounds: list[float] = field(default_factory=list)  # closed-loop requests/s per round
    requests: int = 0
    closed_errors: int = 0
    cpu: float = 0.0
    services_cpu: float = 0.0


def latency(server: Server, args: argparse.Namespace) -> None:
    open_loop(server.port, rate=args.rate, seconds=min(2.0, args.seconds))  # warm-up
    print(f"  {server.name}: open loop {args.rate:g} rps x {args.seconds:g} s ...", flush=True)
    server.opened = open_loop(server.port, rate=args.rate, seconds=args.seconds)


def throughput_round(server: Server, args: argparse.Namespace) -> None:
    cpu_before = c.group_cpu_seconds(server.process.pid)
    services_before = c.services_cpu_seconds()
    closed = closed_loop(server.port, clients=args.clients, seconds=args.round_seconds)
    server.cpu += c.group_cpu_seconds(server.process.pid) - cpu_before
    server.services_cpu += c.services_cpu_seconds() - services_before
    server.rounds.append(closed.ok / closed.elapsed)
    server.requests += closed.ok
    server.closed_errors += closed.errors


def row(server: Server) -> str:
    opened = server.opened
    per_request = 1000 / server.requests if server.requests else float("nan")
    return (
        f"{server.name:10} {c.percentile(opened.latencies_sched, 50) * 1000:8.2f} "
        f"{c.percentile(opened.latencies_sched, 99) * 1000:8.2f} "
        f"{c.percentile(opened.latencies_sent, 50) * 1000:7.2f} "
        f"{c.percentile(opened.latencies_sent, 99) * 1000:7.2f} "
        f"{opened.ok / opened.elapsed:8.1f} {opened.errors:4d} | "
        f"{statistics.median(server.rounds):8.1f} {server.closed_errors:4d} "
        f"{server.cpu * per_request:10.2f} {server.services_cpu * per_request:8.2f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="open-loop duration")
    parser.add_argument("--rate", type=float, default=500.0, help="open-loop requests/s")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() * 2 + 1,
        help="gunicorn workers (default: gunicorn.conf.py's production default, 2*CPUs+1)",
    )
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument("--clients", type=int, default=8, help="closed-loop concurrent clients")
    parser.add_argument("--rounds", type=int, default=5, help="closed-loop rounds per server")
    parser.add_argument("--round-seconds", type=float, default=4.0, help="closed-loop round")
    args = parser.parse_args()

    env = c.app_env()
    bare_env = {k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"}
    print(
        f"webhook_ack: gunicorn {args.workers} workers x {args.threads} threads, "
        f"MariaDB db {c.DB_NAME}, Redis {c.REDIS_URL}",
        flush=True,
    )
    servers: list[Server] = []
    try:
        c.prepare_database(env)
        for name, app, app_env in (
            ("bare view", "bench._bare_wsgi:application", bare_env),
            ("webhook", "project_core.wsgi:application", env),
        ):
            port = c.free_port()
            process = c.start_gunicorn(
                app=app, port=port, workers=args.workers, threads=args.threads, env=app_env
            )
            servers.append(Server(name, port, process))
        bare, hook = servers
        for server in servers:
            latency(server, args)
        # Throughput in alternating rounds, both servers up (the idle one costs nothing):
        # other load on a shared machine drifts over seconds, and each ratio is taken
        # between neighbouring rounds; the median of those is the figure.
        print(
            f"  closed loop: {args.rounds} alternating rounds of {args.round_seconds:g} s, "
            f"{args.clients} clients ...",
            flush=True,
        )
        for _ in range(args.rounds):
            for server in servers:
                throughput_round(server, args)
    finally:
        c.stop([server.process for server in servers])
        c.flush_redis()

    print()
    print(
        f"{'':10} {'p50 ms':>8} {'p99 ms':>8} {'p50*':>7} {'p99*':>7} "
        f"{'got rps':>8} {'err':>4} | {'max rps':>8} {'err':>4} {'cpu ms/req':>10} {'db+redis':>8}"
    )
    print(row(bare))
    print(row(hook))
    ratios = [h / b for b, h in zip(bare.rounds, hook.rounds, strict=True) if b]
    ratio = statistics.median(ratios) if ratios else float("nan")
    print("(* = from the actual send; the other latencies count from the scheduled send;")
    print(" max rps = median of the closed-loop rounds; cpu ms/req = gunicorn processes' CPU;")
    print(" db+redis = MariaDB's and Redis's CPU per request in the same rounds)")
    print("ratio per round: " + " ".join(f"{r:.2f}" for r in ratios))
    load = os.getloadavg()
    print(
        f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} CPUs"
    )
    print()
    opened = hook.opened
    hook_p99 = c.percentile(opened.latencies_sched, 99) * 1000
    sustained = opened.ok / opened.elapsed if opened.elapsed else 0.0
    met = (
        args.rate >= 500
        and args.seconds >= 60
        and sustained >= 0.99 * args.rate
        and hook_p99 <= 50
        and opened.errors == 0
    )
    print(
        f"webhook at {args.rate:g} rps for {args.seconds:g} s: {sustained:.1f} acks/s, "
        f"p99 {hook_p99:.2f} ms, {opened.errors} errors "
        f"(target 500/s for 60 s, p99 <= 50 ms, 0 errors: {'PASS' if met else 'MISS'})"
    )
    print(
        f"throughput ratio webhook/bare (median of rounds): {ratio:.2f} "
        "(issue 4's 0.5x, retired by issue 14: for reference)"
    )
    return 0


if __name__ == "__main__":
    c.interrupt_on_signals()
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
