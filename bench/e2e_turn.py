"""End-to-end turn latency: signed inbound webhook -> gunicorn -> Redis -> real Celery
worker -> dialog engine -> send task -> a local fake Graph API server. No LLM.

    .venv/bin/python bench/e2e_turn.py [--seconds 60] [--rate 20] [--workers 1]

Each conversation is one new customer saying "hi" (distinct wa_id per turn); the engine's
greeting is one ReplyButtons message. Turn latency = webhook POST sent -> first reply
request (not a mark-read) for that customer received by the fake Graph server (same process,
same clock). A turn with no reply after --grace seconds is lost; a turn with more than one
reply is duplicated. Targets (issue 4): p50 <= 100 ms, p99 <= 400 ms, lost 0, duplicated 0.
Everything on 127.0.0.1: MariaDB scratch db `shop_bench`, Redis db 11 (flushed).
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c

EXPECTED_REPLIES_PER_TURN = 1  # the greeting: one ReplyButtons message per "hi"


class GraphRecorder:
    """What the fake Graph API received: replies per recipient with arrival times, and the
    mark-read calls (counted apart: they are not replies)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.replies: dict[str, list[tuple[float, str]]] = collections.defaultdict(list)
        self.mark_reads = 0
        self.other = 0
        self.sent_ids = 0


def fake_graph(recorder: GraphRecorder) -> ThreadingHTTPServer:
    path_prefix = f"/{c.API_VERSION}/{c.PHONE_ID}/messages"

    class Handler(c.JsonHandler):
        def do_POST(self) -> None:
            arrived = time.perf_counter()
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw)
            except ValueError:
                body = {}
            with recorder.lock:
                if self.path != path_prefix or not isinstance(body, dict):
                    recorder.other += 1
                    answer: dict = {"error": {"message": "unknown path", "code": 100}}
                    status = 400
                elif body.get("status") == "read":
                    recorder.mark_reads += 1
                    answer, status = {"success": True}, 200
                else:
                    recorder.sent_ids += 1
                    recorder.replies[str(body.get("to"))].append((arrived, str(body.get("type"))))
                    answer = {
                        "messaging_product": "whatsapp",
                        "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                        "messages": [{"id": f"wamid.out.{uuid.uuid4().hex}"}],
                    }
                    status = 200
            self.send_json(status, answer)

    return c.serve_in_thread(Handler)


def start_worker(*, env: dict[str, str], pool: str, concurrency: int, name: str, log):
    """One Celery worker; its log goes to `log` (printed only if the run fails)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "project_core",
            "worker",
            "--pool",
            pool,
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "warning",
            "--hostname",
            f"{name}@bench",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=c.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stage_times(wamids: dict[str, str]) -> dict[str, tuple[float, float]]:
    """wamid -> (received_at, processed_at) as epoch seconds, straight from MariaDB."""
    import MySQLdb

    conn = MySQLdb.connect(host=c.HOST, user="root", db=c.DB_NAME)
    try:
        cur = conn.cursor()
        cur.execute(
            "SELECT wamid, UNIX_TIMESTAMP(received_at), UNIX_TIMESTAMP(processed_at) "
            "FROM wa_gateway_inboundevent WHERE wamid LIKE %s",
            (f"wamid.e2e.{next(iter(wamids.values())).split('.')[2]}.turn.%",),
        )
        return {
            wamid: (float(received), float(processed))
            for wamid, received, processed in cur.fetchall()
            if received is not None and processed is not None
        }
    finally:
        conn.close()


class Sender:
    """Open loop: turn i is posted at t0 + i/rate by one of a few keep-alive senders."""

    def __init__(self, port: int, *, senders: int = 8) -> None:
        self.port = port
        self.senders = senders
        self.run = uuid.uuid4().hex[:8]
        self.base = 15560000000 + (int(time.time()) % 100000) * 10000
        self.late: list[float] = []
        self.acks: list[float] = []
        self.wall: dict[str, float] = {}  # wa_id -> time.time() at send
        self.wamids: dict[str, str] = {}
        self.errors = 0
        self.lock = threading.Lock()

    def customer(self, label: str, i: int) -> str:
        return f"{self.base + i}" if label == "turn" else f"{self.base - 1 - i}"

    def post(self, conn: http.client.HTTPConnection, wa_id: str, wamid: str) -> float | None:
        body = c.webhook_body(wamid=wamid, sender=wa_id, text="hi")
        headers = c.signed_headers(body)
        wall = time.time()
        start = time.perf_counter()
        try:
            conn.request("POST", "/hook/", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            return None
        if response.status != 200:
            return None
        ack = time.perf_counter() - start
        with self.lock:
            self.acks.append(ack)
            self.wall[wa_id] = wall
            self.wamids[wa_id] = wamid
        return start

    def run_turns(self, *, label: str, rate: float, count: int) -> dict[str, float]:
        sent: dict[str, float] = {}
        t0 = time.perf_counter() + 0.1

        def worker(j: int) -> None:
            conn = http.client.HTTPConnection(c.HOST, self.port, timeout=10)
            for i in range(j, count, self.senders):
                due = t0 + i / rate
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                wa_id = self.customer(label, i)
                start = self.post(conn, wa_id, f"wamid.e2e.{self.run}.{label}.{i}")
                with self.lock:
                    if start is None:
                        self.errors += 1
                        conn = http.client.HTTPConnection(c.HOST, self.port, timeout=10)
                    else:
                        sent[wa_id] = start
                        self.late.append(start - due)
            conn.close()

        threads = [
            threading.Thread(target=worker, args=(j,), daemon=True) for j in range(self.senders)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return sent


def wait_replies(recorder: GraphRecorder, sent: dict[str, float], grace: float) -> None:
    deadline = time.perf_counter() + grace
    while time.perf_counter() < deadline:
        with recorder.lock:
            missing = sum(1 for wa_id in sent if not recorder.replies.get(wa_id))
        if not missing:
            break
        time.sleep(0.1)
    time.sleep(min(2.0, grace))  # late duplicates still count


def cpu_split(web: subprocess.Popen, workers: list[subprocess.Popen]) -> dict[str, float]:
    """CPU seconds so far of the web server, the Celery workers and the database + broker
    (all of this machine's MariaDB and Redis: run the bench on a quiet machine)."""
    return {
        "web": c.group_cpu_seconds(web.pid),
        "worker": sum(c.group_cpu_seconds(w.pid) for w in workers),
        "services": c.services_cpu_seconds(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="sending duration")
    parser.add_argument("--rate", type=float, default=20.0, help="new conversations/s")
    parser.add_argument("--grace", type=float, default=30.0, help="wait for late replies")
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--gunicorn-threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1, help="Celery worker processes")
    parser.add_argument("--pool", default="threads", choices=["threads", "prefork", "solo"])
    parser.add_argument(
        "--concurrency",
        type=int,
        default=16,
        help="per Celery worker (the tasks mostly wait on MariaDB commits and HTTP)",
    )
    args = parser.parse_args()

    recorder = GraphRecorder()
    graph = fake_graph(recorder)
    graph_url = f"http://{c.HOST}:{graph.server_address[1]}"
    env = c.app_env(
        WA_GRAPH_URL=graph_url,
        WA_BEARER_TOKEN="bench-token",
        WA_PHONE_ID=c.PHONE_ID,
        WA_API_VERSION=c.API_VERSION,
        WA_REQUEST_TIMEOUT="5",
    )
    print(
        f"e2e_turn: {args.rate:g} conversations/s for {args.seconds:g} s; gunicorn "
        f"{args.gunicorn_workers}x{args.gunicorn_threads}; {args.workers} Celery worker(s), "
        f"pool {args.pool} x {args.concurrency}; fake Graph at {graph_url}; "
        f"{os.cpu_count()} CPUs",
        flush=True,
    )
    processes: list[subprocess.Popen] = []
    # Closed in the finally below; kept on disk only when the run fails.
    worker_log = tempfile.NamedTemporaryFile(  # noqa: SIM115
        prefix="e2e_turn_worker_", suffix=".log", delete=False
    )
    failed = True
    try:
        c.prepare_database(env)
        port = c.free_port()
        processes.append(
            c.start_gunicorn(
                app="project_core.wsgi:application",
                port=port,
                workers=args.gunicorn_workers,
                threads=args.gunicorn_threads,
                env=env,
            )
        )
        for n in range(args.workers):
            processes.append(
                start_worker(
                    env=env,
                    pool=args.pool,
                    concurrency=args.concurrency,
                    name=f"w{n}",
                    log=worker_log,
                )
            )
        sender = Sender(port)
        warm = sender.run_turns(label="warm", rate=5, count=5)
        wait_replies(recorder, warm, grace=60)
        if any(not recorder.replies.get(wa_id) for wa_id in warm) or not warm:
            print("warm-up turns got no reply: is the pipeline up?", file=sys.stderr)
            return 1
        dead = [p.args for p in processes if p.poll() is not None]
        if dead:
            print(f"a child process died: {dead}", file=sys.stderr)
            return 1
        sender.late.clear()
        errors_before = sender.errors
        reads_before = recorder.mark_reads
        count = int(args.rate * args.seconds)
        print(f"  sending {count} turns ...", flush=True)
        web, workers = processes[0], processes[1:]
        cpu_before = cpu_split(web, workers)
        started = time.perf_counter()
        sent = sender.run_turns(label="turn", rate=args.rate, count=count)
        send_elapsed = time.perf_counter() - started
        wait_replies(recorder, sent, grace=args.grace)
        cpu_after = cpu_split(web, workers)
        if any(p.poll() is not None for p in processes):
            print("warning: a child process exited during the run", file=sys.stderr)
        stages = stage_times({k: v for k, v in sender.wamids.items() if k in sent})
        failed = False
    finally:
        c.stop(processes)
        graph.shutdown()
        c.flush_redis()
        worker_log.close()
        if failed:
            tail = Path(worker_log.name).read_text(errors="replace")[-4000:]
            print(f"worker log ({worker_log.name}), last lines:\n{tail}", file=sys.stderr)
        else:
            os.unlink(worker_log.name)

    latencies, lost, duplicated, types = [], 0, 0, collections.Counter()
    with recorder.lock:
        for wa_id, start in sent.items():
            replies = recorder.replies.get(wa_id, [])
            types.update(kind for _, kind in replies)
            if not replies:
                lost += 1
                continue
            latencies.append(min(t for t, _ in replies) - start)
            if len(replies) > EXPECTED_REPLIES_PER_TURN:
                duplicated += 1
        mark_reads = recorder.mark_reads - reads_before
    queue_ms, send_ms = [], []
    for wa_id, start in sent.items():
        stage = stages.get(sender.wamids[wa_id])
        replies = recorder.replies.get(wa_id)
        if stage is None or not replies:
            continue
        queue_ms.append((stage[1] - sender.wall[wa_id]) * 1000)
        send_ms.append((min(t for t, _ in replies) - start) * 1000 - queue_ms[-1])
    p50 = c.percentile(latencies, 50) * 1000
    p99 = c.percentile(latencies, 99) * 1000
    print()
    print(
        f"turns posted (200):    {len(sent)} of {count} in {send_elapsed:.1f} s "
        f"({len(sent) / send_elapsed:.1f}/s); webhook errors {sender.errors - errors_before}"
    )
    print(f"sender lateness p99:   {c.percentile(sender.late, 99) * 1000:.1f} ms")
    print(
        f"turn latency p50:      {p50:.1f} ms   (target <= 100: {'PASS' if p50 <= 100 else 'MISS'})"
    )
    print(
        f"turn latency p99:      {p99:.1f} ms   (target <= 400: {'PASS' if p99 <= 400 else 'MISS'})"
    )
    print(f"turn latency max:      {max(latencies, default=float('nan')) * 1000:.1f} ms")
    print(
        f"stages p50/p99 ms:     ack {c.percentile(sender.acks, 50) * 1000:.1f}/"
        f"{c.percentile(sender.acks, 99) * 1000:.1f}; POST->event processed "
        f"{c.percentile(queue_ms, 50):.1f}/{c.percentile(queue_ms, 99):.1f}; "
        f"processed->reply at Graph {c.percentile(send_ms, 50):.1f}/"
        f"{c.percentile(send_ms, 99):.1f}"
    )
    answered = max(len(latencies), 1)
    cpu_ms = {k: (cpu_after[k] - cpu_before[k]) * 1000 / answered for k in cpu_before}
    total_ms = sum(cpu_ms.values())
    print(
        f"CPU per answered turn: web {cpu_ms['web']:.1f} ms, worker {cpu_ms['worker']:.1f} ms, "
        f"MariaDB+Redis {cpu_ms['services']:.1f} ms; total {total_ms:.1f} ms   "
        f"(target <= 15: {'PASS' if total_ms <= 15 else 'MISS'})"
    )
    print(f"lost:                  {lost}   (target 0: {'PASS' if lost == 0 else 'MISS'})")
    print(
        f"duplicated:            {duplicated}   (target 0: {'PASS' if duplicated == 0 else 'MISS'})"
    )
    print(f"reply types:           {dict(types)}")
    print(f"mark-read calls:       {mark_reads} (not replies)")
    load = os.getloadavg()
    print(
        f"load average at end:   {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs"
    )
    return 0


if __name__ == "__main__":
    c.interrupt_on_signals()
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
