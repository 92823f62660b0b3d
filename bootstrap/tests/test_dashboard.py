"""The staff dashboard at /admin/dashboard/: access, panels, Arabic, its index link, the
vendored Chart.js, its bootstrap selectors (funnel, Celery health) and the demo history."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.templatetags.static import static
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from bootstrap.selectors import beat_schedule_list, celery_queue_depth, dashboard_funnel_list
from conversation_log.models import Chat, DeliveryStatus, Message
from conversation_log.services import shop_event_record
from helpdesk.models import UnansweredQuestion
from orders.models import Order
from tests.admin_staff import staff_client
from tests.factories import (
    ChatFactory,
    CustomerFactory,
    OutboundMessageFactory,
    PaymentOptionFactory,
    ShippingOptionFactory,
)
from users.models import Customer

pytestmark = pytest.mark.django_db

URL = "/admin/dashboard/"
STATIC = Path(settings.BASE_DIR) / "bootstrap" / "static" / "dashboard"
ARABIC = re.compile(r"[\u0600-\u06FF]")
SECTIONS = (
    "dashboard-sales",
    "dashboard-funnel",
    "dashboard-questions",
    "dashboard-handoffs",
    "dashboard-delivery",
    "dashboard-celery",
)


@pytest.fixture
def admin_client() -> Client:
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    client = Client()
    client.force_login(user)
    return client


# --- access ------------------------------------------------------------------------------
def test_staff_see_every_panel(admin_client: Client) -> None:
    # when
    response = admin_client.get(URL)

    # then
    assert response.status_code == 200
    html = response.content.decode()
    for section in SECTIONS:
        assert f'id="{section}"' in html


def test_staff_without_any_permission_may_open_the_dashboard() -> None:
    # given
    client = staff_client()

    # when
    response = client.get(URL)

    # then
    assert response.status_code == 200
    assert "Make an FAQ" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_admin_login() -> None:
    # when
    response = Client().get(URL)

    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_logged_in_non_staff_users_are_sent_to_the_admin_login() -> None:
    # given
    user = get_user_model().objects.create_user("shopper", password="pw", is_staff=False)
    client = Client()
    client.force_login(user)

    # when
    response = client.get(URL)

    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- content -----------------------------------------------------------------------------
def test_the_oldest_waiting_customer_is_highlighted(admin_client: Client) -> None:
    # given
    now = timezone.now()
    for name, minutes in (("Newer", 5), ("Oldest", 90)):
        chat = ChatFactory(customer__profile_name=name)
        Chat.objects.filter(pk=chat.pk).update(
            handoff_active=True, handoff_requested_at=now - timedelta(minutes=minutes)
        )

    # when
    html = admin_client.get(URL).content.decode()

    # then
    highlighted = re.search(r'<tr class="oldest"[^>]*>(.*?)</tr>', html, re.S)
    assert highlighted and "Oldest" in highlighted.group(1)
    assert "1\xa0hour" in highlighted.group(1)


def test_unanswered_questions_offer_the_make_faq_action(admin_client: Client) -> None:
    # given
    question = UnansweredQuestion.objects.create(
        text="Do you sell drones?", normalised_key="k1", language="en", count=4
    )

    # when
    html = admin_client.get(URL).content.decode()

    # then
    assert "Do you sell drones?" in html
    assert 'name="action" value="make_faq"' in html
    assert 'action="/admin/helpdesk/unansweredquestion/"' in html
    assert f'name="_selected_action" value="{question.pk}"' in html


def test_the_make_faq_button_turns_the_question_into_a_draft_faq(admin_client: Client) -> None:
    # given
    question = UnansweredQuestion.objects.create(
        text="Do you sell drones?", normalised_key="k1", language="en", count=4
    )

    # when: what the dashboard's form posts
    response = admin_client.post(
        "/admin/helpdesk/unansweredquestion/",
        {"action": "make_faq", "_selected_action": [question.pk], "index": 0},
    )

    # then
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.faq is not None


def test_delivery_failures_are_listed_by_meta_error_code(admin_client: Client) -> None:
    # given
    OutboundMessageFactory(status=DeliveryStatus.FAILED, error_code=131047)

    # when
    html = admin_client.get(URL).content.decode()

    # then
    assert "131047" in html
    assert "Outside the 24-hour window" in html


def _event(customer: Customer, kind: str, *, days_ago: float, query: str = "", results: int = 0):  # type: ignore[no-untyped-def]
    return shop_event_record(
        kind=kind,
        customer_id=customer.pk,
        query=query,
        language="en",
        results=results,
        at=timezone.now() - timedelta(days=days_ago),
    )


def test_the_funnel_shows_searches_and_checkouts_started(admin_client: Client) -> None:
    # given: three customers searched (one twice), two started a checkout
    buyers = [CustomerFactory(last_inbound_at=timezone.now()) for _ in range(3)]
    for customer in buyers:
        _event(customer, "search", days_ago=1, query="tv", results=3)
    _event(buyers[0], "search", days_ago=1, query="tv", results=3)
    for customer in buyers[:2]:
        _event(customer, "checkout", days_ago=1)

    # when
    html = admin_client.get(URL).content.decode()

    # then
    for step, count in (("searches", 3), ("checkouts", 2)):
        row = re.search(rf'<tr id="funnel-{step}">(.*?)</tr>', html, re.S)
        assert row and "not measured" not in row.group(1)
        cells = re.findall(r'<td class="num">(\d+)</td>', row.group(1))
        assert cells == [str(count), str(count)]  # last 7 days, last 30 days


def _order_placed(*, days_ago: float) -> None:
    order = Order.objects.create(
        order_number=f"T-{Order.objects.count() + 1:05d}",
        customer=CustomerFactory(),
        contact_name="Sara",
        address="Street 1",
        shipping_option=ShippingOptionFactory(),
        payment_option=PaymentOptionFactory(),
        subtotal=Decimal("10.00"),
        shipping_cost=Decimal("0.00"),
        total=Decimal("10.00"),
        currency=settings.DEFAULT_CURRENCY,
    )
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=days_ago))


def test_the_funnel_counts_orders_from_the_sales_panel_without_reading_them_again(
    admin_client: Client,
) -> None:
    # given: orders 0 and 3 days ago (both periods), 20 days ago (30 days), 40 days ago
    for days_ago in (0, 3, 3, 20, 40):
        _order_placed(days_ago=days_ago)

    # when
    with CaptureQueriesContext(connection) as queries:
        html = admin_client.get(URL).content.decode()

    # then
    row = re.search(r'<tr id="funnel-orders">(.*?)</tr>', html, re.S)
    assert row and re.findall(r'<td class="num">(\d+)</td>', row.group(1)) == ["3", "4"]
    orders_table = connection.ops.quote_name(Order._meta.db_table)
    assert sum(f"FROM {orders_table}" in q["sql"] for q in queries.captured_queries) == 1


def test_searches_with_no_result_are_listed_with_counts_and_links_to_fix_them(
    admin_client: Client,
) -> None:
    # given
    customer = CustomerFactory()
    for _ in range(3):
        _event(customer, "search", days_ago=2, query="Smart  Ring")
    _event(customer, "search", days_ago=2, query="drone")
    _event(customer, "search", days_ago=2, query="laptop", results=4)

    # when
    html = admin_client.get(URL).content.decode()

    # then
    section = re.search(r'id="no-result-searches">(.*?)</div>', html, re.S)
    assert section
    rows = re.findall(
        r'<tr>\s*<td dir="auto">(.*?)</td>\s*<td class="num">(\d+)</td>', section.group(1)
    )
    assert rows == [("smart ring", "3"), ("drone", "1")]
    assert "/admin/inventory/product/add/?name_en=smart+ring" in section.group(1)
    assert 'href="/admin/brandkit/brand/"' in section.group(1)
    assert 'href="/admin/inventory/category/"' in section.group(1)


def test_no_result_searches_offer_no_links_to_staff_who_may_not_use_them() -> None:
    # given
    _event(CustomerFactory(), "search", days_ago=1, query="drone")
    client = staff_client()

    # when
    html = client.get(URL).content.decode()

    # then
    section = re.search(r'id="no-result-searches">(.*?)</div>', html, re.S)
    assert section and "drone" in section.group(1)
    assert "/admin/inventory/product/add/" not in section.group(1)
    assert "/admin/brandkit/brand/" not in section.group(1)


def test_queue_depth_reads_n_a_without_a_redis_broker(admin_client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    # given
    settings.REDIS_URL = ""

    # when
    html = admin_client.get(URL).content.decode()

    # then
    assert re.search(r'id="queue-depth">\s*n/a\s*<', html)


# --- Arabic ------------------------------------------------------------------------------
def test_arabic_staff_get_a_right_to_left_page_with_arabic_labels(admin_client: Client) -> None:
    # when
    response = admin_client.get(URL, HTTP_ACCEPT_LANGUAGE="ar")

    # then
    html = response.content.decode()
    assert 'dir="rtl"' in html
    assert 'lang="ar"' in html
    sales = re.search(r'id="dashboard-sales">\s*<h2>(.*?)</h2>', html, re.S)
    assert sales and ARABIC.search(sales.group(1))
    assert "not measured" not in html
    assert '"rtl": true' in html


def test_every_label_of_the_dashboard_templates_has_an_arabic_translation() -> None:
    # given
    import polib

    catalog = polib.pofile(str(Path(settings.BASE_DIR) / "locale/ar/LC_MESSAGES/django.po"))
    translated = {e.msgid for e in catalog if e.translated()}
    templates = Path(settings.BASE_DIR) / "bootstrap" / "templates" / "admin"
    msgids: set[str] = set()
    for name in ("dashboard.html", "index_with_dashboard.html"):
        text = (templates / name).read_text(encoding="utf-8")
        msgids |= set(re.findall(r"""\{% translate ["'](.+?)["'] %\}""", text))
        for block in re.findall(r"\{% blocktranslate[^%]*%\}(.*?)\{% endblocktranslate", text):
            msgids.add(re.sub(r"\{\{ (\w+) \}\}", r"%(\1)s", block))
    builtin = {"Home"}  # django.contrib.admin's own catalog

    # then
    assert sorted(msgids - builtin - translated) == []


# --- admin index and static files --------------------------------------------------------
def test_the_admin_index_links_to_the_dashboard(admin_client: Client) -> None:
    # when
    html = admin_client.get("/admin/").content.decode()

    # then
    assert 'id="dashboard-link"' in html
    assert f'href="{URL}"' in html


def test_chart_js_is_served_from_our_static_files_with_its_license(admin_client: Client) -> None:
    # given
    vendored = STATIC / "chart.umd.min.js"

    # when
    html = admin_client.get(URL).content.decode()

    # then
    assert vendored.stat().st_size > 100_000
    assert vendored.read_text(encoding="utf-8").startswith("/*!\n * Chart.js v4.")
    assert "MIT" in (STATIC / "LICENSE.md").read_text(encoding="utf-8")
    assert f'src="{static("dashboard/chart.umd.min.js")}"' in html
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert not [src for src in scripts if src.startswith(("http:", "https:", "//"))]
    assert "cdn" not in html.lower()


# --- bootstrap selectors -----------------------------------------------------------------
def test_funnel_counts_customers_who_searched_and_started_a_checkout() -> None:
    # given: four customers wrote, three searched, one searched only before the period
    now = timezone.now()
    customers = [CustomerFactory(last_inbound_at=now - timedelta(days=2)) for _ in range(4)]
    for customer in customers[:3]:
        _event(customer, "search", days_ago=2, query="phone", results=2)
        _event(customer, "search", days_ago=1, query="phone", results=2)
    _event(customers[3], "search", days_ago=10, query="phone", results=2)
    _event(customers[0], "checkout", days_ago=1)
    _event(customers[0], "checkout", days_ago=1)

    # when
    (funnel,) = dashboard_funnel_list(starts=[now - timedelta(days=7)])

    # then
    steps = {s.key: s for s in funnel}
    assert list(steps) == ["conversations", "searches", "carts", "checkouts", "orders", "paid"]
    assert steps["conversations"].count == 4
    assert steps["searches"].count == 3 and steps["searches"].rate == 0.75
    assert steps["carts"].count == 0 and steps["carts"].rate == 0.0
    assert steps["checkouts"].count == 1 and steps["checkouts"].rate is None  # against 0 carts


@pytest.fixture
def redis_port() -> Iterator[int]:
    """A private, empty redis-server (the shared one on 6379 is never written to)."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_queue_depth_is_the_length_of_the_celery_list(redis_port: int) -> None:
    # given
    import redis

    url = f"redis://127.0.0.1:{redis_port}/0"
    redis.Redis.from_url(url).rpush("celery", "a", "b", "c")

    # when
    depth = celery_queue_depth(redis_url=url)

    # then
    assert depth == 3


def test_queue_depth_reuses_one_connection_per_redis_url(redis_port: int) -> None:
    # given
    import redis

    url = f"redis://127.0.0.1:{redis_port}/0"
    probe = redis.Redis.from_url(url)
    connections_before = probe.info("stats")["total_connections_received"]

    # when: three renders of the dashboard ask
    depths = [celery_queue_depth(redis_url=url) for _ in range(3)]

    # then
    assert depths == [0, 0, 0]
    assert probe.info("stats")["total_connections_received"] == connections_before + 1


def test_queue_depth_is_unknown_when_redis_does_not_answer() -> None:
    # given: a port nobody listens on
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    # when
    started = time.monotonic()
    depth = celery_queue_depth(redis_url=f"redis://127.0.0.1:{port}/0")

    # then
    assert depth is None
    assert time.monotonic() - started < 3


def test_queue_depth_is_unknown_without_a_redis_url() -> None:
    # when / then
    assert celery_queue_depth(redis_url="") is None


def test_beat_schedules_show_their_last_run() -> None:
    # given
    PeriodicTask.objects.all().delete()
    every = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
    ran = datetime(2026, 3, 1, 12, tzinfo=UTC)
    PeriodicTask.objects.create(name="b sweep", task="x.sweep", interval=every, last_run_at=ran)
    PeriodicTask.objects.create(name="a purge", task="x.purge", interval=every, enabled=False)

    # when
    runs = beat_schedule_list()

    # then
    assert [(r.name, r.enabled, r.last_run_at) for r in runs] == [
        ("a purge", False, None),
        ("b sweep", True, ran),
    ]


# --- seed --demo-history -----------------------------------------------------------------
def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed", *args, stdout=out, stderr=StringIO(), verbosity=0)
    return out.getvalue()


def _demo_counts() -> dict[str, int]:
    return {
        "customers": Customer.objects.filter(wa_id__startswith="99900000").count(),
        "orders": Order.objects.filter(order_number__startswith="DEMO-").count(),
        "messages": Message.objects.filter(wamid__startswith="wamid.DEMO.").count(),
        "handoffs": Chat.objects.filter(handoff_active=True).count(),
        "questions": UnansweredQuestion.objects.count(),
    }


def test_seed_demo_history_fills_the_dashboard_and_is_idempotent(admin_client: Client) -> None:
    # given
    _seed("--demo-history")
    first = _demo_counts()

    # when
    output = _seed("--demo-history")

    # then
    assert _demo_counts() == first
    assert "already there" in output
    assert first["orders"] > 0 and first["handoffs"] == 3 and first["questions"] > 0
    assert 100 <= sum(first.values()) <= 1000
    html = admin_client.get(URL).content.decode()
    assert "Do you sell drones?" in html
    (funnel,) = dashboard_funnel_list(starts=[timezone.now() - timedelta(days=30)])
    assert all(step.count for step in funnel)
    steps = {s.key: s.count for s in funnel}
    assert steps["conversations"] >= steps["searches"] >= steps["checkouts"]
    assert steps["checkouts"] >= len({o.customer_id for o in Order.objects.all()})
    section = re.search(r'id="no-result-searches">(.*?)</div>', html, re.S)
    assert section and "drone" in section.group(1)
    assert Message.objects.filter(status=DeliveryStatus.FAILED, error_code__isnull=False).exists()
