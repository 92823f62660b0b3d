"""Prometheus metrics at GET /metrics: the series the pipeline moves, who may read them,
the queue depth read from the broker, and the sum over processes in multiprocess mode."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from prometheus_client.parser import text_string_to_metric_families
from pydantic import BaseModel
from pytest_httpserver import HTTPServer
from rest_framework.authtoken.models import Token

from ai_assistant.services import assistant_compare
from connectors.llm.client import LLMUnavailable, chat_json
from orders import services as order_services
from project_core.metrics import metrics_text, metrics_view
from tests.factories import (
    CustomerFactory,
    PaymentOptionFactory,
    ProductFactory,
    ShippingOptionFactory,
)
from tests.fake_llm import completion
from wa_gateway.tests import payloads
from wa_gateway.tests.fixtures import graph, post_webhook  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = "203.0.113.9"
TOKEN = "metrics-test-token-0123456789abcdef"


def _families() -> dict[str, list]:
    """Every sample of the exposition, by family name."""
    text = metrics_text().decode()
    return {family.name: family.samples for family in text_string_to_metric_families(text)}


def _value(name: str, **labels: str) -> float:
    """The value of one sample (0 when absent), `name` as exposed (…_total, …_count)."""
    family = name.removesuffix("_total").removesuffix("_count").removesuffix("_sum")
    for sample in _families().get(family, []):
        if sample.name == name and sample.labels == labels:
            return sample.value
    return 0.0


# --- the pipeline moves its series -------------------------------------------------------------
@pytest.mark.django_db
def test_a_signed_webhook_moves_the_webhook_inbound_drain_and_turn_series(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    client,
):
    # given
    before = {
        "ok": _value("shop_webhook_requests_total", outcome="ok"),
        "events": _value("shop_inbound_events_total"),
        "drains": _value("shop_inbox_drains_total"),
        "handled": _value("shop_inbox_events_handled_total", result="ok"),
        "turns": _value("shop_turn_seconds_count"),
    }
    # when
    response = post_webhook(payloads.text_message("966511000101", "hi"))
    scrape = client.get("/metrics")
    # then
    assert response.status_code == 200
    assert scrape.status_code == 200
    assert scrape["Content-Type"].startswith("text/plain")
    assert _value("shop_webhook_requests_total", outcome="ok") == before["ok"] + 1
    assert _value("shop_inbound_events_total") == before["events"] + 1
    assert _value("shop_inbox_drains_total") >= before["drains"] + 1
    assert _value("shop_inbox_events_handled_total", result="ok") == before["handled"] + 1
    assert _value("shop_turn_seconds_count") == before["turns"] + 1
    body = scrape.content.decode()
    for exposed in (
        "shop_webhook_requests_total counter",
        "shop_turn_seconds histogram",
        "shop_llm_calls_total counter",
        "shop_llm_call_seconds histogram",
        "shop_assistant_fallbacks_total counter",
        "shop_search_seconds histogram",
        "shop_orders_placed_total counter",
        "shop_outbound_sends_total counter",
        "shop_outbound_send_seconds histogram",
        "shop_sweeper_reenqueued_total counter",
    ):
        assert f"# TYPE {exposed}\n" in body
    assert "966511000101" not in body  # never a phone number in a label


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "signature", "outcome"),
    [
        (b"{}", "sha256=00", "forbidden"),
        (b'{"object": "page"}', None, "bad_request"),
    ],
)
def test_a_refused_webhook_is_counted_by_its_outcome(post_webhook, body, signature, outcome):  # noqa: F811
    # given
    before = _value("shop_webhook_requests_total", outcome=outcome)
    # when
    post_webhook(body, signature=signature)
    # then
    assert _value("shop_webhook_requests_total", outcome=outcome) == before + 1


@pytest.mark.django_db
def test_a_webhook_for_another_phone_number_is_counted_as_foreign(post_webhook, settings):  # noqa: F811
    # given
    settings.WA_PHONE_ID = "999"
    before = _value("shop_webhook_requests_total", outcome="foreign")
    # when
    response = post_webhook(payloads.text_message("966511000102", "hi"))
    # then
    assert response.status_code == 200
    assert _value("shop_webhook_requests_total", outcome="foreign") == before + 1


@pytest.mark.django_db
def test_the_inbox_sweeper_counts_the_inboxes_it_re_enqueues(post_webhook, graph, monkeypatch):  # noqa: F811
    # given: stored while the broker was down, so no drain ran
    from wa_gateway import tasks

    monkeypatch.setattr(tasks, "publish", _broker_down)
    post_webhook(payloads.text_message("966511000103", "hi"))
    monkeypatch.undo()
    before = _value("shop_sweeper_reenqueued_total", sweeper="inbox")
    # when
    tasks.sweep_unprocessed_task(older_than_seconds=0)
    # then
    assert _value("shop_sweeper_reenqueued_total", sweeper="inbox") == before + 1


def _broker_down(*args, **kwargs):
    raise ConnectionError("broker down")


@pytest.mark.django_db
def test_a_placed_order_is_counted_by_payment_kind_once(django_capture_on_commit_callbacks):
    # given
    customer = CustomerFactory()
    order_services.cart_add_item(customer=customer, product=ProductFactory(stock=3), quantity=1)
    payment = PaymentOptionFactory()
    before = _value("shop_orders_placed_total", payment_kind=payment.kind)
    place = {
        "customer": customer,
        "contact_name": "Sara",
        "address": order_services.Address(text="12 Olaya St, Riyadh"),
        "shipping_option": ShippingOptionFactory(price=Decimal("0")),
        "payment_option": payment,
        "idempotency_key": "confirm-1",
    }
    # when
    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_place(**place)
        order_services.order_place(**place)  # a replayed Confirm
    # then
    assert _value("shop_orders_placed_total", payment_kind=payment.kind) == before + 1


class _Answer(BaseModel):
    reply: str


@pytest.fixture
def llm(settings, httpserver: HTTPServer) -> HTTPServer:
    settings.LLM_PROVIDER = "openai"
    settings.OPENAI_API_KEY = "sk-test"
    settings.OPENAI_BASE_URL = httpserver.url_for("/v1")
    settings.LLM_REQUEST_TIMEOUT = 0.5
    settings.LLM_MAX_RETRIES = 0
    return httpserver


@pytest.mark.parametrize(
    ("status", "content", "outcome"),
    [
        (200, json.dumps({"reply": "hello"}), "ok"),
        (200, "not json", "rejected_schema"),
        (500, "", "unavailable"),
    ],
)
def test_an_llm_call_is_counted_by_purpose_and_outcome_and_timed(llm, status, content, outcome):
    # given
    llm.expect_request("/v1/chat/completions").respond_with_json(
        completion(content) if status == 200 else {"error": {"message": "boom"}}, status=status
    )
    before = _value("shop_llm_calls_total", purpose="metrics-test", outcome=outcome)
    timed = _value("shop_llm_call_seconds_count", purpose="metrics-test")
    # when
    with contextlib.suppress(LLMUnavailable):
        chat_json(model="m", system="s", messages=[], schema=_Answer, purpose="metrics-test")
    # then
    assert _value("shop_llm_calls_total", purpose="metrics-test", outcome=outcome) == before + 1
    assert _value("shop_llm_call_seconds_count", purpose="metrics-test") == timed + 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reply", "language", "reason"),
    [
        (None, "en", "unavailable"),
        ("Get the ZZZ-FAKE instead.", "en", "grounding"),
        ("Beta Two costs less than Alpha One.", "ar", "language"),
    ],
)
def test_an_assistant_fallback_is_counted_by_its_reason(llm, reply, language, reason):
    # given
    if reply is None:
        llm.expect_request("/v1/chat/completions").respond_with_json({}, status=500)
    else:
        llm.expect_request("/v1/chat/completions").respond_with_json(completion({"reply": reply}))
    products = [
        ProductFactory(sku="AAA-ONE", name_en="Alpha One", name_ar="ألفا ون"),
        ProductFactory(sku="BBB-TWO", name_en="Beta Two", name_ar="بيتا تو"),
    ]
    before = _value("shop_assistant_fallbacks_total", reason=reason)
    # when
    answer = assistant_compare(
        customer=CustomerFactory(), chat=None, products=products, language=language
    )
    # then
    assert answer.source == "deterministic"
    assert _value("shop_assistant_fallbacks_total", reason=reason) == before + 1


# --- access -----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_metrics_are_served_to_an_internal_address(client):
    # when
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    # then
    assert response.status_code == 200
    assert b"shop_webhook_requests_total" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("address", [OUTSIDE, "10.0.0.5", "::ffff:203.0.113.9", "not-an-ip"])
def test_metrics_are_refused_to_any_other_address(client, address):
    # when
    response = client.get("/metrics", REMOTE_ADDR=address)
    # then
    assert response.status_code == 403
    assert b"shop_" not in response.content


@pytest.mark.django_db
def test_x_forwarded_for_never_makes_an_outside_address_internal(client):
    # when
    response = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_X_FORWARDED_FOR="127.0.0.1")
    # then
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_request_through_the_reverse_proxy_is_not_internal(client):
    # given: nginx on the same machine connects from 127.0.0.1 and adds X-Forwarded-For
    # when
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=OUTSIDE)
    # then
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_network_in_the_allowed_list_admits_its_addresses(client, settings):
    # given
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8", "::1"]
    # when
    inside = client.get("/metrics", REMOTE_ADDR="10.20.30.40")
    outside = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    # then
    assert inside.status_code == 200
    assert outside.status_code == 403


def test_a_malformed_allowed_address_fails_loudly(rf, settings):
    # given
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1", "10.0.0.0/33"]
    # when / then
    with pytest.raises(ImproperlyConfigured, match=r"10\.0\.0\.0/33"):
        metrics_view(rf.get("/metrics", REMOTE_ADDR="127.0.0.1"))


@pytest.mark.django_db
def test_the_metrics_token_is_accepted_from_any_address(client, settings):
    # given
    settings.METRICS_TOKEN = TOKEN
    # when
    response = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    # then
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("configured", "header"),
    [
        (TOKEN, f"Bearer {TOKEN}x"),
        (TOKEN, f"Token {TOKEN}"),
        (TOKEN, "Bearer "),
        ("", "Bearer "),
        ("", "Bearer"),
    ],
)
def test_a_wrong_or_disabled_token_is_refused(client, settings, configured, header):
    # given
    settings.METRICS_TOKEN = configured
    # when
    response = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION=header)
    # then
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(("is_staff", "expected"), [(True, 200), (False, 403)])
def test_a_logged_in_staff_session_may_read_the_metrics(client, is_staff, expected):
    # given
    user = get_user_model().objects.create_user("ops", password="x" * 16, is_staff=is_staff)
    client.force_login(user)
    # when
    response = client.get("/metrics", REMOTE_ADDR=OUTSIDE)
    # then
    assert response.status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("is_staff", "expected"), [(True, 200), (False, 403)])
def test_a_staff_api_token_may_read_the_metrics(client, is_staff, expected):
    # given
    user = get_user_model().objects.create_user("ops", password="x" * 16, is_staff=is_staff)
    key = Token.objects.create(user=user).key
    # when
    response = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION=f"Token {key}")
    bad = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Token nope")
    # then
    assert response.status_code == expected
    assert bad.status_code == 403


# --- Celery queue depth -----------------------------------------------------------------------
class _FakeRedis:
    """A local server speaking just enough RESP: LLEN answers `depth` (or nothing at all,
    when `silent`), HELLO the protocol version, any other command +OK."""

    def __init__(self, *, depth: int = 0, silent: bool = False) -> None:
        self.depth, self.silent = depth, silent
        self.commands: list[list[str]] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.url = f"redis://127.0.0.1:{self.sock.getsockname()[1]}/0"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._talk, args=(conn,), daemon=True).start()

    def _talk(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        with conn:
            while line := reader.readline():
                count = int(line[1:])
                args = []
                for _ in range(count):
                    length = int(reader.readline()[1:])
                    args.append(reader.read(length + 2)[:-2].decode())
                self.commands.append(args)
                if args[0].upper() == "LLEN":
                    if self.silent:
                        time.sleep(5)
                        return
                    conn.sendall(f":{self.depth}\r\n".encode())
                elif args[0].upper() == "HELLO":  # redis-py's handshake (RESP3)
                    conn.sendall(b"%1\r\n$5\r\nproto\r\n:3\r\n")
                else:
                    conn.sendall(b"+OK\r\n")

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def fake_redis() -> Iterator[_FakeRedis]:
    server = _FakeRedis(depth=7)
    yield server
    server.close()


def test_queue_depth_is_the_length_of_celerys_default_queue(settings, fake_redis):
    # given
    settings.REDIS_URL = fake_redis.url
    # when
    depth = _value("shop_celery_queue_depth", queue="celery")
    # then
    assert depth == 7
    assert ["LLEN", "celery"] in fake_redis.commands


def test_queue_depth_follows_a_configured_default_queue(settings, fake_redis):
    # given
    settings.REDIS_URL = fake_redis.url
    settings.CELERY_TASK_DEFAULT_QUEUE = "shop"
    # when
    depth = _value("shop_celery_queue_depth", queue="shop")
    # then
    assert depth == 7


def test_without_redis_there_is_no_queue_depth(settings):
    # given
    settings.REDIS_URL = ""
    # when
    families = _families()
    # then
    assert "shop_celery_queue_depth" not in families


def test_a_broker_that_never_answers_costs_the_scrape_about_a_second(settings):
    # given
    server = _FakeRedis(silent=True)
    settings.REDIS_URL = server.url
    # when
    started = time.monotonic()
    families = _families()
    elapsed = time.monotonic() - started
    server.close()
    # then
    assert "shop_celery_queue_depth" not in families
    assert "shop_webhook_requests" in families
    assert elapsed < 2.5


# --- several processes ------------------------------------------------------------------------
def _python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


_INCREMENT = """
    import sys
    from project_core.metrics import WEBHOOK_REQUESTS
    WEBHOOK_REQUESTS.labels(outcome="ok").inc(int(sys.argv[1]))
"""

_SCRAPE = """
    import django
    django.setup()
    from django.test import RequestFactory
    from project_core.metrics import metrics_view
    response = metrics_view(RequestFactory().get("/metrics", REMOTE_ADDR="127.0.0.1"))
    print(response.status_code)
    print(response.content.decode())
"""


def _env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project_core.settings.test",
        "REDIS_URL": "",
        **extra,
    }


def _ok_sample(output: str) -> float:
    for family in text_string_to_metric_families(output.split("\n", 1)[1]):
        for sample in family.samples:
            if sample.name == "shop_webhook_requests_total" and sample.labels == {"outcome": "ok"}:
                return sample.value
    raise AssertionError("no shop_webhook_requests_total{outcome='ok'} sample")


def test_the_scrape_sums_the_counters_of_every_process_in_multiprocess_mode(tmp_path):
    # given: two worker processes counted 2 and 3 webhooks into the shared directory
    env = _env(PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
    for amount in ("2", "3"):
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(_INCREMENT), amount],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    # when: a third process (a web worker) is scraped
    scrape = _python(_SCRAPE, env)
    # then
    assert scrape.returncode == 0, scrape.stderr
    assert scrape.stdout.startswith("200")
    assert _ok_sample(scrape.stdout) == 5
    assert len(list(tmp_path.glob("counter_*.db"))) == 3


def test_a_missing_multiprocess_directory_falls_back_to_this_process_with_a_warning(tmp_path):
    # given
    env = _env(PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "missing"))
    code = _SCRAPE.replace(
        "from project_core.metrics import metrics_view",
        "from project_core.metrics import WEBHOOK_REQUESTS, metrics_view\n"
        '    WEBHOOK_REQUESTS.labels(outcome="ok").inc(4)',
    )
    # when
    scrape = _python(code, env)
    # then
    assert scrape.returncode == 0, scrape.stderr
    assert _ok_sample(scrape.stdout) == 4
    assert "is not a writable directory" in scrape.stderr
    assert not (tmp_path / "missing").exists()
