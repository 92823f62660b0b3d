"""The order page as a staff tool: a placed order is read-only, changes go through
permission-checked actions that call the services and leave an order event, and the list
exports what it shows as CSV."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from orders.exceptions import AddressLocked
from orders.models import Order, OrderEvent, OrderStatus
from orders.services import Address, cart_add_item, order_correct_address, order_place
from tests.admin_staff import staff_client
from tests.factories import (
    CustomerFactory,
    PaymentOptionFactory,
    ProductFactory,
    ShippingOptionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(django_user_model) -> Client:
    user = django_user_model.objects.create_superuser("clerk", "clerk@example.com", "pw")
    client = Client()
    client.force_login(user)
    return client


def _order(*, name: str = "Sara", wa_id: str = "966500000001", sku: str = "PH-1") -> Order:
    customer = CustomerFactory(wa_id=wa_id)
    cart_add_item(
        customer=customer,
        product=ProductFactory(sku=sku, price=Decimal("100.00"), stock=5),
        quantity=2,
    )
    return order_place(
        customer=customer,
        contact_name=name,
        address=Address(text="1 Main St", latitude=Decimal("24.7"), longitude=Decimal("46.6")),
        shipping_option=ShippingOptionFactory(),
        payment_option=PaymentOptionFactory(),
    )


def _page(order: Order) -> str:
    return reverse("admin:orders_order_change", args=[order.pk])


def _flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_order_page_shows_items_totals_payment_and_timeline(boss):
    # given
    order = _order()
    # when
    response = boss.get(_page(order))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "PH-1" in page and "200.00" in page and str(order.total) in page
    assert "Pending" in page or "pending" in page  # the payment
    assert 'id="order-sheet"' in page
    assert response.context["adminform"].form.fields == {}  # nothing editable
    assert response.context["show_save"] is False


def test_posting_the_change_form_changes_nothing(boss):
    # given
    order = _order()
    before = Order.objects.filter(pk=order.pk).values().get()
    # when: a forged post of the model form with new money and customer
    boss.post(_page(order), {"total": "1.00", "address": "elsewhere", "status": "delivered"})
    # then
    assert Order.objects.filter(pk=order.pk).values().get() == before


def test_staff_cannot_add_or_delete_orders_in_admin(boss):
    order = _order()
    assert boss.get(reverse("admin:orders_order_add")).status_code == 403
    assert boss.get(reverse("admin:orders_order_delete", args=[order.pk])).status_code == 403


def test_shipping_from_the_order_page_records_tracking_and_an_event(boss):
    # given
    order = _order()
    # when
    response = boss.post(
        reverse("admin:orders_order_status", args=[order.pk]),
        {
            "to_status": "shipped",
            "carrier": "Aramex",
            "tracking_number": "AX1",
            "tracking_url": "https://track.example/AX1",
        },
    )
    # then
    order.refresh_from_db()
    assert response.status_code == 302
    assert (order.status, order.carrier, order.tracking_number) == ("shipped", "Aramex", "AX1")
    event = order.events.get(to_status="shipped")
    assert (event.from_status, event.actor) == ("placed", "clerk")


def test_cancelling_from_the_order_page_needs_a_reason_and_restocks(boss):
    # given
    order = _order()
    product = order.items.get().product
    url = reverse("admin:orders_order_status", args=[order.pk])
    # when: no reason
    refused = boss.post(url, {"to_status": "cancelled"})
    order.refresh_from_db()
    # then
    assert order.status == OrderStatus.PLACED
    assert any("cancelled" in message for message in _flash(refused))
    # when: with a reason
    boss.post(url, {"to_status": "cancelled", "note": "customer called"})
    # then
    order.refresh_from_db()
    product.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert product.stock == 5
    assert order.events.get(to_status="cancelled").note == "customer called"


def test_a_move_the_pipeline_forbids_is_refused_with_a_message(boss):
    # given
    order = _order()
    # when
    response = boss.post(
        reverse("admin:orders_order_status", args=[order.pk]), {"to_status": "delivered"}
    )
    # then
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    assert "cannot move from placed to delivered" in _flash(response)[0]


def test_a_viewer_sees_the_order_but_no_action_and_cannot_post_one():
    # given
    order = _order()
    viewer = staff_client("orders.view_order")
    # when
    page = viewer.get(_page(order))
    posted = viewer.post(
        reverse("admin:orders_order_status", args=[order.pk]), {"to_status": "paid"}
    )
    address = viewer.post(
        reverse("admin:orders_order_address", args=[order.pk]),
        {"address": "2 Side St", "note": "typo"},
    )
    # then
    assert page.status_code == 200 and page.context["moves"] == []
    assert posted.status_code == 403 and address.status_code == 403
    order.refresh_from_db()
    assert (order.status, order.address) == ("placed", "1 Main St")


def test_correcting_the_address_keeps_the_old_one_in_the_timeline(boss):
    # given
    order = _order()
    # when
    response = boss.post(
        reverse("admin:orders_order_address", args=[order.pk]),
        {"address": "12 King Fahd Rd, Riyadh", "note": "customer called with the right street"},
    )
    # then
    order.refresh_from_db()
    assert response.status_code == 302
    assert order.address == "12 King Fahd Rd, Riyadh"
    assert (order.latitude, order.longitude) == (None, None)
    assert order.status == OrderStatus.PLACED
    event = order.events.get(to_status="")
    assert event.actor == "clerk"
    assert "was: 1 Main St" in event.note and "right street" in event.note
    assert "Correction" in boss.get(_page(order)).content.decode()


def test_the_address_of_a_shipped_order_cannot_be_corrected():
    # given
    order = _order()
    order.status = OrderStatus.SHIPPED
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.SHIPPED)
    # when / then
    with pytest.raises(AddressLocked):
        order_correct_address(order=order, address="2 Side St", note="late", actor="x")
    order.refresh_from_db()
    assert order.address == "1 Main St"
    assert not OrderEvent.objects.filter(order=order, to_status="").exists()


def test_a_status_change_is_post_only(boss):
    order = _order()
    response = boss.get(reverse("admin:orders_order_status", args=[order.pk]))
    assert response.status_code == 405


def _body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_csv_export_follows_the_lists_filters(boss):
    # given
    placed = _order(name="=HYPERLINK(1)", wa_id="966500000001", sku="PH-1")
    paid = _order(name="Omar", wa_id="966500000002", sku="PH-2")
    boss.post(reverse("admin:orders_order_status", args=[paid.pk]), {"to_status": "paid"})
    # when
    everything = boss.get(reverse("admin:orders_order_export_csv"))
    only_placed = boss.get(reverse("admin:orders_order_export_csv"), {"status__exact": "placed"})
    # then
    assert everything["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(_body(everything))))
    assert rows[0][0] == "order number"
    assert {row[0] for row in rows[1:]} == {placed.order_number, paid.order_number}
    filtered = list(csv.reader(io.StringIO(_body(only_placed))))
    assert [row[0] for row in filtered[1:]] == [placed.order_number]
    assert filtered[1][4] == "'=HYPERLINK(1)"  # never a formula in a spreadsheet
    assert filtered[1][7] == "2 × PH-1"


def test_the_export_needs_the_view_permission():
    _order()
    nobody = staff_client()
    assert nobody.get(reverse("admin:orders_order_export_csv")).status_code == 403


def test_the_page_offers_only_the_moves_the_pipeline_allows(boss):
    # given: a shipped order
    order = _order()
    boss.post(reverse("admin:orders_order_status", args=[order.pk]), {"to_status": "shipped"})
    # when
    response = boss.get(_page(order))
    # then: deliver only; no address correction once shipped; refunds are not an order button
    assert [move["status"] for move in response.context["moves"]] == ["delivered"]
    assert response.context["address_locked"] is True
    assert 'class="address-correction"' not in response.content.decode()
