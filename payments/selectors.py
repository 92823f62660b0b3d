from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from .models import Payment, PaymentEvent, PaymentOption, PaymentStatus

if TYPE_CHECKING:
    from orders.models import Order


def payment_option_list() -> QuerySet[PaymentOption]:
    return PaymentOption.objects.filter(active=True)


def payment_for_order(*, order: Order) -> Payment | None:
    return order.payments.select_related("option").order_by("-created_at", "-id").first()


def payment_find(
    *, reference: str = "", session_id: str = "", payment_intent: str = ""
) -> Payment | None:
    """The payment a provider event is about, by our reference (in the event's metadata),
    else the provider's session or PaymentIntent id."""
    if reference:
        payment = Payment.objects.filter(reference=reference).first()
        if payment is not None:
            return payment
    if session_id:
        payment = Payment.objects.filter(provider_session_id=session_id).first()
        if payment is not None:
            return payment
    if payment_intent:
        return Payment.objects.filter(provider_payment_intent=payment_intent).first()
    return None


def payment_ids_to_reconcile(*, created_before: datetime) -> list[int]:
    """Provider payments a webhook should have moved by now: pending with a checkout
    session (not flagged for staff), or refunds requested but never sent."""
    return list(
        Payment.objects.exclude(provider="")
        .filter(created_at__lt=created_before, review_reason="")
        .filter(
            Q(status=PaymentStatus.PENDING, provider_session_id__isnull=False)
            | Q(status=PaymentStatus.REFUNDING, refund_id="")
        )
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:500]
    )


def payment_event_ids_unprocessed(*, received_before: datetime) -> list[int]:
    """Webhook events stored but not processed (the broker was down when they came)."""
    return list(
        PaymentEvent.objects.filter(processed_at__isnull=True, received_at__lt=received_before)
        .order_by("received_at", "id")
        .values_list("pk", flat=True)[:500]
    )
