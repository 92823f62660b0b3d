"""Done when (issue 19): staff mark an order shipped in admin with a tracking number and the
customer receives the shipping update, end to end with a real Celery worker on MariaDB +
Redis: free-form with a "Track order" button when they wrote in the last 24 hours, the
approved template otherwise. admin action → order_status_changed on commit → Redis →
worker claims the update and queues it by the proactive rule → outbox → fake Graph API."""

from __future__ import annotations

import json
import subprocess
import time
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_httpserver import HTTPServer

from conversation_log.tests.template_factory import approved_template
from orders.models import Order, OrderStatus, OrderUpdate, OrderUpdateOutcome
from orders.services import Address, cart_add_item, order_place, order_transition
from tests.factories import (
    CustomerFactory,
    PaymentOptionFactory,
    ProductFactory,
    ShippingOptionFactory,
)
from tests.test_worker_pipeline import worker  # noqa: F401 - the real worker fixture

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

MESSAGES_PATH = "/v21.0/4242/messages"  # the worker fixture's WA_PHONE_ID and version
TRACKING_URL = "https://track.example/AX123"


def _paid_order(*, wa_id: str, wrote_hours_ago: float) -> Order:
    customer = CustomerFactory(
        wa_id=wa_id,
        profile_name="Sara",
        last_inbound_at=timezone.now() - timedelta(hours=wrote_hours_ago),
    )
    cart_add_item(customer=customer, product=ProductFactory(stock=5), quantity=1)
    order = order_place(
        customer=customer,
        contact_name="Sara",
        address=Address(text="1 Main St, Riyadh"),
        shipping_option=ShippingOptionFactory(),
        payment_option=PaymentOptionFactory(),
    )
    order_transition(order=order, to_status=OrderStatus.PAID, actor="setup")
    return order


def _staff_client(django_user_model) -> Client:
    user = django_user_model.objects.create_superuser("clerk", "clerk@example.com", "pw")
    client = Client()
    client.force_login(user)
    return client


def _ship_in_admin(client: Client, order: Order) -> None:
    response = client.post(
        reverse("admin:orders_order_changelist"),
        {
            "action": "mark_shipped",
            "apply": "1",
            "_selected_action": [order.pk],
            f"order-{order.pk}-carrier": "Aramex",
            f"order-{order.pk}-tracking_number": "AX123",
            f"order-{order.pk}-tracking_url": TRACKING_URL,
        },
    )
    assert response.status_code == 302  # applied, back to the list


def _shipping_sends(httpserver: HTTPServer, wa_id: str) -> list[dict[str, Any]]:
    """The sends to `wa_id` that carry the tracking number (the "paid" update of the
    setup may be sent too: it is another transition)."""
    bodies = [json.loads(request.data) for request, _ in httpserver.log if request.data]
    return [body for body in bodies if body.get("to") == wa_id and "AX123" in json.dumps(body)]


def _wait_for_send(worker: subprocess.Popen, httpserver: HTTPServer, wa_id: str) -> dict:  # noqa: F811
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and worker.poll() is None:
        sends = _shipping_sends(httpserver, wa_id)
        if sends:
            return sends[0]
        time.sleep(0.2)
    assert worker.poll() is None, "the worker process died"
    raise AssertionError("no shipping update reached the Graph API within 60 s")


def _wait_recorded(order: Order) -> OrderUpdate:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        update = OrderUpdate.objects.filter(order=order, status=OrderStatus.SHIPPED).first()
        if update is not None and update.outcome != OrderUpdateOutcome.NOT_SENT:
            return update
        time.sleep(0.2)
    raise AssertionError("the shipping update was not recorded")


@pytest.fixture
def fake_graph(httpserver: HTTPServer) -> HTTPServer:
    counter = iter(range(1, 1000))
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_handler(
        lambda _request: __import__("werkzeug").Response(
            json.dumps({"messages": [{"id": f"wamid.ship.{next(counter)}"}]}),
            content_type="application/json",
        )
    )
    return httpserver


def test_shipped_in_admin_inside_the_window_is_a_free_form_update_with_a_track_button(
    worker,  # noqa: F811 - the imported fixture
    fake_graph,
    django_user_model,
) -> None:
    # given: a paid order of a customer who wrote an hour ago
    order = _paid_order(wa_id="15550007001", wrote_hours_ago=1)
    staff = _staff_client(django_user_model)
    # when: staff ship it in admin with carrier and tracking
    _ship_in_admin(staff, order)
    # then: the worker sends one free-form update with the tracking link button
    body = _wait_for_send(worker, fake_graph, "15550007001")
    assert body["type"] == "interactive"
    interactive = body["interactive"]
    assert interactive["type"] == "cta_url"
    assert "AX123" in interactive["body"]["text"] and "Aramex" in interactive["body"]["text"]
    assert interactive["action"]["parameters"]["url"] == TRACKING_URL
    update = _wait_recorded(order)
    assert update.outcome == OrderUpdateOutcome.FREE_FORM
    time.sleep(1)  # nothing more follows (exactly once)
    assert len(_shipping_sends(fake_graph, "15550007001")) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED and order.tracking_number == "AX123"


def test_shipped_in_admin_outside_the_window_is_the_approved_template(
    worker,  # noqa: F811 - the imported fixture
    fake_graph,
    django_user_model,
) -> None:
    # given: the customer last wrote 30 hours ago; the shipping template is approved
    approved_template(
        name="order_shipped",
        purpose="order_shipped",
        body="Order {{1}} shipped with {{2}}.",
        button_url="https://track.example/{{1}}",
        slot_map={"body.1": "order_number", "body.2": "carrier", "button.0": "tracking_url_suffix"},
    )
    order = _paid_order(wa_id="15550007002", wrote_hours_ago=30)
    staff = _staff_client(django_user_model)
    # when
    _ship_in_admin(staff, order)
    # then: the template, with the order number, the carrier and the tracking suffix
    body = _wait_for_send(worker, fake_graph, "15550007002")
    assert body["type"] == "template"
    template = body["template"]
    assert template["name"] == "order_shipped" and template["language"]["code"] == "en"
    components = {c["type"]: c for c in template["components"]}
    assert [p["text"] for p in components["body"]["parameters"]] == [order.order_number, "Aramex"]
    assert components["button"]["parameters"][0]["text"] == "AX123"
    assert _wait_recorded(order).outcome == OrderUpdateOutcome.TEMPLATE
