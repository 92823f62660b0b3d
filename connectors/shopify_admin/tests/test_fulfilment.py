"""Fulfilment and cancellation webhooks move the local order; the customer is told."""

from __future__ import annotations

import pytest

from connectors.shopify_admin.models import OrderPush, PushStatus, WebhookEvent
from orders.models import Order, OrderStatus
from orders.services import order_transition
from wa_gateway.tests.fixtures import graph  # noqa: F401 - the fake Graph API fixture

from .fake_admin import post_signed
from .orders_setup import place_order

pytestmark = pytest.mark.django_db

SHOPIFY_ORDER = 820982911946154508
TRACKING_URL = "https://www.ups.com/WebTracking?trackNums=1Z999AA10123456784"


@pytest.fixture
def order(fake_admin) -> Order:
    """A paid local order that was pushed to Shopify."""
    placed = place_order()
    order_transition(order=placed, to_status=OrderStatus.PAID, actor="setup")
    OrderPush.objects.create(order=placed, status=PushStatus.PUSHED, shopify_order_id=SHOPIFY_ORDER)
    return placed


@pytest.fixture
def post(web, fake_admin, django_capture_on_commit_callbacks):
    def send(topic: str, payload: dict, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post_signed(web, topic, payload, **kwargs)

    return send


def _fulfilment(**overrides) -> dict:
    """A `fulfillments/create` body in Shopify's webhook shape."""
    return {
        "id": 4_567_890,
        "order_id": SHOPIFY_ORDER,
        "status": "success",
        "created_at": "2026-11-02T10:00:00-05:00",
        "service": "manual",
        "updated_at": "2026-11-02T10:00:00-05:00",
        "tracking_company": "UPS",
        "shipment_status": None,
        "location_id": 11,
        "line_items": [],
        "tracking_number": "1Z999AA10123456784",
        "tracking_numbers": ["1Z999AA10123456784"],
        "tracking_url": TRACKING_URL,
        "tracking_urls": [TRACKING_URL],
        "receipt": {},
        "name": "#1001.1",
        "admin_graphql_api_id": "gid://shopify/Fulfillment/4567890",
        **overrides,
    }


def test_a_fulfilment_ships_the_order_and_sends_the_customer_the_tracking_link(
    order,
    post,
    graph,  # noqa: F811
) -> None:
    # when
    response = post("fulfillments/create", _fulfilment())
    # then
    assert response.status_code == 200
    order.refresh_from_db()
    assert (order.status, order.carrier, order.tracking_number, order.tracking_url) == (
        OrderStatus.SHIPPED,
        "UPS",
        "1Z999AA10123456784",
        TRACKING_URL,
    )
    shipped = [s for s in graph.sends if s.get("type") == "interactive"]
    [message] = [s for s in shipped if s["interactive"].get("type") == "cta_url"]
    assert message["interactive"]["action"]["parameters"]["url"] == TRACKING_URL
    assert "UPS" in message["interactive"]["body"]["text"]


def test_delivered_shipment_status_delivers_the_order(order, post, graph) -> None:  # noqa: F811
    # given
    post("fulfillments/create", _fulfilment())
    # when
    post("fulfillments/update", _fulfilment(shipment_status="delivered"))
    # then
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED


def test_a_late_shipped_webhook_after_delivered_changes_nothing(order, post, graph) -> None:  # noqa: F811
    # given: "delivered" overtook "shipped"
    post("fulfillments/update", _fulfilment(shipment_status="delivered"))
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    # when
    post("fulfillments/create", _fulfilment(tracking_company="DHL"))
    # then
    order.refresh_from_db()
    assert (order.status, order.carrier) == (OrderStatus.DELIVERED, "UPS")


def test_an_orders_fulfilled_webhook_ships_with_the_latest_fulfilment(order, post, graph) -> None:  # noqa: F811
    # when
    post(
        "orders/fulfilled",
        {
            "id": SHOPIFY_ORDER,
            "name": "#1001",
            "fulfillment_status": "fulfilled",
            "fulfillments": [
                _fulfilment(status="cancelled", tracking_company="Old"),
                _fulfilment(id=2, tracking_company="Aramex", updated_at="2026-11-03T10:00:00Z"),
            ],
        },
    )
    # then
    order.refresh_from_db()
    assert (order.status, order.carrier) == (OrderStatus.SHIPPED, "Aramex")


def test_a_pending_fulfilment_ships_nothing(order, post) -> None:
    # when
    post("fulfillments/create", _fulfilment(status="pending"))
    # then
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_cancelling_in_shopify_cancels_the_order_and_returns_the_stock(order, post, graph) -> None:  # noqa: F811
    # given
    product = order.items.get().product
    stock_before = type(product).objects.get(pk=product.pk).stock
    # when
    post(
        "orders/cancelled",
        {"id": SHOPIFY_ORDER, "cancel_reason": "customer", "cancelled_at": "2026-11-02T10:00:00Z"},
    )
    # then
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert type(product).objects.get(pk=product.pk).stock == stock_before + 2


def test_cancelling_a_shipped_order_in_shopify_is_refused_and_recorded(order, post, graph) -> None:  # noqa: F811
    # given
    post("fulfillments/create", _fulfilment())
    # when
    post("orders/cancelled", {"id": SHOPIFY_ORDER, "cancel_reason": "other"})
    # then
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert WebhookEvent.objects.get(topic="orders/cancelled").outcome.startswith("refused")


def test_a_fulfilment_of_an_order_not_pushed_from_here_is_ignored(fake_admin, post) -> None:
    # when
    post("fulfillments/create", _fulfilment(order_id=1))
    # then
    event = WebhookEvent.objects.get()
    assert event.processed_at is not None
    assert event.outcome == "not an order pushed from here"
