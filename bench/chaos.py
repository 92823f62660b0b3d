"""Fault injection: customers chat while the Celery worker is SIGKILLed and Redis restarts
empty; does every message get its reply, once, in order, and how soon after the faults?

    .venv/bin/python bench/chaos.py [--customers 30] [--messages 10] [--seconds 25] [--short]

The real stack on 127.0.0.1 with production settings: gunicorn, ONE Celery worker (threads
x 16), Celery beat (DatabaseScheduler, schedules made by `manage.py setup_schedules`), the
scratch MariaDB database `shop_chaos` (dropped and migrated each run), a private
redis-server on a free port (no persistence, so a restart is empty) and a fake Graph API
in this process. Inputs cycle through commands whose replies are told apart by their text
("hi" -> greeting, "cart" -> empty cart, "thanks" -> you're welcome, "help" -> help list),
so each reply is attributed to the kind of message it answers; neighbouring messages of a
customer are always of different kinds. Every 4th webhook is delivered three times (same
wamid); a non-200 delivery is retried every second, as Meta retries.

Verdict (exit 1 on FAIL): lost 0, duplicated 0, customers out of order 0, and everything
answered and processed within 60 s of the end of the last fault.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import heapq
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c

DB_NAME = os.environ.get("BENCH_CHAOS_DB_NAME", "shop_chaos")
RECOVERY_TARGET_SECONDS = 60.0
# Whole-message commands (intent_classifier.commands) whose replies do not depend on the
# dialog state, each recognised by a phrase of its reply (the clean turns measured first
# check both the phrase and how many replies each one gets).
INPUTS: tuple[tuple[str, str], ...] = (
    ("hi", "greeting"),
    ("cart", "cart"),
    ("thanks", "thanks"),
    ("help", "help"),
)
# First match wins: the thanks reply also contains "welcome!".
REPLY_MARKERS: tuple[tuple[str, str], ...] = (
    ("anything else i can help", "thanks"),
    ("cart is empty", "cart"),
    ("type menu at any time", "help"),
    ("how can we help you today", "greeting"),
)
SENDERS = 8
META_RETRY_SECONDS = 1.0
META_MAX_ATTEMPTS = 120

# Run in a child with the bench's environment: the enabled interval schedules (the
# housekeeping sweeps), with every "*seconds*" parameter of their task (defaults of the
# task's signature, overridden by the schedule's args/kwargs).
SCHEDULE_READER = """
import inspect, json
import django
django.setup()
from celery import current_app
from django_celery_beat.models import PeriodicTask
current_app.loader.import_default_modules()
unit = {"days": 86400, "hours": 3600, "minutes": 60, "seconds": 1, "microseconds": 1e-6}
rows = []
for entry in PeriodicTask.objects.select_related("interval").filter(
    enabled=True, interval__isnull=False
).order_by("name"):
    task = current_app.tasks.get(entry.task)
    names, ages = [], {}
    if task is not None:
        for p in inspect.signature(task.run).parameters.values():
            names.append(p.name)
            if isinstance(p.default, (int, float)) and "seconds" in p.name:
                ages[p.name] = p.default
    given = dict(zip(names, json.loads(entry.args or "[]")))
    given.update(json.loads(entry.kwargs or "{}"))
    ages.update({k: v for k, v in given.items() if "seconds" in k and isinstance(v, (int, float))})
    rows.append({"name": entry.name, "task": entry.task,
                 "every": entry.interval.every * unit[entry.interval.period], "ages": ages})
print(json.dumps(rows))
"""


def reply_kind(body: dict) -> str:
    text = json.dumps(body, ensure_ascii=False).lower().replace("\u2019", "'")
    for marker, kind in REPLY_MARKERS:
        if marker in text:
            return kind
    return "other"


class GraphRecorder:
    """Replies per recipient as (arrival wall time, kind), in arrival order; mark-read calls
    apart (not replies)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.replies: dict[str, list[tuple[float, str]]] = collections.defaultdict(list)
        self.others: list[str] = []
        self.mark_reads = 0

    def count(self, wa_id: str) -> int:
        with self.lock:
            return len(self.replies.get(wa_id, ()))

    def last_arrival(self, wa_ids: set[str]) -> float:
        with self.lock:
            return max((t for w in wa_ids for t, _ in self.replies.get(w, ())), default=0.0)


class StatusNotifier:
    """Meta's side of delivery: after accepting a send it POSTs a signed "sent" status
    webhook with the wamid and the send's `biz_opaque_callback_data`, retrying while the
    webhook does not answer 200 (as Meta retries), for up to two minutes."""

    def __init__(self) -> None:
        self.port: int | None = None
        self.queue: collections.deque[tuple[float, bytes]] = collections.deque()
        self.lock = threading.Lock()
        self.posted = 0
        threading.Thread(target=self._run, daemon=True).start()

    def sent(self, *, wamid: str, to: str, callback_data: str) -> None:
        status = {
            "id": wamid,
            "status": "sent",
            "timestamp": str(int(time.time())),
            "recipient_id": to,
        }
        if callback_data:
            status["biz_opaque_callback_data"] = callback_data
        body = json.dumps(
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
                                        "phone_number_id": c.PHONE_ID,
                                    },
                                    "statuses": [status],
                                },
                            }
                        ],
                    }
                ],
            }
        ).encode()
        with self.lock:
            self.queue.append((time.time() + 120, body))

    def _run(self) -> None:
        while True:
            with self.lock:
                item = self.queue.popleft() if self.queue and self.port else None
            if item is None:
                time.sleep(0.05)
                continue
            give_up, body = item
            try:
                conn = http.client.HTTPConnection(c.HOST, self.port, timeout=10)
                conn.request("POST", "/hook/", body=body, headers=c.signed_headers(body))
                ok = conn.getresponse().status == 200
                conn.close()
            except OSError:
                ok = False
            if ok:
                self.posted += 1
            elif time.time() < give_up:
                time.sleep(0.2)
                with self.lock:
                    self.queue.append(item)


def fake_graph(
    recorder: GraphRecorder, *, latency: float, notifier: StatusNotifier
) -> ThreadingHTTPServer:
    """Answers each send `latency` s after receiving it (the real API takes a few hundred
    ms), so a worker killed at a random moment has sends in flight; then reports it
    "sent" through the webhook, as Meta does."""
    path = f"/{c.API_VERSION}/{c.PHONE_ID}/messages"

    class Handler(c.JsonHandler):
        def do_POST(self) -> None:
            arrived = time.time()
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            status, answer = 200, {"success": True}
            with recorder.lock:
                if self.path != path or not isinstance(body, dict):
                    status, answer = 400, {"error": {"message": "unknown path", "code": 100}}
                elif body.get("status") == "read":
                    recorder.mark_reads += 1
                else:
                    kind = reply_kind(body)
                    if kind == "other":
                        recorder.others.append(json.dumps(body)[:300])
                    recorder.replies[str(body.get("to"))].append((arrived, kind))
                    # A fresh wamid per send: Message.wamid is unique.
                    wamid = f"wamid.out.{uuid.uuid4().hex}"
                    answer = {
                        "messaging_product": "whatsapp",
                        "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                        "messages": [{"id": wamid}],
                    }
                    notifier.sent(
                        wamid=wamid,
                        to=str(body.get("to")),
                        callback_data=str(body.get("biz_opaque_callback_data") or ""),
                    )
            if latency > 0:
                time.sleep(latency)
            self.send_json(status, answer)

    return c.serve_in_thread(Handler)


@dataclass
class Inbound:
    """One customer message; its signed body is made at its first delivery (the timestamp
    Meta stamps) and every copy and retry re-sends the same bytes."""

    wa_id: str
    index: int
    wamid: str
    text: str
    copies: int
    due: float = 0.0
    body: bytes | None = None
    acked_at: float | None = None
    failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def signed(self) -> bytes:
        with self.lock:
            if self.body is None:
                self.body = c.webhook_body(wamid=self.wamid, sender=self.wa_id, text=self.text)
            return self.body


class Deliverer:
    """Open loop: each delivery is POSTed at its due time by one of a few senders, on a
    fresh connection (a keep-alive connection the server closed while idle would count as a
    failed delivery); one answered with anything but 200, or not answered, is due again a
    second later."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.heap: list[tuple[float, int, Inbound]] = []
        self.cond = threading.Condition()
        self.seq = 0
        self.closed = False
        self.posts = 0
        self.non_200: collections.Counter[str] = collections.Counter()
        self.non_200_times: list[float] = []
        self.retried: set[str] = set()
        self.gave_up: list[str] = []
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(SENDERS)]
        for thread in self.threads:
            thread.start()

    def add(self, due: float, message: Inbound) -> None:
        with self.cond:
            self.seq += 1
            heapq.heappush(self.heap, (due, self.seq, message))
            self.cond.notify()

    def pending(self) -> int:
        with self.cond:
            return len(self.heap)

    def close(self) -> None:
        with self.cond:
            self.closed = True
            self.cond.notify_all()
        for thread in self.threads:
            thread.join(timeout=15)

    def _next(self) -> Inbound | None:
        with self.cond:
            while True:
                if self.closed:
                    return None
                if self.heap:
                    wait = self.heap[0][0] - time.time()
                    if wait <= 0:
                        return heapq.heappop(self.heap)[2]
                    self.cond.wait(min(wait, 0.5))
                else:
                    self.cond.wait(0.5)

    def _run(self) -> None:
        while (message := self._next()) is not None:
            body = message.signed()
            outcome = "200"
            conn = http.client.HTTPConnection(c.HOST, self.port, timeout=10)
            try:
                conn.request("POST", "/hook/", body=body, headers=c.signed_headers(body))
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    outcome = str(response.status)
            except (OSError, http.client.HTTPException) as exc:
                outcome = f"no answer ({exc.__class__.__name__})"
            finally:
                conn.close()
            now = time.time()
            with self.cond:
                self.posts += 1
                if outcome == "200":
                    if message.acked_at is None:
                        message.acked_at = now
                    continue
                self.non_200[outcome] += 1
                self.non_200_times.append(now)
                self.retried.add(message.wamid)
                message.failures += 1
                if message.failures >= META_MAX_ATTEMPTS:
                    self.gave_up.append(message.wamid)
                    continue
            self.add(now + META_RETRY_SECONDS, message)


class Db:
    """Read-only figures straight from MariaDB."""

    def __init__(self) -> None:
        import MySQLdb

        self.conn = MySQLdb.connect(host=c.HOST, user="root", db=DB_NAME, autocommit=True)

    def one(self, sql: str, *params: object) -> tuple:
        cur = self.conn.cursor()
        cur.execute(sql, params)
        return cur.fetchone()

    def all(self, sql: str, *params: object) -> list[tuple]:
        cur = self.conn.cursor()
        cur.execute(sql, params)
        return list(cur.fetchall())

    def events(self, prefix: str) -> tuple[int, int, int, float | None]:
        """Stored events of this run: total, unprocessed, processed with an error, and the
        latest processed_at (epoch s)."""
        total, unprocessed, errors, last = self.one(
            "SELECT COUNT(*), SUM(processed_at IS NULL), SUM(error <> ''), "
            "UNIX_TIMESTAMP(MAX(processed_at)) FROM wa_gateway_inboundevent WHERE wamid LIKE %s",
            f"{prefix}%",
        )
        return int(total), int(unprocessed or 0), int(errors or 0), last and float(last)

    def outbound_by_status(self) -> dict[str, int]:
        return dict(
            self.all(
                "SELECT status, COUNT(*) FROM conversation_log_message "
                "WHERE direction = 'out' GROUP BY status"
            )
        )

    def outbound_attempts(self) -> dict[int, int]:
        return dict(
            self.all(
                "SELECT attempts, COUNT(*) FROM conversation_log_message "
                "WHERE direction = 'out' GROUP BY attempts"
            )
        )

    def close(self) -> None:
        self.conn.close()


@dataclass
class Stack:
    """The child processes and their logs; every start is logged with its wall time."""

    env: dict[str, str]
    logdir: Path
    redis_port: int
    processes: dict[str, subprocess.Popen | None] = field(default_factory=dict)
    dead: list[str] = field(default_factory=list)
    restarts: list[str] = field(default_factory=list)
    opened: list = field(default_factory=list)

    def log(self, name: str):
        handle = open(self.logdir / f"{name}.log", "ab")  # noqa: SIM115  (closed in stop_all)
        self.opened.append(handle)
        return handle

    def start_redis(self) -> None:
        self.processes["redis"] = c.start_redis_server(port=self.redis_port, log=self.log("redis"))

    def start_worker(self) -> None:
        self.processes["worker"] = c.start_celery(
            args=[
                "worker",
                "--pool",
                "threads",
                "--concurrency",
                "16",
                "--loglevel",
                "info",
                "--hostname",
                "chaos@bench",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            env=self.env,
            log=self.log("worker"),
        )

    def start_beat(self) -> None:
        # cwd is the log directory: beat writes nothing into the working tree.
        self.processes["beat"] = c.start_celery(
            args=["beat", "--loglevel", "info", "--pidfile", str(self.logdir / "beat.pid")],
            env=self.env,
            log=self.log("beat"),
            cwd=self.logdir,
        )

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        if process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def check_alive(self) -> None:
        """Like the systemd units of docs/SETUP.md (Restart=always): a worker or beat that
        exits on its own is started again (and counted); gunicorn must not die."""
        for name, process in list(self.processes.items()):
            if process is None or process.poll() is None:
                continue
            print(f"  ! {name} exited with {process.returncode}", flush=True)
            if name in ("worker", "beat"):
                self.restarts.append(name)
                (self.start_worker if name == "worker" else self.start_beat)()
                print(f"  ! {name} restarted by the supervisor", flush=True)
            elif name not in self.dead:
                self.dead.append(name)

    def stop_all(self) -> None:
        c.stop(self.processes.values())
        for handle in self.opened:
            handle.close()


def read_schedules(env: dict[str, str]) -> list[dict]:
    out = subprocess.run(
        [sys.executable, "-c", SCHEDULE_READER],
        cwd=c.ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def sweep_bound(schedules: list[dict]) -> float:
    """Worst case for a stored-but-dropped item to be picked up by a sweep: its age
    threshold plus one interval, over the frequent (<= 10 min) interval schedules."""
    return max(
        (s["every"] + max(s["ages"].values(), default=0) for s in schedules if s["every"] <= 600),
        default=0.0,
    )


def calibrate(deliverer: Deliverer, recorder: GraphRecorder, run: str) -> dict[str, int]:
    """One clean conversation before any fault: each input once, awaited; returns the
    replies each input gets, and refuses to go on if a reply is not recognised."""
    wa_id = "15559990000"
    expected: dict[str, int] = {}
    for n, (text, kind) in enumerate(INPUTS):
        before = recorder.count(wa_id)
        message = Inbound(wa_id, n, f"wamid.chaos.{run}.calib.{n}", text, 1)
        deliverer.add(time.time(), message)
        deadline = time.time() + (90 if n == 0 else 20)
        while recorder.count(wa_id) == before and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # a turn's further replies
        with recorder.lock:
            got = [k for _, k in recorder.replies.get(wa_id, [])[before:]]
        if not got or any(k != kind for k in got):
            raise RuntimeError(
                f"clean turn {text!r} before any fault: expected {kind!r} replies, got {got} "
                f"(webhook non-200: {dict(deliverer.non_200)}; unrecognised replies: "
                f"{recorder.others[-2:]}): the stack does not work even without faults"
            )
        expected[kind] = len(got)
    return expected


@dataclass
class Plan:
    customers: list[str]
    messages: dict[str, list[Inbound]]
    expected: dict[str, list[str]]  # wa_id -> reply kinds in input order


def make_plan(args: argparse.Namespace, run: str, per_kind: dict[str, int], t0: float) -> Plan:
    """Customer i's message k is due at t0 + (k + i/customers) * gap: the customers are
    spread over each gap, a customer's messages are `gap` apart, and every 4th webhook in
    time order is delivered three times (+0.05 s, +0.8 s)."""
    gap = args.seconds / args.messages
    customers = [f"1556{n:07d}" for n in range(args.customers)]
    schedule: list[tuple[float, str, int]] = sorted(
        (t0 + (k + i / args.customers) * gap, wa_id, k)
        for i, wa_id in enumerate(customers)
        for k in range(args.messages)
    )
    messages: dict[str, list[Inbound]] = {wa_id: [] for wa_id in customers}
    expected: dict[str, list[str]] = {wa_id: [] for wa_id in customers}
    for position, (due, wa_id, k) in enumerate(schedule):
        text, kind = INPUTS[k % len(INPUTS)]
        copies = 3 if position % 4 == 3 else 1
        message = Inbound(wa_id, k, f"wamid.chaos.{run}.{wa_id}.{k}", text, copies, due)
        messages[wa_id].append(message)
        expected[wa_id].extend([kind] * per_kind[kind])
    return Plan(customers, messages, expected)


def lcs(a: list[str], b: list[str]) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def log_summary(path: Path, top: int = 6) -> list[str]:
    """The most frequent WARNING+ log lines of a child (JSON or plain), digits folded."""
    counts: collections.Counter[str] = collections.Counter()
    for line in read_log(path).splitlines():
        text = line
        with contextlib.suppress(ValueError):
            record = json.loads(line)
            if isinstance(record, dict):
                if record.get("levelname", record.get("level", "")).upper() not in {
                    "WARNING",
                    "ERROR",
                    "CRITICAL",
                }:
                    continue
                text = f"{record.get('levelname', record.get('level'))} {record.get('message')}"
        if not text.startswith("{") and not re.search(r"WARNING|ERROR|CRITICAL|Traceback", text):
            continue
        counts[re.sub(r"\d+", "N", text)[:160]] += 1
    return [f"{n:5d} x {text}" for text, n in counts.most_common(top)]


def read_log(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def count_lines(path: Path, pattern: str) -> int:
    return len(re.findall(pattern, read_log(path)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=30)
    parser.add_argument("--messages", type=int, default=10, help="per customer")
    parser.add_argument("--seconds", type=float, default=25.0, help="sending duration")
    parser.add_argument("--outage", type=float, default=3.0, help="seconds each fault lasts")
    parser.add_argument(
        "--graph-latency", type=float, default=0.2, help="fake Graph API answer delay (s)"
    )
    parser.add_argument(
        "--grace",
        type=float,
        default=None,
        help="wait this long after the last fault for the stack to settle (default: "
        "max(180, the slowest sweep's interval + age + 30) s; --short: 65 s, the verdict's "
        "horizon)",
    )
    parser.add_argument(
        "--short",
        action="store_true",
        help="CI: 10 customers x 5 messages over 10 s, one worker kill, one Redis restart",
    )
    args = parser.parse_args()
    if args.short:
        args.customers, args.messages, args.seconds = 10, 5, 10.0
        if args.grace is None:
            args.grace = RECOVERY_TARGET_SECONDS + 5
    started = time.time()
    run = uuid.uuid4().hex[:8]
    recorder = GraphRecorder()
    notifier = StatusNotifier()
    graph = fake_graph(recorder, latency=args.graph_latency, notifier=notifier)
    redis_port = c.free_port()
    redis_url = f"redis://{c.HOST}:{redis_port}/0"
    env = c.app_env(
        DB_NAME=DB_NAME,
        REDIS_URL=redis_url,
        CACHE_REDIS_URL=redis_url,
        WA_GRAPH_URL=f"http://{c.HOST}:{graph.server_address[1]}",
        WA_BEARER_TOKEN="bench-token",
        WA_PHONE_ID=c.PHONE_ID,
        WA_API_VERSION=c.API_VERSION,
        WA_REQUEST_TIMEOUT="5",
        # INFO: the sweeps' "re-enqueued"/"re-dispatched" lines are evidence.
        DJANGO_LOG_LEVEL="INFO",
        # The bench's own pace must not trip the per-customer flood limit.
        INBOUND_RATE_MAX_MESSAGES=str(max(20, 2 * args.messages + 4)),
    )
    logdir = Path(tempfile.mkdtemp(prefix="chaos_"))
    stack = Stack(env=env, logdir=logdir, redis_port=redis_port)
    print(
        f"chaos: {args.customers} customers x {args.messages} messages over {args.seconds:g} s; "
        f"faults of {args.outage:g} s; Graph latency {args.graph_latency:g} s; "
        f"redis-server :{redis_port}; MariaDB `{DB_NAME}`; "
        f"logs in {logdir}; {os.cpu_count()} CPUs",
        flush=True,
    )
    deliverer: Deliverer | None = None
    db: Db | None = None
    events_log: list[tuple[float, str]] = []

    def mark(what: str) -> None:
        events_log.append((time.time(), what))
        print(f"  t+{time.time() - started:6.1f} s  {what}", flush=True)

    try:
        stack.start_redis()
        c.database_recreate(name=DB_NAME, env=env)
        subprocess.run(
            [sys.executable, "manage.py", "setup_schedules"],
            cwd=c.ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        schedules = read_schedules(env)
        bound = sweep_bound(schedules)
        grace = args.grace if args.grace is not None else min(600.0, max(180.0, bound + 30))
        for s in schedules:
            if s["every"] <= 600:
                ages = ", ".join(f"{k}={v:g}" for k, v in s["ages"].items()) or "no age"
                print(f"  sweep: {s['task']} every {s['every']:g} s ({ages})")
        print(f"  worst-case sweep pickup {bound:g} s; waiting up to {grace:g} s after the faults")
        port = c.free_port()
        notifier.port = port
        stack.processes["gunicorn"] = c.start_gunicorn(
            app="project_core.wsgi:application",
            port=port,
            workers=2,
            threads=4,
            env=env,
            stderr=stack.log("gunicorn"),
        )
        stack.start_worker()
        stack.start_beat()
        mark("stack up (gunicorn 2x4, worker threads x16, beat)")
        deliverer = Deliverer(port)
        per_kind = calibrate(deliverer, recorder, run)
        mark(f"clean turns answered; replies per input: {per_kind}")
        db = Db()

        t0 = time.time() + 0.5
        plan = make_plan(args, run, per_kind, t0)
        for wa_id in plan.customers:
            for message in plan.messages[wa_id]:
                for copy in range(message.copies):
                    deliverer.add(message.due + (0, 0.05, 0.8)[copy], message)
        sent_count = sum(len(m) for m in plan.messages.values())
        deliveries = sum(m.copies for ms in plan.messages.values() for m in ms)
        mark(f"sending {sent_count} messages ({deliveries} deliveries)")

        # Faults: the worker at 25 % of the sending window; Redis in the last round, so
        # its outage swallows the last message of most customers (and the tasks of the
        # ones before): no later message heals those, only the sweeps can.
        gap = args.seconds / args.messages
        worker_kill = t0 + 0.25 * args.seconds
        redis_kill = max(t0 + (args.messages - 0.8) * gap, worker_kill + args.outage + 1.0)
        time.sleep(max(0.0, worker_kill - time.time()))
        stack.check_alive()
        stack.kill("worker")
        mark("SIGKILL celery worker (process group)")
        time.sleep(args.outage)
        stack.start_worker()
        mark("celery worker started again")
        time.sleep(max(0.0, redis_kill - time.time()))
        stack.kill("redis")
        mark("SIGKILL redis-server")
        time.sleep(args.outage)
        stack.start_redis()
        fault_end = time.time()
        mark("redis-server started again, empty (same port)")

        # Settle: every message acknowledged, every turn answered, every event processed
        # and no reply still waiting to be sent; then a few seconds for late duplicates.
        deadline = fault_end + grace
        wa_ids = set(plan.customers)
        answered_at = processed_at = quiet_at = None
        unprocessed = pending_out = -1
        last_progress = 0.0
        while time.time() < deadline:
            stack.check_alive()
            acked = all(m.acked_at for ms in plan.messages.values() for m in ms)
            answered = all(recorder.count(w) >= len(plan.expected[w]) for w in plan.customers)
            if answered and answered_at is None:
                answered_at = time.time()
                mark("every turn has its replies")
            total, unprocessed, _, last_processed = db.events(f"wamid.chaos.{run}.1556")
            if acked and total == sent_count and not unprocessed and processed_at is None:
                processed_at = last_processed
                mark("every stored event processed")
            statuses = db.outbound_by_status()
            pending_out = statuses.get("queued", 0) + statuses.get("sending", 0)
            if answered and processed_at and not pending_out and not deliverer.pending():
                quiet_at = time.time()
                mark("no reply pending: settling 3 s for late duplicates")
                time.sleep(3.0)
                break
            if time.time() - last_progress > 15:
                last_progress = time.time()
                got = sum(recorder.count(w) for w in plan.customers)
                want = sum(len(v) for v in plan.expected.values())
                print(
                    f"  t+{time.time() - started:6.1f} s  waiting: replies {got}/{want}, "
                    f"unprocessed events {unprocessed}, outbound queued/sending {pending_out}",
                    flush=True,
                )
            time.sleep(0.5)
        else:
            mark("deadline reached")
        stack.check_alive()
        statuses = db.outbound_by_status()
        attempts = db.outbound_attempts()
        total, unprocessed, event_errors, _ = db.events(f"wamid.chaos.{run}.1556")
    except Exception:
        for name in ("gunicorn", "worker", "beat"):
            tail = read_log(logdir / f"{name}.log")[-3000:]
            print(f"--- {name} log, last lines:\n{tail}", file=sys.stderr)
        raise
    finally:
        if deliverer is not None:
            deliverer.close()
        if db is not None:
            db.close()
        stack.stop_all()
        graph.shutdown()

    # --- attribution -------------------------------------------------------------------
    lost = duplicated = 0
    out_of_order: list[str] = []
    with recorder.lock:
        observed = {w: [k for _, k in recorder.replies.get(w, [])] for w in plan.customers}
        unrecognised = len(recorder.others)
        mark_reads = recorder.mark_reads
    for wa_id in plan.customers:
        want, got = plan.expected[wa_id], observed[wa_id]
        have, need = collections.Counter(got), collections.Counter(want)
        lost += sum((need - have).values())
        duplicated += sum((have - need).values())
        # In order: every reply that is not a spare one lines up with the inputs.
        if lcs(want, got) < min(len(want), len(got)):
            out_of_order.append(wa_id)
    last_reply = recorder.last_arrival(wa_ids)
    # Everything done before the last fault ended counts as 0 s.
    recover_replies = max(0.0, last_reply - fault_end) if last_reply and not lost else float("inf")
    recover_events = (
        max(0.0, processed_at - fault_end) if processed_at and not unprocessed else float("inf")
    )
    recovery = max(recover_replies, recover_events)
    during_redis = [
        t for t in deliverer.non_200_times if redis_kill <= t <= fault_end + 2 * args.outage
    ]

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    want_total = sum(len(v) for v in plan.expected.values())
    got_total = sum(len(v) for v in observed.values())
    print()
    print(
        f"messages sent:            {sent_count} ({deliveries} deliveries, {deliverer.posts} POSTs)"
    )
    print(
        f"webhook non-200:          {sum(deliverer.non_200.values())} "
        f"{dict(deliverer.non_200) or ''} (during the Redis outage: {len(during_redis)}); "
        f"messages retried {len(deliverer.retried)}, given up {len(deliverer.gave_up)}"
    )
    print(
        f"events stored:            {total} of {sent_count} (unprocessed {unprocessed}, "
        f"engine errors {event_errors})"
    )
    print(
        f"replies:                  {got_total} of {want_total} expected; mark-reads {mark_reads}"
    )
    print(f"lost:                     {lost}   ({verdict(lost == 0)})")
    print(f"duplicated:               {duplicated}   ({verdict(duplicated == 0)})")
    print(
        f"customers out of order:   {len(out_of_order)} of {len(plan.customers)}   "
        f"({verdict(not out_of_order)})"
    )
    for wa_id in out_of_order[:3]:
        short = {"greeting": "G", "cart": "C", "thanks": "T", "help": "H", "other": "?"}
        print(
            f"    {wa_id}: expected {''.join(short[k] for k in plan.expected[wa_id])}"
            f" got {''.join(short[k] for k in observed[wa_id])}"
        )
    print(
        f"recovery after last fault: last reply {recover_replies:.1f} s, every event processed "
        f"{recover_events:.1f} s   (target <= {RECOVERY_TARGET_SECONDS:g}: "
        f"{verdict(recovery <= RECOVERY_TARGET_SECONDS)})"
    )
    print(f"outbound rows by status:  {statuses}; by attempts {attempts}")
    print(f"unrecognised replies:     {unrecognised}")
    sent_by_beat = collections.Counter(
        re.findall(r"Sending due task [^(\n]*\(([\w.]+)\)", read_log(logdir / "beat.log"))
    )
    print(
        "beat dispatches:          "
        + ("; ".join(f"{task} x{n}" for task, n in sorted(sent_by_beat.items())) or "none")
    )
    if stack.dead:
        print(f"children that died:       {stack.dead}")
    if stack.restarts:
        print(f"supervisor restarts:      {stack.restarts} (exited on their own)")
    quiet = "never" if quiet_at is None else f"+{quiet_at - fault_end:.1f} s after the last fault"
    print(f"quiet at:                 {quiet}")
    for name in ("gunicorn", "worker", "beat"):
        lines = log_summary(logdir / f"{name}.log")
        print(f"{name} log, most frequent warnings/errors ({logdir / (name + '.log')}):")
        for line in lines or ["    (none)"]:
            print(f"  {line}")
    print(
        f"sweep lines: re-enqueued {count_lines(logdir / 'worker.log', 're-enqueued')}, "
        f"re-dispatched {count_lines(logdir / 'worker.log', 're-dispatched')}; "
        f"enqueue failures at the webhook "
        f"{count_lines(logdir / 'gunicorn.log', 'could not enqueue')}"
    )
    print(f"wall time:                {time.time() - started:.0f} s")
    ok = not lost and not duplicated and not out_of_order and recovery <= RECOVERY_TARGET_SECONDS
    print(f"VERDICT: {verdict(ok)}")
    return 0 if ok else 1


if __name__ == "__main__":
    c.interrupt_on_signals()
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
