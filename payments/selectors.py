from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import Payment, PaymentOption

if TYPE_CHECKING:
    from orders.models import Order


def payment_option_list() -> QuerySet[PaymentOption]:
    return PaymentOption.objects.filter(active=True)


def payment_for_order(*, order: Order) -> Payment | None:
    return order.payments.select_related("option").order_by("-created_at", "-id").first()
