"""The console's staff line (`/ship CARRIER TRACKING [URL]`, used by `make demo`): the
customer's latest order is shipped as in admin and the shipping update they receive is
shown, free-form with a Track button inside the 24-hour window."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from orders.models import Order, OrderStatus
from orders.services import Address, cart_add_item, order_place
from tests.factories import PaymentOptionFactory, ProductFactory, ShippingOptionFactory
from users.models import Customer
from wa_gateway.console import ConsoleCustomer, render_body

pytestmark = pytest.mark.django_db

PHONE = "15550004242"
TRACK = "https://track.example/AX9"


def _customer_with_an_order(commit) -> ConsoleCustomer:
    console = ConsoleCustomer(phone=PHONE, name="Sara")
    with commit(execute=True):
        console.say("hi")  # the customer wrote: inside the window
    customer = Customer.objects.get(wa_id=PHONE)
    cart_add_item(customer=customer, product=ProductFactory(stock=3), quantity=1)
    order_place(
        customer=customer,
        contact_name="Sara",
        address=Address(text="12 Olaya Street, Riyadh"),
        shipping_option=ShippingOptionFactory(),
        payment_option=PaymentOptionFactory(),
    )
    console.replies()  # the "placed" update, if any, is not what this test reads
    return console


def test_the_staff_line_ships_the_latest_order_and_shows_the_update(
    django_capture_on_commit_callbacks,
):
    # given
    console = _customer_with_an_order(django_capture_on_commit_callbacks)
    # when: the update is sent after the shipment commits, as in the console
    with django_capture_on_commit_callbacks(execute=True):
        console.say(f"/ship Aramex AX9 {TRACK}")
    replies = console.replies()
    # then
    order = Order.objects.get(customer__wa_id=PHONE)
    assert order.status == OrderStatus.SHIPPED and order.tracking_number == "AX9"
    (update,) = replies
    assert "is on its way with Aramex. Tracking number: AX9." in update.text
    assert f"[Track order] {TRACK}" in update.text


def test_a_staff_line_without_an_order_stops_the_script(tmp_path):
    # given
    script = tmp_path / "demo.txt"
    script.write_text("hi\n/ship Aramex AX9\n", encoding="utf-8")
    # when / then
    with pytest.raises(CommandError, match="no order to ship"):
        call_command("chat", phone="15550004243", script=str(script))


def test_a_template_and_catalog_messages_are_readable_in_the_console():
    # given
    template = {
        "type": "template",
        "template": {
            "name": "order_shipped",
            "language": {"code": "en"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": "ORD-1"},
                        {"type": "currency", "currency": {"fallback_value": "10 USD"}},
                    ],
                }
            ],
        },
    }
    product_list = {
        "type": "interactive",
        "interactive": {
            "type": "product_list",
            "header": {"type": "text", "text": "Results"},
            "body": {"text": "Phones"},
            "action": {
                "catalog_id": "C",
                "sections": [{"title": "Phones", "product_items": [{"product_retailer_id": "P1"}]}],
            },
        },
    }
    # then
    assert render_body(template).text == "[template order_shipped] ORD-1 · 10 USD"
    assert "[catalog product P1]" in render_body(product_list).text
