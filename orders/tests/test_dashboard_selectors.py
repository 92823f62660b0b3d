"""The dashboard's order figures: per-day totals in TIME_ZONE and the order-side funnel."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from orders.models import ALLOWED_TRANSITIONS, Cart, CartStatus, Order, OrderEvent, OrderStatus
from orders.selectors import order_daily_totals, order_funnel_counts
from orders.services import cart_add_item, cart_clear
from tests.factories import (
    CustomerFactory,
    PaymentOptionFactory,
    ProductFactory,
    ShippingOptionFactory,
)

pytestmark = pytest.mark.django_db

_numbers = iter(range(1, 10_000))


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _order(
    *, at: datetime, total: str, status: str = OrderStatus.PLACED, currency: str = "USD"
) -> Order:
    order = Order.objects.create(
        order_number=f"T-{next(_numbers):05d}",
        customer=CustomerFactory(),
        status=status,
        contact_name="Sara",
        address="Street 1",
        shipping_option=ShippingOptionFactory(),
        payment_option=PaymentOptionFactory(),
        subtotal=Decimal(total),
        shipping_cost=Decimal("0.00"),
        total=Decimal(total),
        currency=currency,
    )
    Order.objects.filter(pk=order.pk).update(created_at=at)
    return order


def _event(order: Order, to_status: str, at: datetime) -> None:
    event = OrderEvent.objects.create(order=order, to_status=to_status)
    OrderEvent.objects.filter(pk=event.pk).update(created_at=at)


def _cart(*, at: datetime, items: int, status: str = CartStatus.ABANDONED) -> Cart:
    """A cart filled through the cart services (which keep Cart.has_items), then closed;
    with no items, one that was filled and emptied."""
    customer = CustomerFactory()
    for _ in range(items or 1):
        cart_add_item(customer=customer, product=ProductFactory())
    if not items:
        cart_clear(customer=customer)
    cart = Cart.objects.get(customer=customer, is_open=True)
    Cart.objects.filter(pk=cart.pk).update(status=status, is_open=None, created_at=at)
    return cart


@pytest.fixture
def named_time_zones() -> None:
    if connection.vendor == "mysql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT CONVERT_TZ('2000-01-01 00:00:00', 'UTC', 'Asia/Riyadh')")
            if cursor.fetchone()[0] is None:
                pytest.skip("MariaDB has no time zone tables (mysql_tzinfo_to_sql)")


@override_settings(DEFAULT_CURRENCY="USD")
def test_daily_totals_count_orders_and_revenue_per_day_with_zero_days() -> None:
    # given
    _order(at=_utc(2026, 3, 1, 10), total="100.00")
    _order(at=_utc(2026, 3, 1, 11), total="50.50")
    _order(at=_utc(2026, 3, 3, 9), total="20.00")

    # when
    days = order_daily_totals(since=_utc(2026, 3, 1), until=_utc(2026, 3, 4))

    # then
    assert [(d.day, d.orders, d.revenue) for d in days] == [
        (date(2026, 3, 1), 2, Decimal("150.50")),
        (date(2026, 3, 2), 0, Decimal("0.00")),
        (date(2026, 3, 3), 1, Decimal("20.00")),
    ]


@override_settings(DEFAULT_CURRENCY="USD")
def test_daily_totals_leave_cancelled_refunded_and_foreign_orders_out_of_revenue() -> None:
    # given
    _order(at=_utc(2026, 3, 1, 10), total="100.00")
    _order(at=_utc(2026, 3, 1, 11), total="70.00", status=OrderStatus.CANCELLED)
    _order(at=_utc(2026, 3, 1, 12), total="30.00", status=OrderStatus.REFUNDED)
    _order(at=_utc(2026, 3, 1, 13), total="999.00", currency="SAR")

    # when
    (day,) = order_daily_totals(since=_utc(2026, 3, 1), until=_utc(2026, 3, 2))

    # then
    assert (day.orders, day.revenue_orders, day.revenue) == (4, 1, Decimal("100.00"))


def test_daily_totals_exclude_orders_outside_the_period() -> None:
    # given
    _order(at=_utc(2026, 2, 28, 23, 59), total="10.00")
    _order(at=_utc(2026, 3, 2, 0, 0), total="10.00")

    # when
    days = order_daily_totals(since=_utc(2026, 3, 1), until=_utc(2026, 3, 2))

    # then
    assert [(d.day, d.orders) for d in days] == [(date(2026, 3, 1), 0)]


@override_settings(TIME_ZONE="Asia/Riyadh", DEFAULT_CURRENCY="USD")
def test_daily_totals_split_days_at_local_midnight(named_time_zones: None) -> None:
    # given: Riyadh is UTC+3, so 20:59 UTC is 23:59 on the 1st and 21:00 UTC is the 2nd
    _order(at=_utc(2026, 3, 1, 20, 59), total="10.00")
    _order(at=_utc(2026, 3, 1, 21, 0), total="20.00")
    local_midnight = _utc(2026, 2, 28, 21)

    # when
    days = order_daily_totals(since=local_midnight, until=_utc(2026, 3, 2, 21))

    # then
    assert [(d.day, d.orders, d.revenue) for d in days] == [
        (date(2026, 3, 1), 1, Decimal("10.00")),
        (date(2026, 3, 2), 1, Decimal("20.00")),
    ]


def test_funnel_counts_carts_with_items_orders_and_payments_in_the_period() -> None:
    # given
    inside, before = _utc(2026, 3, 5, 12), _utc(2026, 2, 20, 12)
    _cart(at=inside, items=2)  # counted once, however many items
    _cart(at=inside, items=1, status=CartStatus.ORDERED)
    _cart(at=inside, items=0)  # emptied: not counted
    _cart(at=before, items=1)
    paid_now = _order(at=inside, total="10.00", status=OrderStatus.PAID)
    _event(paid_now, OrderStatus.PLACED, inside)
    _event(paid_now, OrderStatus.PAID, inside)
    paid_later = _order(at=before, total="10.00", status=OrderStatus.PAID)
    _event(paid_later, OrderStatus.PAID, inside)  # placed earlier, paid in the period
    _order(at=inside, total="10.00")

    # when
    (counts,) = order_funnel_counts(starts=[_utc(2026, 3, 1)], until=_utc(2026, 3, 8))

    # then
    assert (counts.carts_with_items, counts.orders_placed, counts.orders_paid) == (2, 2, 2)


def test_funnel_counts_each_period_from_its_own_start() -> None:
    # given
    recent, older = _utc(2026, 3, 7, 12), _utc(2026, 3, 2, 12)
    _cart(at=recent, items=1)
    _cart(at=older, items=1)
    for at in (recent, older, older):
        order = _order(at=at, total="10.00", status=OrderStatus.PAID)
        _event(order, OrderStatus.PAID, at)

    # when
    week, month = order_funnel_counts(
        starts=[_utc(2026, 3, 6), _utc(2026, 3, 1)], until=_utc(2026, 3, 8)
    )

    # then
    assert (week.carts_with_items, week.orders_placed, week.orders_paid) == (1, 1, 1)
    assert (month.carts_with_items, month.orders_placed, month.orders_paid) == (2, 3, 3)


def test_no_status_move_leads_back_to_paid_so_payments_count_without_distinct() -> None:
    # given: what can follow "paid", however many moves later
    after_paid: set[str] = set()
    frontier = {OrderStatus.PAID.value}
    while frontier:
        frontier = {n for s in frontier for n in ALLOWED_TRANSITIONS[s]} - after_paid
        after_paid |= frontier

    # then: an order is moved to "paid" at most once, one OrderEvent each
    assert OrderStatus.PAID not in after_paid


@pytest.mark.parametrize("time_zone", ["UTC", "Asia/Riyadh"])
def test_funnel_orders_summed_from_the_daily_totals_equal_the_orders_counted(
    time_zone: str, request: pytest.FixtureRequest
) -> None:
    # given: orders of every status and currency on both sides of the periods' local
    # midnights (Riyadh is UTC+3: its 2026-03-06 begins at 2026-03-05 21:00 UTC)
    if time_zone != "UTC":
        request.getfixturevalue("named_time_zones")
    with override_settings(TIME_ZONE=time_zone, DEFAULT_CURRENCY="USD"):
        week_start = _local_midnight(date(2026, 3, 6))
        month_start = _local_midnight(date(2026, 3, 1))
        until = _utc(2026, 3, 12, 15)
        for at in (week_start, month_start, until):
            for seconds in (-1, 0, 1):
                _order(at=at + timedelta(seconds=seconds), total="10.00")
        _order(at=_utc(2026, 3, 8, 12), total="70.00", status=OrderStatus.CANCELLED)
        _order(at=_utc(2026, 3, 8, 13), total="30.00", status=OrderStatus.REFUNDED)
        _order(at=_utc(2026, 3, 2, 13), total="999.00", currency="SAR")
        _order(at=_utc(2026, 3, 9, 9), total="20.00", status=OrderStatus.DELIVERED)
        starts = [week_start, month_start]

        # when
        counted = order_funnel_counts(starts=starts, until=until)
        summed = order_funnel_counts(
            starts=starts,
            until=until,
            daily=order_daily_totals(since=month_start, until=until),
        )

    # then
    assert [c.orders_placed for c in summed] == [c.orders_placed for c in counted] == [6, 10]


def test_funnel_orders_refuse_daily_totals_for_a_start_that_is_not_a_local_midnight() -> None:
    # given
    until = _utc(2026, 3, 12, 15)
    daily = order_daily_totals(since=_utc(2026, 3, 1), until=until)

    # when / then
    with pytest.raises(ValueError, match="does not begin a day"):
        order_funnel_counts(starts=[_utc(2026, 3, 5, 12)], until=until, daily=daily)
    with pytest.raises(ValueError, match="does not begin a day"):
        order_funnel_counts(starts=[_utc(2026, 2, 20)], until=until, daily=daily)
