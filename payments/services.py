from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from .models import Payment, PaymentOption, PaymentStatus

if TYPE_CHECKING:
    from orders.models import Order


def payment_create(
    *, order: Order, option: PaymentOption, amount: Decimal, currency: str
) -> Payment:
    """A pending payment for an order; the reference is what the customer quotes on a
    transfer and what a payment link carries."""
    existing = order.payments.filter(option=option, status=PaymentStatus.PENDING).first()
    if existing is not None:
        return existing
    return Payment.objects.create(
        order=order,
        option=option,
        amount=amount,
        currency=currency,
        reference=f"PAY-{order.order_number}-{order.payments.count() + 1}",
    )


def payment_mark_paid(*, order: Order) -> int:
    """Mark the order's pending payments paid. Returns how many changed."""
    return Payment.objects.filter(order=order, status=PaymentStatus.PENDING).update(
        status=PaymentStatus.PAID, paid_at=timezone.now(), updated_at=timezone.now()
    )


def payment_cancel(*, order: Order) -> None:
    """Cancel pending payments and flag paid ones for refund."""
    now = timezone.now()
    Payment.objects.filter(order=order, status=PaymentStatus.PENDING).update(
        status=PaymentStatus.CANCELLED, updated_at=now
    )
    Payment.objects.filter(order=order, status=PaymentStatus.PAID).update(
        status=PaymentStatus.REFUNDED, updated_at=now
    )
