from __future__ import annotations

import pytest

from conversation_log.models import DeliveryStatus, Direction, Message
from orders.services import Address, cart_add_item, order_place
from tests.factories import (
    ChatFactory,
    CustomerFactory,
    PaymentOptionFactory,
    ProductFactory,
    ShippingOptionFactory,
)

pytestmark = pytest.mark.django_db


def _order(customer=None):
    customer = customer or CustomerFactory()
    cart_add_item(customer=customer, product=ProductFactory(), quantity=2)
    return order_place(
        customer=customer,
        contact_name="Sara",
        address=Address(text="1 Main St"),
        shipping_option=ShippingOptionFactory(),
        payment_option=PaymentOptionFactory(),
    )


@pytest.mark.parametrize("path", ["/api/orders/", "/api/customers/", "/api/chats/"])
def test_anonymous_visitor_cannot_list_staff_resources(anon_client, path):
    # when
    response = anon_client.get(path)
    # then
    assert response.status_code in (401, 403)


def test_anonymous_visitor_cannot_read_an_order_by_number(anon_client):
    # given
    order = _order()
    # when
    response = anon_client.get(f"/api/orders/{order.order_number}/")
    # then
    assert response.status_code in (401, 403)
    assert order.order_number not in response.content.decode()


def test_logged_in_non_staff_user_cannot_list_orders(make_staff_client):
    # given
    client = make_staff_client("view_order", is_staff=False)
    # when
    response = client.get("/api/orders/")
    # then
    assert response.status_code == 403


def test_staff_without_the_view_permission_cannot_list_orders(make_staff_client):
    # given: a support agent who may read chats but not orders
    client = make_staff_client("view_chat")
    # when
    orders = client.get("/api/orders/")
    chats = client.get("/api/chats/")
    # then
    assert orders.status_code == 403
    assert chats.status_code == 200


def test_staff_lists_orders_with_lines_events_and_decimal_totals(staff_client):
    # given
    order = _order()
    # when
    response = staff_client.get("/api/orders/")
    # then
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["order_number"] == order.order_number
    assert row["total"] == str(order.total)
    assert row["items"][0]["quantity"] == 2
    assert row["events"][0]["to_status"] == "placed"


def test_staff_filters_orders_by_status_and_customer(staff_client):
    # given
    mine = _order(CustomerFactory(wa_id="966500000001"))
    _order(CustomerFactory(wa_id="966500000002"))
    # when
    by_customer = staff_client.get("/api/orders/", {"customer": "966500000001"})
    by_status = staff_client.get("/api/orders/", {"status": "shipped"})
    bad_status = staff_client.get("/api/orders/", {"status": "teleported"})
    # then
    assert [o["order_number"] for o in by_customer.json()["results"]] == [mine.order_number]
    assert by_status.json()["count"] == 0
    assert bad_status.status_code == 400


def test_staff_reads_one_order_by_number(staff_client):
    # given
    order = _order()
    # when
    response = staff_client.get(f"/api/orders/{order.order_number}/")
    # then
    assert response.status_code == 200
    assert response.json()["status"] == "placed"


def test_staff_searches_customers(staff_client):
    # given
    CustomerFactory(wa_id="966511112222", profile_name="Layla")
    CustomerFactory(wa_id="966533334444", profile_name="Omar")
    # when
    response = staff_client.get("/api/customers/", {"q": "layl"})
    # then
    assert [c["wa_id"] for c in response.json()["results"]] == ["966511112222"]


def test_staff_lists_chats_in_handoff(staff_client):
    # given
    waiting = ChatFactory(handoff_active=True)
    ChatFactory(handoff_active=False)
    # when
    response = staff_client.get("/api/chats/", {"handoff": "true"})
    # then
    assert [c["id"] for c in response.json()["results"]] == [waiting.pk]


def test_staff_reads_a_chat_transcript_oldest_first(staff_client):
    # given
    chat = ChatFactory()
    for text in ("hello", "do you have phones?"):
        Message.objects.create(
            chat=chat, direction=Direction.INBOUND, text=text, status=DeliveryStatus.RECEIVED
        )
    # when
    response = staff_client.get(f"/api/chats/{chat.pk}/")
    # then
    assert response.status_code == 200
    assert [m["text"] for m in response.json()["messages"]] == ["hello", "do you have phones?"]


def test_staff_endpoints_are_read_only_even_for_a_superuser(superuser_client):
    # given
    order = _order()
    # when
    response = superuser_client.delete(f"/api/orders/{order.order_number}/")
    # then
    assert response.status_code == 405
