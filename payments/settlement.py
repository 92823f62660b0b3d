"""What the payment provider reports, applied to our payments: paid, awaiting settlement,
expired or failed, refunded; the refunds we ask for; reconciliation of missed webhooks.

Every change of a provider payment's status is a conditional update or happens under the
order's row lock then the payment's (the order first, as `orders.services` does when it
cancels), so a webhook, its redelivery and the reconcile task settle a payment once.
Provider calls (HTTP) happen outside those locks, keyed for idempotency at the provider.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from orders.models import Order, OrderStatus
from orders.services import order_mark_paid

from .models import Payment, PaymentStatus
from .money import from_minor_units, to_minor_units
from .providers import PaymentProviderError, ProviderNotConfigured, provider_get
from .services import payment_task_enqueue_on_commit

logger = logging.getLogger(__name__)

PROVIDER_ACTOR = "stripe"
# Statuses a payment leaves only for a refund: a late confirmation never overwrites them.
_REFUND_STATUSES = (PaymentStatus.REFUNDING, PaymentStatus.REFUNDED)
# Order statuses for which money that arrives is given back.
_ORDER_ENDED = frozenset({OrderStatus.CANCELLED, OrderStatus.REFUNDED})


# --- Provider confirmations --------------------------------------------------------------
def _lock(payment_id: int) -> Payment:
    """Lock the payment's order, then the payment: the order of `order_cancel`."""
    order_id = Payment.objects.values_list("order_id", flat=True).get(pk=payment_id)
    Order.objects.select_for_update().get(pk=order_id)
    return Payment.objects.select_for_update().select_related("order").get(pk=payment_id)


def _flag(payment: Payment, reason: str, **fields) -> None:
    Payment.objects.filter(pk=payment.pk).update(
        review_reason=reason[:300], updated_at=timezone.now(), **fields
    )
    logger.warning("payment %s needs review: %s", payment.reference, reason)


@transaction.atomic
def payment_settle(
    *,
    payment_id: int,
    amount_minor: int | None,
    currency: str,
    payment_intent: str = "",
    provider_status: str = "",
) -> str:
    """The provider says the customer paid: mark the payment paid and the order paid
    (its "paid" update then tells the customer, once), exactly once however many times
    and in whatever order the webhook, its redeliveries and the reconcile task say it.

    Never paid: an amount or currency that differs from the payment (flagged for staff),
    a payment already refunded (a refund event came first). Money taken for an order
    cancelled meanwhile is refunded and flagged. Returns what happened, for the log."""
    payment = _lock(payment_id)
    intent = {"provider_payment_intent": payment_intent} if payment_intent else {}
    if payment.status == PaymentStatus.PAID:
        if payment_intent and not payment.provider_payment_intent:
            # Marked paid by hand while its checkout link was still open, then paid at
            # the provider too: the customer may have paid twice.
            _flag(
                payment,
                "Paid at the provider after it was marked paid by hand: check for a double "
                "payment and refund one",
                **intent,
            )
            return "already paid by hand: flagged"
        return "already paid"
    if payment.status in _REFUND_STATUSES:
        Payment.objects.filter(pk=payment.pk, provider_payment_intent="").update(**intent)
        return f"already {payment.status}: not marked paid"
    expected = to_minor_units(payment.amount, payment.currency)
    if amount_minor != expected or currency.upper() != payment.currency.upper():
        got = (
            f"{from_minor_units(amount_minor, currency)} {currency.upper()}"
            if amount_minor is not None
            else f"an unknown amount in {currency.upper() or 'an unknown currency'}"
        )
        _flag(
            payment,
            f"Paid {got} but the order is {payment.amount} {payment.currency}: not marked paid",
            provider_status=provider_status or "paid (mismatch)",
            **intent,
        )
        return "amount or currency mismatch: flagged"
    now = timezone.now()
    order_status = payment.order.status
    if payment.status == PaymentStatus.CANCELLED or order_status in _ORDER_ENDED:
        # Money for a cancelled order, or for a payment replaced by another one.
        _flag(
            payment,
            f"Paid after this payment was cancelled (order {order_status}): refund requested",
            status=PaymentStatus.REFUNDING,
            paid_at=now,
            provider_status=provider_status,
            **intent,
        )
        payment_task_enqueue_on_commit("payment_refund_task", payment.pk)
        return "paid after cancellation: refund requested"
    # PENDING, or EXPIRED/FAILED here when the provider completed it late: money taken.
    # Another open attempt of the order must not be paid too: its link is closed.
    others = Payment.objects.filter(order=payment.order, status=PaymentStatus.PENDING).exclude(
        pk=payment.pk
    )
    for other_id in others.exclude(provider_session_id=None).values_list("pk", flat=True):
        payment_task_enqueue_on_commit("payment_session_expire_task", other_id)
    others.update(status=PaymentStatus.CANCELLED, updated_at=now)
    Payment.objects.filter(pk=payment.pk).update(
        status=PaymentStatus.PAID,
        paid_at=now,
        provider_status=provider_status or "paid",
        updated_at=now,
        **intent,
    )
    if order_status == OrderStatus.PLACED:
        order_mark_paid(order=payment.order, actor=PROVIDER_ACTOR)
        return "paid"
    if order_status == OrderStatus.PAID:
        _flag(payment, "The order was already paid: check for a double payment and refund one")
        return "paid, order already paid: flagged"
    # Shipped or delivered before the card payment came (staff shipped it unpaid): the
    # payment is recorded; the order's status is already past "paid".
    return f"paid (order already {order_status})"


def payment_record_progress(
    *, payment_id: int, provider_status: str, payment_intent: str = ""
) -> str:
    """The checkout completed but the money is not settled yet (a delayed payment method):
    only the provider's status changes."""
    fields = {"provider_status": provider_status[:40], "updated_at": timezone.now()}
    if payment_intent:
        fields["provider_payment_intent"] = payment_intent
    Payment.objects.filter(pk=payment_id, status=PaymentStatus.PENDING).update(**fields)
    return "awaiting settlement"


def payment_expire(*, payment_id: int, session_id: str, failed: bool = False) -> str:
    """The link lapsed (or its delayed payment failed): a pending payment becomes expired
    (failed) and the customer can ask for a new link. Any other status is kept."""
    changed = Payment.objects.filter(
        pk=payment_id, status=PaymentStatus.PENDING, provider_session_id=session_id
    ).update(
        status=PaymentStatus.FAILED if failed else PaymentStatus.EXPIRED,
        provider_status="failed" if failed else "expired",
        updated_at=timezone.now(),
    )
    return ("failed" if failed else "expired") if changed else "not pending: kept"


@transaction.atomic
def payment_refund_recorded(
    *,
    payment_id: int,
    amount_minor: int | None,
    currency: str,
    refund_id: str = "",
    fully: bool = True,
    payment_intent: str = "",
) -> str:
    """The provider refunded money (our refund confirmed, or one made in its dashboard).
    Full: the payment is refunded; a later "paid" event for it changes nothing. A refund
    of a payment we never saw paid, or one staff did not ask for here, is flagged."""
    payment = _lock(payment_id)
    fields: dict = {"refund_status": "succeeded" if fully else "partial"}
    if amount_minor is not None:
        fields["refunded_amount"] = from_minor_units(amount_minor, currency or payment.currency)
    if refund_id and not payment.refund_id:
        fields["refund_id"] = refund_id
    if payment_intent and not payment.provider_payment_intent:
        fields["provider_payment_intent"] = payment_intent
    if fully:
        fields["status"] = PaymentStatus.REFUNDED
    if payment.status in {PaymentStatus.PENDING, PaymentStatus.EXPIRED, PaymentStatus.FAILED}:
        fields["review_reason"] = "Refunded at the provider before its payment was confirmed here"
    elif payment.status == PaymentStatus.PAID:
        fields["review_reason"] = (
            f"Refunded at the provider (not from this shop); the order is {payment.order.status}"
        )
    Payment.objects.filter(pk=payment.pk).update(updated_at=timezone.now(), **fields)
    return "refunded" if fully else "partially refunded"


# --- Refunds -----------------------------------------------------------------------------
def payment_refund_start(*, payment: Payment, actor: str) -> bool:
    """Staff ask for a paid provider payment's money back: it moves to "refund requested"
    and the refund is asked of the provider after commit. False if it was not paid
    (or is a manual payment, refunded by hand)."""
    with transaction.atomic():
        changed = (
            Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PAID)
            .exclude(provider="")
            .update(status=PaymentStatus.REFUNDING, updated_at=timezone.now())
        )
        if changed:
            logger.info("refund of %s requested by %s", payment.reference, actor)
            payment_task_enqueue_on_commit("payment_refund_task", payment.pk)
    return bool(changed)


def payment_refund_request(*, payment_id: int) -> str:
    """Ask the provider to refund a payment in "refund requested". Idempotent: the
    refund is keyed by the payment's reference, so a retry or a second run gets the same
    refund back. Raises ProviderUnavailable when worth retrying."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.status != PaymentStatus.REFUNDING:
        return f"{payment.status}: nothing to refund"
    if payment.refund_status == "succeeded":
        return "refunded before"
    provider = provider_get(payment.provider)
    if provider is None:
        raise ProviderNotConfigured(f"no provider {payment.provider!r} to refund through")
    if not payment.provider_payment_intent:
        _flag(payment, "No PaymentIntent recorded: refund it in the provider's dashboard")
        return "no payment intent: flagged"
    try:
        refund = provider.refund_create(
            payment_intent=payment.provider_payment_intent,
            amount_minor=to_minor_units(payment.amount, payment.currency),
            idempotency_key=f"refund-{payment.reference}",
            reason=f"order {payment.order.order_number} cancelled",
        )
    except PaymentProviderError as exc:
        if exc.retryable:
            raise
        _flag(payment, f"Refund refused: {exc}"[:300])
        return "refund refused: flagged"
    fields: dict = {"refund_id": refund.refund_id, "refund_status": refund.status[:40]}
    if refund.status == "succeeded":
        fields.update(
            status=PaymentStatus.REFUNDED,
            refunded_amount=from_minor_units(refund.amount_minor, payment.currency),
        )
    elif refund.status in {"failed", "canceled"}:
        fields["review_reason"] = f"Refund {refund.refund_id} {refund.status}"
    Payment.objects.filter(pk=payment.pk, status=PaymentStatus.REFUNDING).update(
        updated_at=timezone.now(), **fields
    )
    return f"refund {refund.status}"


def payment_session_expire(*, payment_id: int) -> str:
    """Close the checkout link of a payment cancelled, or marked paid by hand, so it can no
    longer be paid. If the customer paid just before, the confirmation arrives and is
    refunded or flagged (payment_settle)."""
    payment = Payment.objects.get(pk=payment_id)
    closable = payment.status == PaymentStatus.CANCELLED or (
        payment.status == PaymentStatus.PAID and not payment.provider_payment_intent
    )
    if not closable or not payment.provider_session_id:
        return "nothing to expire"
    provider = provider_get(payment.provider)
    if provider is None:
        return "no provider"
    try:
        session = provider.checkout_expire(payment.provider_session_id)
    except PaymentProviderError as exc:
        if exc.retryable:
            raise
        return f"not expired: {exc}"  # completed or expired already
    Payment.objects.filter(pk=payment.pk).update(
        provider_status=f"{session.status}/{session.payment_status}", updated_at=timezone.now()
    )
    return "expired"


# --- Reconciliation ----------------------------------------------------------------------
def payment_reconcile(*, payment_id: int) -> str:
    """Ask the provider about a payment a webhook should have settled: a paid session is
    settled (once, whoever is first), an expired one expires, a refund requested but
    never sent is sent."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.status == PaymentStatus.REFUNDING and not payment.refund_id:
        return payment_refund_request(payment_id=payment.pk)
    if payment.status != PaymentStatus.PENDING or not payment.provider_session_id:
        return "nothing to reconcile"
    provider = provider_get(payment.provider)
    if provider is None:
        return "no provider"
    session = provider.checkout_get(payment.provider_session_id)
    status = f"{session.status}/{session.payment_status}"
    if session.paid:
        return payment_settle(
            payment_id=payment.pk,
            amount_minor=session.amount_minor,
            currency=session.currency,
            payment_intent=session.payment_intent,
            provider_status=status,
        )
    if session.status == "expired":
        return payment_expire(payment_id=payment.pk, session_id=session.session_id)
    Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PENDING).update(
        provider_status=status, updated_at=timezone.now()
    )
    return status
