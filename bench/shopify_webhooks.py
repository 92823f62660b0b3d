"""Shopify price webhooks to the bot's quote: a signed `products/update` posted to
`POST /shopify/webhooks/` -> gunicorn -> Redis -> a real Celery worker -> the catalog, until
the new price is what the bot quotes.

    .venv/bin/python bench/shopify_webhooks.py [--rate 50] [--seconds 30] [--products 1000]

Open loop: webhook i is posted at t0 + i/rate (keep-alive senders), each changing one
product's price to a value no other webhook uses, with a later `updated_at` than any state of
that product before. Visible latency = POST sent -> the bench process reads the new price
through the bot's read path: `inventory.selectors.product_get`'s query (active product by
SKU, what the product card quotes), batched over every pending SKU and polled every 20 ms;
each hit is confirmed with `product_get` itself. Every --search-every'th webhook is also
searched with `recos.search.recommend(<sku>)` once its quote is new (re-polled every 20 ms
until the hit carries the new price), and the price column of the search index (what a
budget filter reads; reloaded at most every few seconds per process) is watched for it.
A webhook not visible within --lost-after s is lost. Target (issue 16): p99 <= 2 s at 50/s.

Everything on 127.0.0.1 with production settings: a scratch MariaDB database
(`shop_shopify_webhooks`, BENCH_SHOPIFY_WEBHOOKS_DB_NAME overrides; dropped, migrated and
seeded through `sync_products` from a local fake Admin API, dropped again at the end), its
own search index directory (a temporary RECOS_INDEX_DIR, so no scratch snapshot stays in
the machine's), Redis db 11 (BENCH_REDIS_URL overrides; flushed before and after), gunicorn
2 x 4 and one Celery worker (threads x 16), all terminated in a `finally`.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import http.client
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c
import shopify_sync  # its fake REST Admin API serves the seed catalog

DB_NAME = os.environ.get("BENCH_SHOPIFY_WEBHOOKS_DB_NAME", "shop_shopify_webhooks")
SECRET = "bench-shopify-webhook-secret"
SHOP_DOMAIN = "bench-shop.myshopify.com"
API_VERSION = shopify_sync.VERSION
TARGET_P99_SECONDS = 2.0
TARGET_RATE = 50.0
POLL_SECONDS = 0.02
SENDERS = 8
WARMUP = 5
TYPES = ("Phones", "Laptops", "Headphones", "Tablets", "Cameras")
VENDORS = ("Acme", "Volt", "Nova", "Orbit", "Pixel", "Zen")
# The seeded state's updated_at; webhook n carries SEEDED_AT + n + 1 seconds.
SEEDED_AT = datetime(2026, 11, 1, tzinfo=UTC)


def product_payload(i: int, *, price: Decimal, updated_at: datetime) -> dict:
    """Product i in Shopify's REST shape (the `products/update` webhook body is the same
    object): one variant with an inventory item, so the sync links it (VariantLink) and
    records its version (ProductVersion)."""
    pid = 7_000_000 + i
    stamp = updated_at.isoformat()
    return {
        "admin_graphql_api_id": f"gid://shopify/Product/{pid}",
        "id": pid,
        "title": f"Bench Phone {i}",
        "body_html": f"<p>Bench product <b>{i}</b>.</p>",
        "vendor": VENDORS[i % len(VENDORS)],
        "product_type": TYPES[i % len(TYPES)],
        "created_at": SEEDED_AT.isoformat(),
        "handle": f"bench-phone-{i}",
        "updated_at": stamp,
        "published_at": SEEDED_AT.isoformat(),
        "status": "active",
        "tags": "",
        "variants": [
            {
                "admin_graphql_api_id": f"gid://shopify/ProductVariant/{80_000_000 + i}",
                "id": 80_000_000 + i,
                "product_id": pid,
                "title": "Default Title",
                "price": str(price),
                "sku": sku_of(i),
                "compare_at_price": None,
                "inventory_item_id": 90_000_000 + i,
                "inventory_quantity": 5 + i % 20,
                "updated_at": stamp,
            }
        ],
        "options": [
            {
                "id": pid * 7,
                "product_id": pid,
                "name": "Title",
                "position": 1,
                "values": ["Default Title"],
            }
        ],
        "images": [],
        "image": None,
    }


def sku_of(i: int) -> str:
    return f"SHWH-{i:06d}"


def seed_price(i: int) -> Decimal:
    return Decimal(f"{100 + i % 800}.00")


def new_price(seq: int) -> Decimal:
    """Unique per webhook and above every seeded price."""
    return Decimal(f"{5000 + seq // 100}.{seq % 100:02d}")


@dataclass
class Webhook:
    seq: int
    product: int
    sku: str
    product_pk: int
    price: Decimal
    webhook_id: str
    body: bytes
    sampled: bool
    due: float = 0.0  # perf_counter
    sent: float | None = None  # perf_counter
    sent_wall: float | None = None
    ack: float | None = None  # seconds
    failed: str = ""
    visible: float | None = None  # perf_counter
    search_visible: float | None = None
    index_visible: float | None = None
    quote_mismatch: bool = False

    def headers(self) -> dict[str, str]:
        from connectors.shopify_admin.webhook_inbox import hmac_header

        return {
            "Content-Type": "application/json",
            "X-Shopify-Topic": "products/update",
            "X-Shopify-Hmac-Sha256": hmac_header(body=self.body, secret=SECRET),
            "X-Shopify-Shop-Domain": SHOP_DOMAIN,
            "X-Shopify-Webhook-Id": self.webhook_id,
            "X-Shopify-Event-Id": self.webhook_id,
            "X-Shopify-API-Version": API_VERSION,
            "X-Shopify-Triggered-At": datetime.now(UTC).isoformat(),
        }


class Tracker:
    """Webhooks sent and not yet visible, by SKU (--products >= rate x lost-after keeps one
    pending webhook per SKU at most)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: dict[str, Webhook] = {}
        self.searching: list[Webhook] = []
        self.stop = threading.Event()
        self.thread_errors: list[str] = []

    def sending(self, webhook: Webhook) -> None:
        with self.lock:
            self.pending[webhook.sku] = webhook

    def refused(self, webhook: Webhook, why: str) -> None:
        with self.lock:
            webhook.failed = why
            if self.pending.get(webhook.sku) is webhook:
                del self.pending[webhook.sku]

    def busy(self) -> bool:
        with self.lock:
            return bool(self.pending or self.searching)


def poll_quotes(tracker: Tracker, lost_after: float) -> None:
    """Every 20 ms, one query for all pending SKUs with product_get's filter (active, by
    SKU); a SKU showing its webhook's price is confirmed with product_get itself."""
    from django.db import connection

    from inventory.models import Product
    from inventory.selectors import product_get

    try:
        while not tracker.stop.is_set():
            tick = time.perf_counter()
            with tracker.lock:
                pending = dict(tracker.pending)
            if pending:
                rows = Product.objects.filter(sku__in=list(pending), active=True).values_list(
                    "sku", "price"
                )
                now = time.perf_counter()
                for sku, price in rows:
                    webhook = pending[sku]
                    if price != webhook.price:
                        continue
                    product = product_get(sku=sku)
                    webhook.quote_mismatch = product is None or product.price != webhook.price
                    with tracker.lock:
                        webhook.visible = now
                        del tracker.pending[sku]
                        if webhook.sampled:
                            tracker.searching.append(webhook)
                with tracker.lock:  # lost: give up on it
                    for sku, webhook in list(tracker.pending.items()):
                        if webhook.sent is not None and now - webhook.sent > lost_after:
                            del tracker.pending[sku]
            time.sleep(max(0.0, POLL_SECONDS - (time.perf_counter() - tick)))
    finally:
        connection.close()


def poll_search(tracker: Tracker, lost_after: float) -> None:
    """For sampled webhooks whose quote is new: `recommend(sku)` until its hit carries the
    new price, and the search index's price column (the budget filter) until it does too."""
    from django.db import connection

    from recos import index
    from recos.encoders import get_encoder
    from recos.search import recommend

    model = get_encoder().name
    try:
        while not tracker.stop.is_set():
            tick = time.perf_counter()
            with tracker.lock:
                active = list(tracker.searching)
            matrix = index.products.get(model) if active else None
            for webhook in active:
                now = time.perf_counter()
                if webhook.search_visible is None:
                    hits = recommend(webhook.sku, k=5)
                    if any(
                        h.product.sku == webhook.sku and h.product.price == webhook.price
                        for h in hits
                    ):
                        webhook.search_visible = time.perf_counter()
                if webhook.index_visible is None and matrix is not None:
                    position = matrix.position(webhook.product_pk)
                    if position is not None and matrix.price[position] == float(webhook.price):
                        webhook.index_visible = time.perf_counter()
                done = webhook.search_visible is not None and webhook.index_visible is not None
                if done or now - (webhook.sent or now) > lost_after:
                    with tracker.lock:
                        tracker.searching.remove(webhook)
            time.sleep(max(0.0, POLL_SECONDS - (time.perf_counter() - tick)))
    finally:
        connection.close()


def guarded(poll, tracker: Tracker, lost_after: float) -> None:
    """Run a poller; an exception is recorded and printed with the figures (a poller that
    died would otherwise show as lost webhooks)."""
    try:
        poll(tracker, lost_after)
    except Exception as exc:  # noqa: BLE001  (reported with the figures)
        tracker.thread_errors.append(f"{poll.__name__}: {type(exc).__name__}: {exc}"[:300])


def send_open_loop(port: int, tracker: Tracker, webhooks: list[Webhook], rate: float) -> None:
    """Webhook i at t0 + i/rate, by SENDERS keep-alive connections; a connection error or
    a non-200 answer is a failed delivery (counted, not retried)."""
    t0 = time.perf_counter() + 0.1
    for i, webhook in enumerate(webhooks):
        webhook.due = t0 + i / rate

    def run(j: int) -> None:
        conn = http.client.HTTPConnection(c.HOST, port, timeout=10)
        for webhook in webhooks[j::SENDERS]:
            delay = webhook.due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            headers = webhook.headers()
            webhook.sent_wall = time.time()
            webhook.sent = time.perf_counter()
            tracker.sending(webhook)
            try:
                conn.request("POST", "/shopify/webhooks/", body=webhook.body, headers=headers)
                response = conn.getresponse()
                answer = response.read()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection(c.HOST, port, timeout=10)
                tracker.refused(webhook, exc.__class__.__name__)
                continue
            webhook.ack = time.perf_counter() - webhook.sent
            try:
                stored = json.loads(answer).get("status") == "ok"
            except (ValueError, AttributeError):
                stored = False
            if response.status != 200 or not stored:
                # "duplicate" or an error page: not a fresh delivery stored once
                tracker.refused(webhook, f"{response.status} {answer[:60]!r}")
        conn.close()

    threads = [threading.Thread(target=run, args=(j,), daemon=True) for j in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def wait_settled(tracker: Tracker, lost_after: float) -> None:
    deadline = time.perf_counter() + lost_after + 1
    while tracker.busy() and time.perf_counter() < deadline:
        time.sleep(0.05)


def seed(products: int) -> dict[str, int]:
    """The catalog as the scheduled sync imports it (categories for the product types
    exist, so no product lands in "unmapped"), its embeddings, and the search index
    loaded in this process; returns SKU -> product id."""
    from django.utils.text import slugify

    from connectors.shopify_admin.client import ShopifyClient
    from connectors.shopify_admin.product_sync import sync_products
    from inventory.models import Category, Product
    from recos import index
    from recos.encoders import get_encoder
    from recos.training import embeddings_train_products

    for n, name in enumerate(TYPES):
        Category.objects.get_or_create(
            slug=slugify(name), defaults={"name_en": name, "name_ar": name, "sort_order": n}
        )
    catalog = [
        product_payload(i, price=seed_price(i), updated_at=SEEDED_AT) for i in range(products)
    ]
    server, _calls = shopify_sync.serve(catalog)
    try:
        client = ShopifyClient(
            store_url=f"http://{c.HOST}:{server.server_port}",
            token="bench",
            api_version=API_VERSION,
        )
        result = sync_products(full=True, client=client, api="rest", queue_embedding_training=False)
    finally:
        server.shutdown()
    if result.created != products:
        raise RuntimeError(f"seed sync created {result.created} of {products}: {result.counts()}")
    embeddings_train_products()
    index.products.get(get_encoder().name)
    return dict(Product.objects.filter(sku__startswith="SHWH-").values_list("sku", "pk"))


def make_webhooks(
    *, first_seq: int, count: int, products: int, pks: dict[str, int], search_every: int
) -> list[Webhook]:
    webhooks = []
    for n in range(count):
        seq = first_seq + n
        i = seq % products
        price = new_price(seq)
        payload = product_payload(i, price=price, updated_at=SEEDED_AT + timedelta(seconds=seq + 1))
        webhooks.append(
            Webhook(
                seq=seq,
                product=i,
                sku=sku_of(i),
                product_pk=pks[sku_of(i)],
                price=price,
                webhook_id=str(uuid.uuid4()),
                body=json.dumps(payload).encode(),
                sampled=search_every > 0 and seq % search_every == 0,
            )
        )
    return webhooks


def stage_times(webhook_ids: list[str]) -> dict[str, tuple[float, float | None, str, str]]:
    """webhook id -> (received_at, processed_at, outcome, error), epoch seconds."""
    from connectors.shopify_admin.models import WebhookEvent

    rows = WebhookEvent.objects.filter(webhook_id__in=webhook_ids).values_list(
        "webhook_id", "received_at", "processed_at", "outcome", "error"
    )
    return {
        wid: (received.timestamp(), processed.timestamp() if processed else None, outcome, error)
        for wid, received, processed, outcome, error in rows
    }


def own_cpu_seconds() -> float:
    """User + system CPU of this process (its senders, pollers and searches share the
    cores with what is measured)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def drop_database() -> None:
    subprocess.run(
        ["mysql", "-uroot", "-h", c.HOST, "-e", f"DROP DATABASE IF EXISTS `{DB_NAME}`"],
        check=True,
    )


def ms(values: list[float]) -> str:
    if not values:
        return "n/a (none)"
    figures = [c.percentile(values, q) * 1000 for q in (50, 95, 99)] + [max(values) * 1000]
    return " / ".join(f"{f:.0f}" for f in figures) + f"   (n={len(values)})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=TARGET_RATE, help="webhooks/s")
    parser.add_argument("--seconds", type=float, default=30.0, help="sending duration")
    parser.add_argument("--products", type=int, default=1000, help="seeded Shopify products")
    parser.add_argument(
        "--lost-after", type=float, default=10.0, help="not visible this long after the POST"
    )
    parser.add_argument(
        "--search-every", type=int, default=10, help="also search every Nth webhook (0: none)"
    )
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--gunicorn-threads", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=16, help="Celery worker threads")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    args = parser.parse_args()
    if args.products < args.rate * args.lost_after + WARMUP:
        parser.error(
            "--products must be at least rate x lost-after + 5, so that no product gets a "
            "second webhook while its first one may still be pending"
        )
    if not DB_NAME.replace("_", "").isalnum():
        parser.error(f"not a scratch database name: {DB_NAME!r}")

    logdir = Path(tempfile.mkdtemp(prefix="shopify_webhooks_"))
    index_dir = Path(tempfile.mkdtemp(prefix="shopify_webhooks_index_"))
    env = c.app_env(
        DB_NAME=DB_NAME,
        RECOS_INDEX_DIR=str(index_dir),
        SHOPIFY_WEBHOOK_SECRET=SECRET,
        SHOPIFY_API="rest",
        SHOPIFY_API_VERSION=API_VERSION,
        SHOPIFY_LOCATION_IDS="",
        SHOPIFY_SYNC_COLLECTIONS="0",
        SHOPIFY_SYNC_TRANSLATIONS="0",
    )
    started = time.time()
    count = int(args.rate * args.seconds)
    print(
        f"shopify_webhooks: {args.rate:g} products/update webhooks/s for {args.seconds:g} s "
        f"({count}) over {args.products} products; gunicorn {args.gunicorn_workers}x"
        f"{args.gunicorn_threads}; 1 Celery worker, threads x {args.concurrency}; MariaDB "
        f"`{DB_NAME}`; {c.REDIS_URL}; {os.cpu_count()} CPUs",
        flush=True,
    )
    logs = {name: open(logdir / f"{name}.log", "ab") for name in ("gunicorn", "worker")}  # noqa: SIM115
    processes: list[subprocess.Popen] = []
    tracker = Tracker()
    pollers: list[threading.Thread] = []
    created_db = failed = False
    try:
        c.database_recreate(name=DB_NAME, env=env)
        created_db = True
        c.flush_redis()
        os.environ.update(env)
        import django

        django.setup()
        seeding = time.perf_counter()
        pks = seed(args.products)
        print(
            f"  seeded {len(pks)} products (sync_products + embeddings) in "
            f"{time.perf_counter() - seeding:.1f} s",
            flush=True,
        )
        port = c.free_port()
        processes.append(
            c.start_gunicorn(
                app="project_core.wsgi:application",
                port=port,
                workers=args.gunicorn_workers,
                threads=args.gunicorn_threads,
                env=env,
                stderr=logs["gunicorn"],
            )
        )
        processes.append(
            c.start_celery(
                args=[
                    "worker",
                    "--pool",
                    "threads",
                    "--concurrency",
                    str(args.concurrency),
                    "--loglevel",
                    "warning",
                    "--hostname",
                    "shopify_webhooks@bench",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                env=env,
                log=logs["worker"],
            )
        )
        pollers = [
            threading.Thread(target=guarded, args=(f, tracker, args.lost_after), daemon=True)
            for f in (poll_quotes, poll_search)
        ]
        for thread in pollers:
            thread.start()

        # Warm-up (not counted): the worker's first tasks import and load what they need.
        warm = make_webhooks(
            first_seq=0, count=WARMUP, products=args.products, pks=pks, search_every=1
        )
        send_open_loop(port, tracker, warm, rate=5)
        deadline = time.perf_counter() + 60
        while tracker.busy() and time.perf_counter() < deadline:
            time.sleep(0.1)
        if any(w.visible is None for w in warm):
            failed = True
            print(
                f"warm-up webhooks never became visible ({[w.failed for w in warm]}; "
                f"pollers: {tracker.thread_errors}): is the pipeline up?",
                file=sys.stderr,
            )
            return 1

        webhooks = make_webhooks(
            first_seq=WARMUP,
            count=count,
            products=args.products,
            pks=pks,
            search_every=args.search_every,
        )
        print(f"  sending {count} webhooks ...", flush=True)
        web, worker = processes
        cpu_before = (
            c.group_cpu_seconds(web.pid),
            c.group_cpu_seconds(worker.pid),
            c.services_cpu_seconds(),
            own_cpu_seconds(),
        )
        sending = time.perf_counter()
        send_open_loop(port, tracker, webhooks, rate=args.rate)
        send_elapsed = time.perf_counter() - sending
        wait_settled(tracker, args.lost_after)
        cpu_after = (
            c.group_cpu_seconds(web.pid),
            c.group_cpu_seconds(worker.pid),
            c.services_cpu_seconds(),
            own_cpu_seconds(),
        )
        dead = [
            name
            for name, p in zip(("gunicorn", "worker"), processes, strict=True)
            if p.poll() is not None
        ]
        stages = stage_times([w.webhook_id for w in webhooks])
    except Exception:
        failed = True
        raise
    finally:
        tracker.stop.set()
        for thread in pollers:
            thread.join(timeout=10)
        c.stop(processes)
        for handle in logs.values():
            handle.close()
        if failed:
            for name in logs:
                tail = (logdir / f"{name}.log").read_text(errors="replace")[-3000:]
                print(f"--- {name} log ({logdir}), last lines:\n{tail}", file=sys.stderr)
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        with contextlib.suppress(Exception):
            c.flush_redis()
        if created_db and not args.keep_db:
            drop_database()
        shutil.rmtree(index_dir, ignore_errors=True)

    # --- figures -----------------------------------------------------------------------
    posted = [w for w in webhooks if w.sent is not None and not w.failed]
    errors = collections.Counter(w.failed.split(" ")[0] for w in webhooks if w.failed)
    visible = [w.visible - w.sent for w in posted if w.visible is not None]
    lost = [w for w in posted if w.visible is None]
    acks = [w.ack for w in webhooks if w.ack is not None]
    lateness = [w.sent - w.due for w in webhooks if w.sent is not None]
    sampled = [w for w in posted if w.sampled]
    searched = [w.search_visible - w.sent for w in sampled if w.search_visible is not None]
    indexed = [w.index_visible - w.sent for w in sampled if w.index_visible is not None]
    mismatches = sum(1 for w in posted if w.quote_mismatch)
    stored = processed = event_errors = stale = 0
    to_store, to_process, to_visible = [], [], []
    for w in posted:
        stage = stages.get(w.webhook_id)
        if stage is None:
            continue
        received, done, outcome, error = stage
        stored += 1
        event_errors += bool(error)
        stale += outcome.startswith("stale")
        to_store.append(received - w.sent_wall)
        if done is None:
            continue
        processed += 1
        to_process.append(done - received)
        if w.visible is not None:
            to_visible.append(w.sent_wall + (w.visible - w.sent) - done)
    total = sum(b - a for a, b in zip(cpu_before[:3], cpu_after[:3], strict=True))
    per = max(len(posted), 1)
    cpu = [(b - a) * 1000 / per for a, b in zip(cpu_before, cpu_after, strict=True)]
    p99 = c.percentile(visible, 99) if visible else float("inf")

    print()
    print(
        f"webhooks posted (200):  {len(posted)} of {count} in {send_elapsed:.1f} s "
        f"({len(posted) / send_elapsed:.1f}/s); failed deliveries {sum(errors.values())}"
        f"{' ' + str(dict(errors)) if errors else ''}; "
        f"sender lateness p99 {c.percentile(lateness, 99) * 1000:.0f} ms"
    )
    print("                        p50 / p95 / p99 / max ms")
    print(f"price quoted (visible): {ms(visible)}")
    print(f"webhook ack:            {ms(acks)}")
    print(f"search hit price:       {ms(searched)}   (recos.recommend, every {args.search_every})")
    print(
        f"budget filter column:   {ms(indexed)}   (search index price column in this process; "
        "informational)"
    )
    print(
        f"stages p50/p99 ms:      POST->stored {c.percentile(to_store, 50) * 1000:.0f}/"
        f"{c.percentile(to_store, 99) * 1000:.0f}; stored->applied "
        f"{c.percentile(to_process, 50) * 1000:.0f}/{c.percentile(to_process, 99) * 1000:.0f}; "
        f"applied->quote seen {c.percentile(to_visible, 50) * 1000:.0f}/"
        f"{c.percentile(to_visible, 99) * 1000:.0f}"
    )
    print(
        f"events:                 stored {stored}, applied {processed}, with an error "
        f"{event_errors}, stale {stale}; product_get disagreed {mismatches}"
    )
    print(f"lost (> {args.lost_after:g} s):          {len(lost)}")
    print(
        f"CPU per webhook:        web {cpu[0]:.1f} ms, worker {cpu[1]:.1f} ms, MariaDB+Redis "
        f"{cpu[2]:.1f} ms; total {total * 1000 / per:.1f} ms; this bench process (senders, "
        f"pollers, searches) {cpu[3]:.1f} ms"
    )
    if dead:
        print(f"children that exited:   {dead}")
    for error in tracker.thread_errors:
        print(f"poller failed:          {error}")
    load = os.getloadavg()
    print(
        f"load average at end:    {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on "
        f"{os.cpu_count()} CPUs; wall time {time.time() - started:.0f} s; logs in {logdir}"
    )
    ok = p99 <= TARGET_P99_SECONDS and not lost and not errors and not tracker.thread_errors
    if args.rate >= TARGET_RATE:
        verdict = "met" if ok else "missed"
    else:
        verdict = f"not measured (this run: {args.rate:g}/s, p99 {p99:.2f} s)"
    print(f"p99 ≤ 2 s at 50/s: {verdict}")
    return 0


if __name__ == "__main__":
    c.interrupt_on_signals()
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
