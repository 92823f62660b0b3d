from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import QuerySet

from . import calculations
from .models import Cart, CartItem, Order, ShippingOption

if TYPE_CHECKING:
    from users.models import Customer


def cart_get(*, customer: Customer) -> Cart | None:
    return Cart.objects.filter(customer=customer, is_open=True).first()


def cart_items(*, customer: Customer) -> list[CartItem]:
    return list(
        CartItem.objects.select_related("product", "product__brand").filter(
            cart__customer=customer, cart__is_open=True
        )
    )


def cart_totals(
    *, customer: Customer, shipping_option: ShippingOption | None = None
) -> calculations.Totals:
    """Current totals of the open cart at today's catalog prices."""
    items = cart_items(customer=customer)
    currency = items[0].product.currency if items else settings.DEFAULT_CURRENCY
    return calculations.totals(
        lines=[(item.product.price, item.quantity) for item in items],
        currency=currency,
        shipping_price=shipping_option.price if shipping_option else None,
        free_over=shipping_option.free_over if shipping_option else None,
    )


def shipping_option_list() -> QuerySet[ShippingOption]:
    return ShippingOption.objects.filter(active=True)


def order_list(*, customer: Customer, limit: int = 10) -> list[Order]:
    return list(Order.objects.filter(customer=customer).order_by("-created_at", "-id")[:limit])


def order_get(*, order_number: str, customer: Customer | None = None) -> Order | None:
    """An order by number; with `customer`, only if it is theirs (customers never see
    other people's orders)."""
    qs = Order.objects.select_related("shipping_option", "payment_option").filter(
        order_number__iexact=order_number.strip()
    )
    if customer is not None:
        qs = qs.filter(customer=customer)
    return qs.first()


def cart_ids_idle(*, before: datetime) -> list[int]:
    """Open carts untouched since `before` (housekeeping: abandonment)."""
    return list(
        Cart.objects.filter(is_open=True, updated_at__lt=before)
        .order_by("id")
        .values_list("id", flat=True)
    )


def cart_ids_due_reminder(*, idle_before: datetime, not_before: datetime) -> list[int]:
    """Open, non-empty carts idle since `idle_before` but not yet past `not_before` (those
    are abandoned instead), never reminded in this idle spell, of customers who did not opt
    out. The 24-hour window is checked per customer by the caller."""
    return list(
        Cart.objects.filter(
            is_open=True,
            reminder_sent_at__isnull=True,
            updated_at__lt=idle_before,
            updated_at__gte=not_before,
            customer__opted_out=False,
            items__isnull=False,
        )
        .distinct()
        .order_by("id")
        .values_list("id", flat=True)
    )


def order_list_for_staff(*, status: str | None = None, wa_id: str | None = None) -> QuerySet[Order]:
    """Every order, newest first, for staff screens and the staff API."""
    qs = Order.objects.select_related(
        "customer", "shipping_option", "payment_option"
    ).prefetch_related("items", "events")
    if status:
        qs = qs.filter(status=status)
    if wa_id:
        qs = qs.filter(customer__wa_id=wa_id)
    return qs.order_by("-created_at", "-id")


def cart_get_by_id(*, cart_id: int) -> Cart | None:
    return Cart.objects.select_related("customer").filter(pk=cart_id).first()
