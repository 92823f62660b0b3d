"""Staff dashboard benchmark (issue 17): /admin/dashboard/ at 100k orders and 1M messages.

Fills a scratch MariaDB database (`shop_dashboard_bench`, created and migrated; reused on the
next run when it already holds the same volume) with 100k orders (with items, status events
and their carts) spread over 90 days, 1M messages (half inbound, half outbound with delivery
statuses and Meta error codes), chats, handoffs, unanswered questions and the funnel's events
(3 searches per order, a tenth of them with no result, and 1.2 checkouts started per order)
with each customer's newest event per kind (ShopEventLatest, what the funnel counts), by
INSERT ... SELECT from MariaDB's sequence tables (seconds, not minutes). Carts are written
with `has_items` as the cart services keep it: every ordered cart and three abandoned carts
in four hold an item, the fourth was emptied. Then renders the dashboard view `--runs` times
through the Django test client logged in as staff, and prints p50/p95 ms with the load
average (the box is shared) and the median time of each panel's selectors (the funnel's also
split in its three parts; its orders placed are summed from the per-day totals, as the page
does), with the schema's indexes (orders migrations 0005 and 0006: the three below). With
`--compare` it then drops those three, measures again and puts them back, so both figures
come from one run. BENCH_DASHBOARD_DB_NAME names another scratch database.

Target: p95 <= 300 ms. Exits 0 with a message when MariaDB is unreachable.

    .venv/bin/python bench/dashboard.py [--orders 100000] [--messages 1000000] [--runs 30]
                                        [--rebuild] [--compare]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DB_NAME = os.environ.get("BENCH_DASHBOARD_DB_NAME", "shop_dashboard_bench")
HOST = "127.0.0.1"
CUSTOMERS = 20_000
ABANDONED_CARTS = 30_000
EMPTIED_CARTS_EVERY = 4  # one abandoned cart in four was emptied before it was abandoned
QUESTIONS = 300
SEARCHES_PER_ORDER = 3
CHECKOUTS_PER_ORDER = 1.2
SEARCH_WORDS = 500  # distinct search texts, so "no result" groups a realistic spread
PRODUCTS = 20
DAYS = 90
TARGET_P95_MS = 300.0
# The dashboard's indexes (orders migrations 0005 and 0006): (table, name, columns).
DASHBOARD_INDEXES = (
    ("orders_order", "order_created_day_totals", "created_at, status, currency, total"),
    ("orders_cart", "cart_with_items_created_at", "has_items, created_at"),
    ("orders_orderevent", "orderevent_to_status_day", "to_status, created_at, order_id"),
)


def mariadb_reachable() -> bool:
    try:
        import MySQLdb
    except ImportError:
        return False
    try:
        MySQLdb.connect(host=HOST, user="root", connect_timeout=2).close()
    except MySQLdb.Error:
        return False
    return True


def mysql(sql: str) -> None:
    subprocess.run(["mysql", "-uroot", "-h", HOST, "-e", sql], check=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


# --- filling the database ----------------------------------------------------------------
def insert_select(model: type, *, source: str, exprs: dict[str, str]) -> int:
    """INSERT INTO model's table SELECT ... FROM `source`, one SQL expression per column in
    `exprs`; every other column gets its field's default (auto_now fields: now, nullable:
    NULL), so a column added by a later migration does not break the bench."""
    from django.db import connection
    from django.db.models import CharField, DateTimeField, TextField

    qn = connection.ops.quote_name
    columns, selects, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.column not in exprs:
            continue
        columns.append(qn(field.column))
        if field.column in exprs:
            selects.append(exprs[field.column])
        elif isinstance(field, DateTimeField) and (field.auto_now or field.auto_now_add):
            selects.append("UTC_TIMESTAMP(6)")
        elif field.has_default():
            selects.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
        elif field.null:
            selects.append("NULL")
        elif isinstance(field, CharField | TextField):
            selects.append("''")
        else:
            raise ValueError(f"{model.__name__}.{field.name} needs a value")
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(selects)} FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _execute(sql: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.rowcount


def spread(seq: str) -> str:
    """A moment in the last DAYS days, scattered by a multiplicative hash of `seq`."""
    return f"UTC_TIMESTAMP(6) - INTERVAL MOD({seq} * 7919, {DAYS * 86400}) SECOND"


def populate(*, orders: int, messages: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from conversation_log.models import Chat, Message, ShopEvent, ShopEventLatest
    from helpdesk.models import UnansweredQuestion
    from orders.models import Cart, CartItem, Order, OrderEvent, OrderItem
    from tests.factories import PaymentOptionFactory, ProductFactory, ShippingOptionFactory
    from users.models import Customer

    def step(label: str, fn: Callable[[], int]) -> None:
        started = time.monotonic()
        n = fn()
        print(f"  {label:<28} {n:>9,} rows  {time.monotonic() - started:6.1f} s", flush=True)

    print(f"filling {DB_NAME}: {orders:,} orders, {messages:,} messages ...", flush=True)
    with transaction.atomic():
        products = [ProductFactory(sku=f"BENCH-{i:03d}") for i in range(PRODUCTS)]
        shipping = ShippingOptionFactory(code="bench-ship")
        payment = PaymentOptionFactory(code="bench-pay")
    first_product = min(p.pk for p in products)
    step(
        "customers",
        lambda: insert_select(
            Customer,
            source=f"seq_1_to_{CUSTOMERS}",
            exprs={
                "wa_id": "CONCAT('9715', LPAD(seq, 8, '0'))",
                "phone": "CONCAT('9715', LPAD(seq, 8, '0'))",
                "profile_name": "CONCAT('Bench ', seq)",
                "language": "IF(MOD(seq, 3) = 0, 'ar', 'en')",
            },
        ),
    )
    customers = "(SELECT MIN(id) FROM users_customer WHERE wa_id LIKE '9715%%')"
    step(
        "chats",
        lambda: insert_select(
            Chat,
            source="users_customer cu WHERE cu.wa_id LIKE '9715%%'",
            exprs={
                "customer_id": "cu.id",
                "language": "cu.language",
                "last_activity_at": spread("cu.id"),
                "handoff_active": "MOD(cu.id, 700) = 0",
                "handoff_requested_at": (
                    "IF(MOD(cu.id, 700) = 0, UTC_TIMESTAMP(6) - INTERVAL MOD(cu.id, 300) "
                    "MINUTE, NULL)"
                ),
            },
        ),
    )
    step(
        "orders",
        lambda: insert_select(
            Order,
            source=f"seq_1_to_{orders}",
            exprs={
                "order_number": "CONCAT('BENCH-', LPAD(seq, 8, '0'))",
                "customer_id": f"{customers} + MOD(seq, {CUSTOMERS})",
                "status": (
                    "CASE WHEN MOD(seq, 10) = 0 THEN 'cancelled' WHEN MOD(seq, 10) < 4 THEN "
                    "'placed' WHEN MOD(seq, 10) < 7 THEN 'paid' ELSE 'delivered' END"
                ),
                "contact_name": "'Bench'",
                "address": "'Bench street 1'",
                "shipping_option_id": str(shipping.pk),
                "payment_option_id": str(payment.pk),
                "subtotal": "10 + MOD(seq, 990)",
                "shipping_cost": "5",
                "total": "15 + MOD(seq, 990)",
                "currency": "'USD'",
                "created_at": spread("seq"),
                "updated_at": spread("seq"),
            },
        ),
    )
    bench_orders = "orders_order o WHERE o.order_number LIKE 'BENCH-%%'"
    for second in (False, True):
        step(
            "order items" + (" (second)" if second else ""),
            lambda second=second: insert_select(
                OrderItem,
                source=bench_orders + (" AND MOD(o.id, 2) = 0" if second else ""),
                exprs={
                    "order_id": "o.id",
                    "product_id": f"{first_product} + MOD(o.id + {int(second)}, {PRODUCTS})",
                    "sku": "'BENCH'",
                    "name_en": "'Bench product'",
                    "unit_price": "o.subtotal",
                    "quantity": "1",
                    "line_total": "o.subtotal",
                },
            ),
        )
    step(
        "order events (placed)",
        lambda: insert_select(
            OrderEvent,
            source=bench_orders,
            exprs={"order_id": "o.id", "to_status": "'placed'", "created_at": "o.created_at"},
        ),
    )
    step(
        "order events (paid)",
        lambda: insert_select(
            OrderEvent,
            source=bench_orders + " AND o.status IN ('paid', 'delivered')",
            exprs={
                "order_id": "o.id",
                "from_status": "'placed'",
                "to_status": "'paid'",
                "created_at": "o.created_at + INTERVAL 1 HOUR",
            },
        ),
    )
    step(
        "carts (ordered)",
        lambda: insert_select(
            Cart,
            source=bench_orders,
            exprs={
                "customer_id": "o.customer_id",
                "status": "'ordered'",
                "is_open": "NULL",
                "has_items": "1",
                "created_at": "o.created_at - INTERVAL 10 MINUTE",
            },
        ),
    )
    step(
        "carts (abandoned)",
        lambda: insert_select(
            Cart,
            source=f"seq_1_to_{ABANDONED_CARTS}",
            exprs={
                "customer_id": f"{customers} + MOD(seq, {CUSTOMERS})",
                "status": "'abandoned'",
                "is_open": "NULL",
                "has_items": f"MOD(seq, {EMPTIED_CARTS_EVERY}) <> 0",
                "created_at": spread("seq"),
            },
        ),
    )
    step(
        "cart items",
        lambda: insert_select(
            CartItem,
            source=f"orders_cart c WHERE c.customer_id >= {customers} AND c.has_items",
            exprs={"cart_id": "c.id", "product_id": f"{first_product} + MOD(c.id, {PRODUCTS})"},
        ),
    )
    chats = "(SELECT MIN(id) FROM conversation_log_chat)"
    step(
        "messages",
        lambda: insert_select(
            Message,
            source=f"seq_1_to_{messages}",
            exprs={
                "chat_id": f"{chats} + MOD(seq DIV 2, {CUSTOMERS})",
                "direction": "IF(MOD(seq, 2) = 0, 'in', 'out')",
                "text": "'hello'",
                "status": (
                    "IF(MOD(seq, 2) = 0, 'received', CASE MOD(seq, 40) WHEN 1 THEN 'failed' "
                    "WHEN 3 THEN 'queued' WHEN 5 THEN 'sent' WHEN 7 THEN 'sent' "
                    "WHEN 9 THEN 'delivered' WHEN 11 THEN 'delivered' ELSE 'read' END)"
                ),
                "error_code": (
                    "IF(MOD(seq, 40) = 1, ELT(1 + MOD(seq, 4), 131047, 131047, 130429, "
                    "131026), NULL)"
                ),
                "created_at": spread("seq"),
            },
        ),
    )
    # What the webhook records on each inbound message: the funnel's "conversations".
    step(
        "customers' last message",
        lambda: _execute(
            "UPDATE users_customer cu JOIN (SELECT ch.customer_id, MAX(m.created_at) AS at "
            "FROM conversation_log_message m JOIN conversation_log_chat ch ON ch.id = m.chat_id "
            "WHERE m.direction = 'in' GROUP BY ch.customer_id) last "
            "ON last.customer_id = cu.id SET cu.last_inbound_at = last.at"
        ),
    )
    step(
        "unanswered questions",
        lambda: insert_select(
            UnansweredQuestion,
            source=f"seq_1_to_{QUESTIONS}",
            exprs={
                "text": "CONCAT('Bench question ', seq)",
                "normalised_key": "SHA2(CONCAT('bench', seq), 256)",
                "language": "'en'",
                "count": "1 + MOD(seq * 37, 100)",
            },
        ),
    )
    step(
        "search events",
        lambda: insert_select(
            ShopEvent,
            source=f"seq_1_to_{orders * SEARCHES_PER_ORDER}",
            exprs={
                "kind": "'search'",
                "customer_id": f"{customers} + MOD(seq * 13, {CUSTOMERS})",
                "query": f"CONCAT('bench query ', MOD(seq * 31, {SEARCH_WORDS}))",
                "language": "IF(MOD(seq, 3) = 0, 'ar', 'en')",
                "results": "IF(MOD(seq, 10) = 0, 0, 1 + MOD(seq, 9))",
                "created_at": spread("seq"),
            },
        ),
    )
    step(
        "checkout events",
        lambda: insert_select(
            ShopEvent,
            source=f"seq_1_to_{int(orders * CHECKOUTS_PER_ORDER)}",
            exprs={
                "kind": "'checkout'",
                "customer_id": f"{customers} + MOD(seq * 17, {CUSTOMERS})",
                "created_at": spread("seq + 3"),
            },
        ),
    )
    # What shop_event_record upserts with each event: the customer's newest of each kind.
    step(
        "customers' newest events",
        lambda: insert_select(
            ShopEventLatest,
            source="conversation_log_shopevent e GROUP BY e.kind, e.customer_id",
            exprs={
                "kind": "e.kind",
                "customer_id": "e.customer_id",
                "last_at": "MAX(e.created_at)",
            },
        ),
    )
    get_user_model().objects.create_superuser("bench-staff", "bench@example.com", "pw")
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE TABLE orders_order, orders_cart, orders_cartitem, orders_orderevent, "
            "conversation_log_message, conversation_log_chat, conversation_log_shopevent, "
            "conversation_log_shopeventlatest"
        )
        cursor.fetchall()


def populated(*, orders: int, messages: int) -> bool:
    from conversation_log.models import Message, ShopEvent, ShopEventLatest
    from orders.models import Cart, Order
    from users.models import Customer

    return (
        Order.objects.filter(order_number__startswith="BENCH-").count() == orders
        and Message.objects.count() >= messages
        and Customer.objects.filter(last_inbound_at__isnull=False).exists()
        and ShopEvent.objects.exists()
        # Filled by conversation_log's migration 0008 when it meets existing events.
        and ShopEventLatest.objects.exists()
        # Orders' migration 0006 marks every cart of an older fill (all held an item):
        # refilled, so some carts are empty again.
        and Cart.objects.filter(has_items=False).exists()
    )


# --- measuring ---------------------------------------------------------------------------
def measure(*, runs: int, label: str) -> tuple[float, float]:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from bootstrap import dashboard
    from bootstrap.selectors import beat_schedule_list, celery_queue_depth, dashboard_funnel_list
    from conversation_log.selectors import (
        chat_handoff_queue_head,
        message_delivery_counts,
        shop_event_customer_counts,
        shop_search_no_result_list,
    )
    from helpdesk.selectors import unanswered_question_list_top
    from orders.selectors import order_daily_totals, order_funnel_counts
    from users.selectors import customer_counts_wrote_since

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-staff"))
    for _ in range(3):  # warm the buffer pool and the template cache
        assert client.get("/admin/dashboard/").status_code == 200
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/admin/dashboard/")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    p50, p95 = statistics.median(times), percentile(times, 95)
    verdict = "ok" if p95 <= TARGET_P95_MS else "OVER TARGET"
    load = " ".join(f"{n:.2f}" for n in os.getloadavg())
    print(
        f"{label}: dashboard p50 {p50:.0f} ms, p95 {p95:.0f} ms over {runs} runs ({verdict}; "
        f"load average {load})"
    )

    now = timezone.now()
    since30 = dashboard.period_start(days=30, now=now)
    since7 = dashboard.period_start(days=7, now=now)
    starts = [since7, since30]
    # The funnel sums its orders placed from the sales panel's days, as the page does.
    daily = order_daily_totals(since=since30, until=now)
    panels: dict[str, Callable[[], object]] = {
        "orders per day (30 d)": lambda: order_daily_totals(since=since30, until=now),
        "funnel (7 d + 30 d)": lambda: dashboard_funnel_list(starts=starts, until=now, daily=daily),
        "  conversations": lambda: customer_counts_wrote_since(starts=starts),
        "  searches, checkouts": lambda: shop_event_customer_counts(starts=starts),
        "  carts, paid": lambda: order_funnel_counts(starts=starts, until=now, daily=daily),
        "unanswered questions": lambda: unanswered_question_list_top(limit=10),
        "no-result searches (30 d)": lambda: shop_search_no_result_list(
            since=since30, until=now, limit=10
        ),
        "handoff queue": lambda: chat_handoff_queue_head(limit=dashboard.HANDOFF_ROWS),
        "delivery (7 d)": lambda: message_delivery_counts(since=since7, until=now),
        "celery queue + beat": lambda: (celery_queue_depth(), beat_schedule_list()),
    }
    for name, fn in panels.items():
        samples = []
        for _ in range(5):
            started = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - started) * 1000)
        print(f"    {name:<24} {statistics.median(samples):7.1f} ms")
    return p50, p95


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--rebuild", action="store_true", help="Drop and refill the database.")
    parser.add_argument(
        "--compare", action="store_true", help="Also measure without the dashboard's indexes."
    )
    args = parser.parse_args()

    if not mariadb_reachable():
        print("dashboard: MariaDB not reachable on 127.0.0.1:3306; skipped")
        return 0
    if args.rebuild:
        mysql(f"DROP DATABASE IF EXISTS `{DB_NAME}`")
    mysql(
        f"CREATE DATABASE IF NOT EXISTS `{DB_NAME}` "
        "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    )
    os.environ.update(
        DJANGO_SETTINGS_MODULE="project_core.settings.test",
        DB_ENGINE="mysql",
        DB_NAME=DB_NAME,
        # Read-only (LLEN): the bench Redis db of bench/_common.py.
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11"),
        DJANGO_LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "--noinput", verbosity=0)
    if not populated(orders=args.orders, messages=args.messages):
        if args.rebuild is False and connection.introspection.table_names():
            mysql(
                f"DROP DATABASE `{DB_NAME}`; CREATE DATABASE `{DB_NAME}` "
                "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            )
            connection.close()
            call_command("migrate", "--noinput", verbosity=0)
        started = time.monotonic()
        populate(orders=args.orders, messages=args.messages)
        print(f"  filled in {time.monotonic() - started:.0f} s")
    else:
        print(f"reusing {DB_NAME} ({args.orders:,} orders, {args.messages:,} messages)")

    measure(runs=args.runs, label="with the schema's indexes")
    if args.compare:
        with connection.cursor() as cursor:
            for table, name, _columns in DASHBOARD_INDEXES:
                cursor.execute(f"DROP INDEX {name} ON {table}")
        try:
            measure(runs=args.runs, label="without the three dashboard indexes")
        finally:
            with connection.cursor() as cursor:
                for table, name, columns in DASHBOARD_INDEXES:
                    cursor.execute(f"CREATE INDEX {name} ON {table} ({columns})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
