"""Payment writes: creating a payment for an order, marking it paid or cancelled, and
the provider's checkout links. What the provider reports afterwards (paid, expired,
refunded) is applied by `settlement`."""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .exceptions import PaymentNotPayable
from .models import Payment, PaymentKind, PaymentOption, PaymentStatus
from .money import AmountNotRepresentable, to_minor_units
from .providers import (
    CheckoutRequest,
    CheckoutSession,
    PaymentProviderError,
    provider_get,
    provider_name,
)

if TYPE_CHECKING:
    from orders.models import Order

logger = logging.getLogger(__name__)

# Stripe refuses a session that expires in less than 30 minutes; a link about to lapse
# is not worth sending either.
MIN_LINK_LIFETIME = timedelta(minutes=31)


def payment_create(
    *, order: Order, option: PaymentOption, amount: Decimal, currency: str
) -> Payment:
    """A pending payment for an order; the reference is what the customer quotes on a
    transfer and what a payment link carries."""
    existing = order.payments.filter(option=option, status=PaymentStatus.PENDING).first()
    if existing is not None:
        return existing
    attempt = order.payments.count() + 1
    return Payment.objects.create(
        order=order,
        option=option,
        amount=amount,
        currency=currency,
        reference=f"PAY-{order.order_number}-{attempt}",
        attempt=attempt,
        provider=provider_name() if option.kind == PaymentKind.PAYMENT_LINK else "",
    )


def payment_mark_paid(*, order: Order) -> int:
    """Mark the order's pending payments paid (staff confirmed the money by hand). Returns
    how many changed. An open checkout link of such a payment is closed after commit, so
    the customer cannot pay a second time."""
    pending = Payment.objects.filter(order=order, status=PaymentStatus.PENDING)
    for payment_id in pending.exclude(provider_session_id=None).values_list("pk", flat=True):
        payment_task_enqueue_on_commit("payment_session_expire_task", payment_id)
    return pending.update(
        status=PaymentStatus.PAID, paid_at=timezone.now(), updated_at=timezone.now()
    )


def payment_cancel(*, order: Order) -> None:
    """Cancel pending payments and refund paid ones (the order is being cancelled, under
    its row lock). Manual payments are only flagged "refunded" (staff return the money);
    provider payments move to "refund requested" and the refund is asked of the provider
    after commit (idempotent: one refund per payment, keyed by its reference), and open
    checkout links are expired so nobody pays a cancelled order."""
    now = timezone.now()
    pending = Payment.objects.filter(order=order, status=PaymentStatus.PENDING)
    open_links = list(pending.exclude(provider_session_id=None).values_list("pk", flat=True))
    pending.update(status=PaymentStatus.CANCELLED, updated_at=now)
    paid = Payment.objects.filter(order=order, status=PaymentStatus.PAID)
    to_refund = list(paid.exclude(provider="").values_list("pk", flat=True))
    paid.filter(provider="").update(status=PaymentStatus.REFUNDED, updated_at=now)
    paid.filter(pk__in=to_refund).update(status=PaymentStatus.REFUNDING, updated_at=now)
    for payment_id in to_refund:
        payment_task_enqueue_on_commit("payment_refund_task", payment_id)
    for payment_id in open_links:
        payment_task_enqueue_on_commit("payment_session_expire_task", payment_id)


def payment_task_enqueue_on_commit(task_name: str, payment_id: int) -> None:
    """Run `payments.tasks.<task_name>(payment_id)` after the commit; a broker outage is
    logged, and the reconcile sweep does the work later."""

    def enqueue() -> None:
        from . import tasks  # tasks import this module

        try:
            getattr(tasks, task_name).delay(payment_id)
        except Exception:  # a broker outage: the reconcile task picks it up
            logger.exception("could not enqueue %s for payment %s", task_name, payment_id)

    transaction.on_commit(enqueue)


# --- Checkout links ----------------------------------------------------------------------
def _link_usable(payment: Payment, now) -> bool:
    return bool(
        payment.provider_url
        and payment.expires_at
        and payment.expires_at > now + timedelta(minutes=2)
    )


def _payment_for_link(*, order: Order) -> Payment:
    """The order's payment to send a link for: the pending one, or a new attempt when the
    last one lapsed or failed. Under the order's row lock, so two concurrent requests
    (a retried Confirm, two taps) agree on one payment."""
    from orders.models import Order, OrderStatus

    now = timezone.now()
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status != OrderStatus.PLACED:
            raise PaymentNotPayable(locked.order_number, locked.get_status_display())
        payment = (
            Payment.objects.select_for_update()
            .filter(order=locked, status=PaymentStatus.PENDING)
            .order_by("-attempt", "-id")
            .first()
        )
        lapsed = payment is not None and (
            (payment.provider_session_id and not _link_usable(payment, now))
            # No session stored, but a request for one may have reached the provider under
            # this attempt's key with this expiry: a later expiry needs a new attempt.
            or (
                not payment.provider_session_id
                and payment.expires_at is not None
                and payment.expires_at < now + MIN_LINK_LIFETIME
            )
        )
        if lapsed:
            # Its link lapsed (the expiry webhook may still be on its way).
            Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PENDING).update(
                status=PaymentStatus.EXPIRED, updated_at=now
            )
            payment = None
        if payment is None:
            attempt = locked.payments.count() + 1
            payment = Payment.objects.create(
                order=locked,
                option=locked.payment_option,
                amount=locked.total,
                currency=locked.currency,
                reference=f"PAY-{locked.order_number}-{attempt}",
                attempt=attempt,
                provider=provider_name(),
            )
        if payment.provider_session_id is None and payment.expires_at is None:
            # The session's expiry is fixed once per attempt, before the provider is
            # called: a retried call then sends the very same request under the same
            # idempotency key and gets the same session back.
            payment.expires_at = now + timedelta(minutes=settings.STRIPE_SESSION_EXPIRY_MINUTES)
            payment.provider = provider_name()
            payment.save(update_fields=["expires_at", "provider", "updated_at"])
        return payment


def payment_checkout_link(*, order: Order) -> Payment | None:
    """The payment whose `provider_url` the customer should open to pay `order` by card,
    creating the provider's checkout session when needed; None when no provider is
    configured or the order's option is not a payment link (today's behaviour applies).

    Idempotent: a retried Confirm or a second tap returns the same open session (one
    idempotency key per order and attempt). After a link lapsed, a new attempt gets a new
    session. Raises PaymentNotPayable (order paid or cancelled) and PaymentProviderError."""
    provider = provider_get()
    if provider is None or order.payment_option.kind != PaymentKind.PAYMENT_LINK:
        return None
    payment = _payment_for_link(order=order)
    if _link_usable(payment, timezone.now()):
        return payment
    try:
        amount_minor = to_minor_units(payment.amount, payment.currency)
    except AmountNotRepresentable as exc:
        # A catalog price the currency cannot hold (10.50 JPY): staff must fix the price.
        logger.error("no checkout link for %s: %s", payment.reference, exc)
        raise PaymentProviderError(str(exc)) from exc
    session = provider.checkout_create(
        CheckoutRequest(
            reference=payment.reference,
            order_number=order.order_number,
            amount_minor=amount_minor,
            currency=payment.currency.upper(),
            description=f"Order {order.order_number}",
            idempotency_key=f"checkout-{order.order_number}-{payment.attempt}",
            expires_at=payment.expires_at,
            customer_phone=order.contact_phone,
        )
    )
    _session_store(payment=payment, session=session)
    payment.refresh_from_db()
    return payment


def _session_store(*, payment: Payment, session: CheckoutSession) -> None:
    try:
        with transaction.atomic():
            Payment.objects.filter(pk=payment.pk, provider_session_id=None).update(
                provider_session_id=session.session_id,
                provider_url=session.url,
                provider_status=f"{session.status}/{session.payment_status}",
                expires_at=session.expires_at or payment.expires_at,
                updated_at=timezone.now(),
            )
    except IntegrityError:
        # The same session stored by a concurrent call for this payment is fine; for
        # another payment it would be a provider bug.
        if not Payment.objects.filter(
            pk=payment.pk, provider_session_id=session.session_id
        ).exists():
            raise
