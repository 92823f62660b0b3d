"""Real concurrency on MariaDB: the same delivery posted twice at once, a newer and an
older state of one product applied at once, and one cancellation sent by three workers at
once, each thread on its own connection."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from connectors.shopify_admin.models import CancelPushStatus, OrderPush, PushStatus, WebhookEvent
from connectors.shopify_admin.order_cancel_push import order_cancel_push
from connectors.shopify_admin.webhook_inbox import webhook_event_process, webhook_event_store
from inventory.models import Product
from tests.services import at_once

from .fake_admin import WEBHOOK_URL, product_payload, signed_headers
from .orders_setup import place_order

pytestmark = [pytest.mark.mysql_only, pytest.mark.django_db(transaction=True)]


def test_the_same_delivery_posted_four_times_at_once_is_stored_and_applied_once(
    fake_admin,
) -> None:
    # given
    body = json.dumps(product_payload(1, price="55.00")).encode()
    headers = signed_headers(body, topic="products/update", webhook_id="same-delivery")

    def post() -> str:
        response = Client().post(WEBHOOK_URL, data=body, content_type="application/json", **headers)
        assert response.status_code == 200
        return response.json()["status"]

    # when
    statuses = at_once([post] * 4)
    # then
    assert sorted(statuses) == ["duplicate", "duplicate", "duplicate", "ok"]
    event = WebhookEvent.objects.get()
    assert event.processed_at is not None and event.attempts == 1
    assert Product.objects.get(shopify_variant_id=10).price == Decimal("55.00")


def test_a_newer_and_an_older_update_applied_at_once_end_on_the_newer(fake_admin) -> None:
    # given: the product exists; two states of it are stored
    first, _ = webhook_event_store(
        webhook_id="base",
        topic="products/create",
        shop_domain="",
        triggered_at=None,
        payload=product_payload(1, price="100.00", updated_at="2026-11-01T00:00:00Z"),
    )
    webhook_event_process(event_id=first.pk)
    ids = []
    for webhook_id, price, at in (
        ("newer", "89.00", "2026-11-03T00:00:00Z"),
        ("older", "95.00", "2026-11-02T00:00:00Z"),
    ):
        event, _ = webhook_event_store(
            webhook_id=webhook_id,
            topic="products/update",
            shop_domain="",
            triggered_at=None,
            payload=product_payload(1, price=price, updated_at=at),
        )
        ids.append(event.pk)
    # when: two workers apply them at the same moment
    at_once([lambda pk=pk: webhook_event_process(event_id=pk) for pk in ids])
    # then: whichever ran first, the newer price stands
    assert Product.objects.get(shopify_variant_id=10).price == Decimal("89.00")
    assert not WebhookEvent.objects.filter(processed_at__isnull=True).exists()


def test_a_cancellation_taken_by_three_workers_at_once_is_sent_once(fake_admin) -> None:
    # given: a pushed order cancelled here, its cancel task delivered three times
    order = place_order()
    fake_admin.orders.append({"id": 7_000_001, "name": "#1001", "input": {"tags": []}})
    OrderPush.objects.create(
        order=order,
        status=PushStatus.PUSHED,
        shopify_order_id=7_000_001,
        cancel_status=CancelPushStatus.PENDING,
    )
    # when
    outcomes = at_once([lambda: order_cancel_push(order_id=order.pk)] * 3)
    # then
    assert sum(o.startswith("nothing to cancel") for o in outcomes) == 2
    assert len(fake_admin.cancel_calls()) == 1
    assert OrderPush.objects.get(order=order).cancel_status == CancelPushStatus.DONE
