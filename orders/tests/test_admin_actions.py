"""Staff move orders from the admin list with actions that go through order_transition."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from orders.models import Order, OrderEvent, OrderStatus
from orders.services import Address, cart_add_item, order_place, order_transition
from payments.models import PaymentStatus
from tests.admin_staff import offered_actions, post_action, staff_client
from tests.factories import (
    CustomerFactory,
    PaymentOptionFactory,
    ProductFactory,
    ShippingOptionFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:orders_order_changelist"


@pytest.fixture
def admin_client_(django_user_model) -> Client:
    user = django_user_model.objects.create_superuser("clerk", "clerk@example.com", "pw")
    client = Client()
    client.force_login(user)
    return client


def _order(*, status: str = OrderStatus.PLACED, stock: int = 5, quantity: int = 2) -> Order:
    product = ProductFactory(stock=stock)
    customer = CustomerFactory()
    cart_add_item(customer=customer, product=product, quantity=quantity)
    order = order_place(
        customer=customer,
        contact_name="Sara",
        address=Address(text="1 Main St"),
        shipping_option=ShippingOptionFactory(),
        payment_option=PaymentOptionFactory(),
    )
    path = {
        OrderStatus.PLACED: [],
        OrderStatus.PAID: [OrderStatus.PAID],
        OrderStatus.SHIPPED: [OrderStatus.PAID, OrderStatus.SHIPPED],
        OrderStatus.DELIVERED: [OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED],
    }[status]
    for step in path:
        order_transition(order=order, to_status=step, actor="setup")
    return order


def _act(client: Client, action: str, *orders: Order):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [order.pk for order in orders]},
    )


def _flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_mark_paid_moves_a_placed_order_to_paid_and_settles_its_payment(admin_client_):
    # given
    order = _order()
    # when
    response = _act(admin_client_, "mark_paid", order)
    # then
    order.refresh_from_db()
    assert response.status_code == 302
    assert order.status == OrderStatus.PAID
    assert order.payments.get().status == PaymentStatus.PAID
    assert OrderEvent.objects.filter(order=order, to_status="paid", actor="clerk").exists()
    assert _flash(response) == ["Mark paid: 1 order(s)."]


def _ship(client: Client, *orders: Order, **fields: str):
    """The Ship action's intermediate page, submitted with each order's shipment fields."""
    data = {
        "action": "mark_shipped",
        "apply": "1",
        "_selected_action": [order.pk for order in orders],
    }
    for order in orders:
        for name in ("carrier", "tracking_number", "tracking_url"):
            data[f"order-{order.pk}-{name}"] = fields.get(name, "")
    return client.post(reverse(CHANGELIST), data)


def test_ship_asks_for_carrier_and_tracking_before_shipping(admin_client_):
    # given
    order = _order(status=OrderStatus.PAID)
    # when
    response = _act(admin_client_, "mark_shipped", order)
    # then
    order.refresh_from_db()
    assert response.status_code == 200
    assert f'name="order-{order.pk}-tracking_number"' in response.content.decode()
    assert order.status == OrderStatus.PAID


def test_ship_records_the_carrier_and_tracking(admin_client_):
    # given
    order = _order(status=OrderStatus.PAID)
    # when
    _ship(
        admin_client_,
        order,
        carrier="Aramex",
        tracking_number="AX123",
        tracking_url="https://track.example/AX123",
    )
    # then
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert (order.carrier, order.tracking_number) == ("Aramex", "AX123")
    assert order.tracking_url == "https://track.example/AX123"


def test_ship_refuses_a_tracking_link_that_is_not_https(admin_client_):
    # given
    order = _order(status=OrderStatus.PAID)
    # when
    response = _ship(admin_client_, order, tracking_url="http://track.example/AX123")
    # then
    order.refresh_from_db()
    assert response.status_code == 200
    assert order.status == OrderStatus.PAID


def test_ship_moves_a_paid_order_to_shipped(admin_client_):
    # given
    order = _order(status=OrderStatus.PAID)
    # when
    _ship(admin_client_, order)
    # then
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED


def test_cash_on_delivery_order_can_ship_before_it_is_paid(admin_client_):
    # given
    order = _order()
    # when
    _ship(admin_client_, order)
    # then
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED


def test_deliver_moves_a_shipped_order_to_delivered(admin_client_):
    # given
    order = _order(status=OrderStatus.SHIPPED)
    # when
    _act(admin_client_, "mark_delivered", order)
    # then
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED


def test_cancel_puts_the_stock_back_and_cancels_the_payment(admin_client_):
    # given
    order = _order(stock=5, quantity=2)
    product = order.items.get().product
    product.refresh_from_db()
    assert product.stock == 3
    # when
    _act(admin_client_, "mark_cancelled", order)
    # then
    order.refresh_from_db()
    product.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert product.stock == 5
    assert order.payments.get().status == PaymentStatus.CANCELLED


def test_delivering_an_order_that_never_shipped_is_refused_and_changes_nothing(admin_client_):
    # given
    order = _order()
    # when
    response = _act(admin_client_, "mark_delivered", order)
    # then
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    [message] = _flash(response)
    assert order.order_number in message
    assert not OrderEvent.objects.filter(order=order, to_status="delivered").exists()


def test_cancelling_a_shipped_order_is_refused_and_keeps_the_stock_out(admin_client_):
    # given
    order = _order(status=OrderStatus.SHIPPED, stock=5, quantity=2)
    product = order.items.get().product
    # when
    response = _act(admin_client_, "mark_cancelled", order)
    # then
    order.refresh_from_db()
    product.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert product.stock == 3
    assert len(_flash(response)) == 1


def test_cancelled_order_cannot_be_marked_paid(admin_client_):
    # given
    order = _order()
    _act(admin_client_, "mark_cancelled", order)
    # when
    _act(admin_client_, "mark_paid", order)
    # then
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_a_mixed_selection_moves_the_legal_orders_and_reports_the_others(admin_client_):
    # given
    placed, delivered = _order(), _order(status=OrderStatus.DELIVERED)
    # when
    response = _act(admin_client_, "mark_paid", placed, delivered)
    # then
    placed.refresh_from_db()
    delivered.refresh_from_db()
    assert placed.status == OrderStatus.PAID
    assert delivered.status == OrderStatus.DELIVERED
    messages = _flash(response)
    assert "Mark paid: 1 order(s)." in messages
    assert any(delivered.order_number in m for m in messages)


TRANSITIONS = ["mark_paid", "mark_shipped", "mark_delivered", "mark_cancelled"]


def test_a_view_only_user_is_offered_no_order_action():
    # given
    viewer = staff_client("orders.view_order")
    # when
    offered = offered_actions(viewer, CHANGELIST)
    # then
    assert not offered & set(TRANSITIONS)


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("mark_paid", OrderStatus.PLACED),
        ("mark_shipped", OrderStatus.PAID),
        ("mark_delivered", OrderStatus.SHIPPED),
        ("mark_cancelled", OrderStatus.PLACED),
    ],
)
def test_a_forged_action_post_by_a_view_only_user_changes_nothing(action, status):
    # given: an order the action would move
    order = _order(status=status, stock=5, quantity=2)
    product = order.items.get().product
    payment_status = order.payments.get().status
    events = OrderEvent.objects.filter(order=order).count()
    viewer = staff_client("orders.view_order")
    # when
    post_action(viewer, CHANGELIST, action, [order.pk])
    # then
    order.refresh_from_db()
    product.refresh_from_db()
    assert order.status == status
    assert product.stock == 3  # mark_cancelled would have restocked
    assert order.payments.get().status == payment_status
    assert OrderEvent.objects.filter(order=order).count() == events


def test_a_user_who_may_change_orders_is_offered_and_runs_the_actions():
    # given
    order = _order(stock=5, quantity=2)
    product = order.items.get().product
    manager = staff_client("orders.view_order", "orders.change_order")
    # when
    offered = offered_actions(manager, CHANGELIST)
    post_action(manager, CHANGELIST, "mark_cancelled", [order.pk])
    # then
    order.refresh_from_db()
    product.refresh_from_db()
    assert set(TRANSITIONS) <= offered
    assert order.status == OrderStatus.CANCELLED
    assert product.stock == 5
