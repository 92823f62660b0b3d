from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from conversation_log.models import Direction, Message
from orders.models import Cart, CartStatus
from orders.services import cart_add_item
from orders.tasks import cart_abandon_idle_task, cart_remind_idle_task
from tests.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _housekeeping_settings(settings):
    settings.ABANDONED_CART_DAYS = 3
    settings.CART_REMINDER_HOURS = 4


def _cart_filled_at(when: datetime, **customer_fields) -> Cart:
    customer_fields.setdefault("last_inbound_at", when)
    # A cart reminder is marketing: only customers who said yes get one.
    customer_fields.setdefault("marketing_consent_at", when - timedelta(days=1))
    customer = CustomerFactory(**customer_fields)
    with time_machine.travel(when, tick=False):
        cart_add_item(customer=customer, product=ProductFactory(), quantity=1)
    return Cart.objects.get(customer=customer, is_open=True)


def _reminders() -> list[Message]:
    return list(Message.objects.filter(direction=Direction.OUTBOUND))


def test_cart_idle_for_abandoned_cart_days_is_abandoned():
    # given
    cart = _cart_filled_at(T0)
    # when
    with time_machine.travel(T0 + timedelta(days=3, minutes=1), tick=False):
        result = cart_abandon_idle_task()
    # then
    cart.refresh_from_db()
    assert result == {"abandoned": 1, "candidates": 1}
    assert cart.status == CartStatus.ABANDONED
    assert cart.is_open is None


def test_cart_touched_within_abandoned_cart_days_stays_open():
    # given
    cart = _cart_filled_at(T0)
    # when
    with time_machine.travel(T0 + timedelta(days=2, hours=23), tick=False):
        result = cart_abandon_idle_task()
    # then
    cart.refresh_from_db()
    assert result["abandoned"] == 0
    assert cart.status == CartStatus.OPEN


def test_abandoning_twice_abandons_each_cart_once():
    # given
    _cart_filled_at(T0)
    with time_machine.travel(T0 + timedelta(days=4), tick=False):
        first = cart_abandon_idle_task()
        # when
        second = cart_abandon_idle_task()
    # then
    assert first["abandoned"] == 1
    assert second == {"abandoned": 0, "candidates": 0}


def test_abandoned_cart_lets_the_customer_open_a_new_one():
    # given
    cart = _cart_filled_at(T0)
    with time_machine.travel(T0 + timedelta(days=4), tick=False):
        cart_abandon_idle_task()
    # when
    cart_add_item(customer=cart.customer, product=ProductFactory(), quantity=1)
    # then
    assert Cart.objects.filter(customer=cart.customer).count() == 2
    assert Cart.objects.filter(customer=cart.customer, is_open=True).exclude(pk=cart.pk).exists()


def test_idle_cart_gets_one_reminder_while_the_window_is_open():
    # given
    cart = _cart_filled_at(T0)
    later = T0 + timedelta(hours=5)
    # when
    with time_machine.travel(later, tick=False):
        result = cart_remind_idle_task()
    # then
    cart.refresh_from_db()
    assert result == {"reminded": 1, "waiting": 0, "candidates": 1}
    assert cart.reminder_sent_at == later
    [reminder] = _reminders()
    assert reminder.chat.customer_id == cart.customer_id
    assert "cart is still saved" in reminder.text


def test_reminder_is_sent_only_once_per_idle_spell():
    # given
    _cart_filled_at(T0)
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        cart_remind_idle_task()
    # when
    with time_machine.travel(T0 + timedelta(hours=10), tick=False):
        second = cart_remind_idle_task()
    # then
    assert second["reminded"] == 0
    assert len(_reminders()) == 1


def test_cart_idle_for_less_than_the_reminder_delay_gets_no_reminder():
    # given
    _cart_filled_at(T0)
    # when
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        result = cart_remind_idle_task()
    # then
    assert result["candidates"] == 0
    assert _reminders() == []


def test_no_reminder_once_the_24_hour_window_has_closed_without_an_approved_template():
    # given: the customer last wrote 25 hours ago, and no cart_reminder template is approved
    cart = _cart_filled_at(T0, last_inbound_at=T0 - timedelta(hours=20))
    # when
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        result = cart_remind_idle_task()
    # then
    cart.refresh_from_db()
    assert result == {"reminded": 0, "waiting": 1, "candidates": 1}
    assert cart.reminder_sent_at is None
    assert _reminders() == []


def test_no_reminder_to_a_customer_who_opted_out():
    # given
    _cart_filled_at(T0, opted_out=True)
    # when
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        result = cart_remind_idle_task()
    # then
    assert result["candidates"] == 0
    assert _reminders() == []


def test_no_reminder_for_an_empty_cart():
    # given
    cart = _cart_filled_at(T0)
    cart.items.all().delete()
    # when
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        result = cart_remind_idle_task()
    # then
    assert result["candidates"] == 0


def test_reminder_is_written_in_the_customers_language():
    # given
    _cart_filled_at(T0, language="ar")
    # when
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        cart_remind_idle_task()
    # then
    [reminder] = _reminders()
    assert "سلتك" in reminder.text


def test_reminders_wait_without_claiming_when_no_sender_is_configured(settings):
    # given
    settings.OUTBOUND_PROACTIVE_SENDER = ""
    cart = _cart_filled_at(T0)
    # when
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        result = cart_remind_idle_task()
    # then
    cart.refresh_from_db()
    assert result["reminded"] == 0
    assert cart.reminder_sent_at is None


def test_adding_to_the_cart_after_a_reminder_allows_one_more_later():
    # given
    cart = _cart_filled_at(T0)
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        cart_remind_idle_task()
        cart_add_item(customer=cart.customer, product=ProductFactory(), quantity=1)
        cart.customer.last_inbound_at = T0 + timedelta(hours=5)
        cart.customer.save(update_fields=["last_inbound_at"])
    # when
    with time_machine.travel(T0 + timedelta(hours=10), tick=False):
        result = cart_remind_idle_task()
    # then
    assert result["reminded"] == 1
    assert len(_reminders()) == 2


def test_housekeeping_logs_what_it_did(caplog):
    # given
    _cart_filled_at(T0)
    _cart_filled_at(T0 - timedelta(days=5))
    # when
    with (
        caplog.at_level("INFO", logger="orders.tasks"),
        time_machine.travel(T0 + timedelta(hours=5), tick=False),
    ):
        cart_remind_idle_task()
        cart_abandon_idle_task()
    # then
    lines = [record.getMessage() for record in caplog.records]
    assert any(line.startswith("cart reminders: 1 sent, 0 waiting") for line in lines)
    assert "abandoned 1 of 1 idle carts" in lines


def test_outside_the_window_the_approved_cart_reminder_template_is_queued():
    # given: the customer last wrote 25 hours ago and agreed to marketing messages
    from conversation_log.tests.template_factory import approved_template

    with time_machine.travel(T0, tick=False):
        approved_template(
            name="cart_saved",
            purpose="cart_reminder",
            category="marketing",
            body="{{1}}, your cart is waiting.",
            slot_map={"body.1": "customer_name"},
        )
    cart = _cart_filled_at(T0, last_inbound_at=T0 - timedelta(hours=20), profile_name="Sara")
    # when
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        result = cart_remind_idle_task()
    # then
    cart.refresh_from_db()
    assert result == {"reminded": 1, "waiting": 0, "candidates": 1}
    [reminder] = _reminders()
    assert reminder.msg_type == "template"
    assert reminder.text == "Sara, your cart is waiting."


def test_no_reminder_without_marketing_consent():
    # given
    cart = _cart_filled_at(T0, marketing_consent_at=None)
    # when
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        result = cart_remind_idle_task()
    # then
    cart.refresh_from_db()
    assert result == {"reminded": 0, "waiting": 1, "candidates": 1}
    assert cart.reminder_sent_at is None
    assert _reminders() == []
