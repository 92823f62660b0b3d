"""The issue's "done when", with a real Celery worker on MariaDB + Redis: a signed price
webhook reaches the catalog, an order placed in the chat appears in the fake Shopify once,
and Shopify's fulfilment webhook gives the customer their tracking link."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from django.test import Client
from pytest_httpserver import HTTPServer

from connectors.shopify_admin.models import OrderPush, PushStatus
from inventory.models import Product
from orders.models import OrderStatus
from tests.services import celery_worker
from wa_gateway.tests.fixtures import API_VERSION, GRAPH_TOKEN, PHONE_ID, graph  # noqa: F401

from .fake_admin import SECRET, post_signed, product_payload
from .fake_shopify import VERSION
from .orders_setup import place_order

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

TRACKING_URL = "https://www.aramex.com/track/results?ShipmentNumber=AX123"


@pytest.fixture
def worker(httpserver: HTTPServer, fake_admin, graph, settings) -> Iterator[subprocess.Popen]:  # noqa: F811
    settings.SHOPIFY_PUSH_ORDERS = True
    base = httpserver.url_for("").rstrip("/")
    with celery_worker(
        {
            "WA_GRAPH_URL": base,
            "WA_BEARER_TOKEN": GRAPH_TOKEN,
            "WA_PHONE_ID": PHONE_ID,
            "WA_API_VERSION": API_VERSION,
            "SHOPIFY_STORE_URL": base,
            "SHOPIFY_ACCESS_TOKEN": "shpat_worker",
            "SHOPIFY_API_VERSION": VERSION,
            "SHOPIFY_WEBHOOK_SECRET": SECRET,
            "SHOPIFY_PUSH_ORDERS": "1",
        }
    ) as process:
        yield process


def _wait(
    worker: subprocess.Popen, check: Callable[[], object], what: str, limit: float = 60
) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        assert worker.poll() is None, "the worker process died"
        if check():
            return time.monotonic() - started
        time.sleep(0.05)
    pytest.fail(f"{what} did not happen within {limit:.0f} s")


def test_price_webhook_order_push_and_fulfilment_with_a_real_worker(
    worker,
    fake_admin,
    graph,  # noqa: F811
) -> None:
    # given: a Shopify-linked product and a customer chatting now
    web = Client()
    order = place_order(stock=5, quantity=1)  # pushes are on: the worker creates it in Shopify
    product = Product.objects.get(shopify_variant_id=10)
    # the worker is up (its start is not part of the latency measured below)
    post_signed(web, "products/create", product_payload(2))
    _wait(worker, lambda: Product.objects.filter(shopify_variant_id=20).exists(), "warm-up")
    # when: the price changes in Shopify
    response = post_signed(web, "products/update", product_payload(1, price="79.00", stock=4))
    assert response.status_code == 200
    # then: the catalog has it within seconds
    took = _wait(
        worker, lambda: Product.objects.get(pk=product.pk).price == Decimal("79.00"), "price change"
    )
    print(f"price change applied {took:.2f} s after the webhook")
    assert took < 10, f"the price took {took:.1f} s"
    # and the order is in Shopify exactly once
    _wait(
        worker,
        lambda: OrderPush.objects.filter(order=order, status=PushStatus.PUSHED).exists(),
        "order push",
    )
    assert len(fake_admin.orders) == 1
    push = OrderPush.objects.get(order=order)
    # when: Shopify fulfils it
    fulfilment = {
        "id": 1,
        "order_id": push.shopify_order_id,
        "status": "success",
        "tracking_company": "Aramex",
        "tracking_number": "AX123",
        "tracking_url": TRACKING_URL,
        "shipment_status": None,
        "updated_at": "2026-11-02T10:00:00Z",
    }
    post_signed(web, "fulfillments/create", fulfilment)
    post_signed(web, "fulfillments/create", fulfilment, webhook_id=None)  # another delivery id

    # then: the customer gets one shipped message with the tracking link
    def tracking_sent() -> bool:
        return any(
            s.get("type") == "interactive"
            and s["interactive"].get("type") == "cta_url"
            and s["interactive"]["action"]["parameters"]["url"] == TRACKING_URL
            for s in graph.sends
        )

    _wait(worker, tracking_sent, "shipping message")
    order.refresh_from_db()
    assert (order.status, order.tracking_url) == (OrderStatus.SHIPPED, TRACKING_URL)
    time.sleep(1)  # a duplicate would have been sent by now
    shipped = [s for s in graph.sends if TRACKING_URL in json.dumps(s)]
    assert len(shipped) == 1 and len(fake_admin.orders) == 1
