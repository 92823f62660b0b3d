"""Order updates: one message per transition, exactly once, by the proactive rule, and
what staff see of them on the order page."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conversation_log.models import DeliveryStatus
from conversation_log.tests.template_factory import approved_template
from message_bus.order_updates import (
    order_update_send,
    order_update_send_task,
    order_updates_sweep,
)
from orders.models import Order, OrderStatus, OrderUpdate, OrderUpdateOutcome
from orders.services import Address, cart_add_item, order_place, order_transition
from orders.updates import order_ship_with_tracking
from tests.factories import (
    CustomerFactory,
    PaymentOptionFactory,
    ProductFactory,
    ShippingOptionFactory,
)

CHANGELIST = "admin:orders_order_changelist"
TRACKING_URL = "https://track.example/AX123"


@pytest.fixture
def staff(django_user_model) -> Client:
    user = django_user_model.objects.create_superuser("clerk", "clerk@example.com", "pw")
    client = Client()
    client.force_login(user)
    return client


def _paid_order(*, inside_window: bool = True) -> Order:
    last = timezone.now() - timedelta(hours=1 if inside_window else 30)
    customer = CustomerFactory(last_inbound_at=last, profile_name="Sara")
    cart_add_item(customer=customer, product=ProductFactory(stock=5), quantity=1)
    order = order_place(
        customer=customer,
        contact_name="Sara",
        address=Address(text="1 Main St"),
        shipping_option=ShippingOptionFactory(),
        payment_option=PaymentOptionFactory(),
    )
    order_transition(order=order, to_status=OrderStatus.PAID, actor="setup")
    return order


def _ship_in_admin(client: Client, order: Order) -> None:
    client.post(
        reverse(CHANGELIST),
        {
            "action": "mark_shipped",
            "apply": "1",
            "_selected_action": [order.pk],
            f"order-{order.pk}-carrier": "Aramex",
            f"order-{order.pk}-tracking_number": "AX123",
            f"order-{order.pk}-tracking_url": TRACKING_URL,
        },
    )


def _shipped_template() -> None:
    approved_template(
        name="order_shipped",
        purpose="order_shipped",
        body="Order {{1}} shipped with {{2}}.",
        button_url="https://track.example/{{1}}",
        slot_map={"body.1": "order_number", "body.2": "carrier", "button.0": "tracking_url_suffix"},
    )


@pytest.mark.django_db
def test_shipping_in_admin_inside_the_window_sends_one_update_with_a_track_button(
    staff, graph, django_capture_on_commit_callbacks
):
    # given
    order = _paid_order()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        _ship_in_admin(staff, order)
    # then
    [send] = graph.sends
    interactive = send["interactive"]
    assert interactive["type"] == "cta_url"
    assert "Aramex" in interactive["body"]["text"] and "AX123" in interactive["body"]["text"]
    assert interactive["action"]["parameters"] == {
        "display_text": "Track order",
        "url": TRACKING_URL,
    }
    update = OrderUpdate.objects.get(order=order, status=OrderStatus.SHIPPED)
    assert update.outcome == OrderUpdateOutcome.FREE_FORM
    assert update.message.status == DeliveryStatus.SENT


@pytest.mark.django_db
def test_shipping_in_admin_outside_the_window_sends_the_approved_template(
    staff, graph, django_capture_on_commit_callbacks
):
    # given
    order = _paid_order(inside_window=False)
    _shipped_template()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        _ship_in_admin(staff, order)
    # then
    [send] = graph.sends
    assert send["type"] == "template"
    components = send["template"]["components"]
    assert components[0]["parameters"] == [
        {"type": "text", "text": order.order_number},
        {"type": "text", "text": "Aramex"},
    ]
    assert components[1]["parameters"] == [{"type": "text", "text": "AX123"}]
    assert OrderUpdate.objects.get(order=order, status="shipped").outcome == "template"


@pytest.mark.django_db
def test_outside_the_window_without_a_template_the_update_is_recorded_not_sent(graph):
    # given
    order = _paid_order(inside_window=False)
    order_ship_with_tracking(order=order, carrier="Aramex", tracking_number="AX123")
    # when
    update = order_update_send(order_id=order.pk, status=OrderStatus.SHIPPED)
    # then
    assert update.outcome == OrderUpdateOutcome.NOT_SENT
    assert "no approved order_shipped template" in update.reason
    assert update.message.status == DeliveryStatus.FAILED
    assert graph.sends == []


@pytest.mark.django_db
def test_the_same_transition_retried_sends_nothing_more(graph, django_capture_on_commit_callbacks):
    # given: the update was sent
    order = _paid_order()
    with django_capture_on_commit_callbacks(execute=True):
        order_ship_with_tracking(order=order, carrier="Aramex", tracking_number="AX123")
    # when: the task runs again (a Celery retry, a redelivered message, a second signal)
    with django_capture_on_commit_callbacks(execute=True):
        again = order_update_send_task(order.pk, OrderStatus.SHIPPED)
        order_update_send_task(order.pk, OrderStatus.SHIPPED)
    # then
    assert again is False
    assert len(graph.sends) == 1
    assert OrderUpdate.objects.filter(order=order).count() == 1


@pytest.mark.django_db
def test_a_crash_before_the_record_commits_leaves_nothing_and_the_retry_sends_once(
    graph, django_capture_on_commit_callbacks
):
    # given: a worker dies after composing the update, before its transaction commits
    order = _paid_order()
    order_ship_with_tracking(order=order, carrier="Aramex", tracking_number="AX123")

    class WorkerLost(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(WorkerLost),
        transaction.atomic(),
    ):
        order_update_send(order_id=order.pk, status=OrderStatus.SHIPPED)
        raise WorkerLost
    assert graph.sends == []  # sends happen after the commit, so none left
    assert not OrderUpdate.objects.filter(order=order).exists()
    # when: the task is redelivered, twice
    with django_capture_on_commit_callbacks(execute=True):
        order_update_send_task(order.pk, OrderStatus.SHIPPED)
        order_update_send_task(order.pk, OrderStatus.SHIPPED)
    # then
    assert len(graph.sends) == 1


@pytest.mark.django_db
def test_an_order_placed_by_the_customer_in_the_chat_gets_no_second_confirmation(
    graph, django_capture_on_commit_callbacks
):
    # given / when: the checkout answered in the chat
    with django_capture_on_commit_callbacks(execute=True):
        customer = CustomerFactory(last_inbound_at=timezone.now())
        cart_add_item(customer=customer, product=ProductFactory(stock=5), quantity=1)
        order = order_place(
            customer=customer,
            contact_name="Sara",
            address=Address(text="1 Main St"),
            shipping_option=ShippingOptionFactory(),
            payment_option=PaymentOptionFactory(),
        )
    # then
    update = OrderUpdate.objects.get(order=order, status=OrderStatus.PLACED)
    assert update.outcome == OrderUpdateOutcome.IN_CHAT
    assert graph.sends == []


@pytest.mark.django_db
def test_marking_paid_and_delivered_in_admin_each_send_one_update(
    staff, graph, django_capture_on_commit_callbacks
):
    # given
    order = _paid_order()
    order_ship_with_tracking(order=order, carrier="Aramex")
    OrderUpdate.objects.all().delete()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            reverse(CHANGELIST), {"action": "mark_delivered", "_selected_action": [order.pk]}
        )
    # then
    assert len(graph.sends) == 1
    assert "was delivered" in graph.texts()[0]


@pytest.mark.django_db
def test_the_order_page_shows_the_updates_sent_and_their_delivery_status(
    staff, graph, django_capture_on_commit_callbacks
):
    # given
    order = _paid_order()
    with django_capture_on_commit_callbacks(execute=True):
        _ship_in_admin(staff, order)
    # when
    page = staff.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    # then
    assert "updates sent to the customer" in page.lower()
    assert "Sent free-form (inside the 24-hour window)" in page
    assert "is on its way with Aramex" in page
    assert ">Sent<" in page or "Sent</td>" in page


@pytest.mark.mysql_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_update_at_once_send_it_once() -> None:
    # given
    assert connection.vendor == "mysql"
    order = _paid_order()
    order_ship_with_tracking(order=order, carrier="Aramex", tracking_number="AX123")
    OrderUpdate.objects.all().delete()
    barrier = threading.Barrier(4)
    results: list[object] = []
    lock = threading.Lock()

    def send() -> None:
        close_old_connections()
        try:
            barrier.wait()
            result = order_update_send(order_id=order.pk, status=OrderStatus.SHIPPED)
        except Exception as exc:  # noqa: BLE001 - reported in the assertion below
            result = exc
        finally:
            connection.close()
        with lock:
            results.append(result)

    # when
    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then
    assert sum(isinstance(r, OrderUpdate) for r in results) == 1, results
    assert results.count(None) == 3, results
    update = OrderUpdate.objects.get(order=order, status=OrderStatus.SHIPPED)
    assert update.message is not None


# --- updates whose task was lost ----------------------------------------------------------
def _sweep_later(django_capture_on_commit_callbacks, *, minutes: float) -> int:
    later = timezone.now() + timedelta(minutes=minutes)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        return order_updates_sweep()


@pytest.mark.django_db
def test_an_update_lost_with_the_broker_is_sent_once_by_the_sweep(
    graph, django_capture_on_commit_callbacks
):
    # given: shipped, but the task enqueued after commit never ran (broker down)
    order = _paid_order()
    with django_capture_on_commit_callbacks(execute=False):
        order_ship_with_tracking(order=order, carrier="Aramex", tracking_number="AX123")
    assert graph.sends == []
    # when: the sweep runs after the grace period, then again
    first = _sweep_later(django_capture_on_commit_callbacks, minutes=3)
    second = _sweep_later(django_capture_on_commit_callbacks, minutes=4)
    # then: the shipping update went out once; the superseded "placed" and "paid" did not
    assert (first, second) == (1, 0)
    [send] = graph.sends
    assert send["type"] == "text" and "AX123" in send["text"]["body"]
    assert list(OrderUpdate.objects.filter(order=order).values_list("status", flat=True)) == [
        OrderStatus.SHIPPED
    ]


@pytest.mark.django_db
def test_the_sweep_leaves_a_fresh_move_to_its_own_task_and_an_old_one_alone(
    graph, django_capture_on_commit_callbacks
):
    # given: an order shipped whose update task has not run yet
    order = _paid_order()
    with django_capture_on_commit_callbacks(execute=False):
        order_ship_with_tracking(order=order, carrier="Aramex", tracking_number="AX123")
    # when / then: within the grace period nothing is enqueued, and after the 48-hour
    # window nothing either (a shipping notice days late would mislead)
    assert _sweep_later(django_capture_on_commit_callbacks, minutes=1) == 0
    assert _sweep_later(django_capture_on_commit_callbacks, minutes=49 * 60) == 0
    assert graph.sends == []
