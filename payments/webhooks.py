"""Provider webhook events: stored once by the provider's event id (a redelivery is a
no-op, like the WhatsApp inbox), processed after commit by a Celery task, idempotently.
What each event means is the provider's to say (`webhook_interpret`); what it does to a
payment is `services`'."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import PaymentEvent
from .providers import ProviderUpdate, UpdateKind, WebhookEvent, provider_get
from .selectors import payment_find
from .settlement import (
    payment_expire,
    payment_record_progress,
    payment_refund_recorded,
    payment_settle,
)

logger = logging.getLogger(__name__)


def payment_event_record(*, provider: str, event: WebhookEvent) -> tuple[PaymentEvent, bool]:
    """Store a verified event once; True when it is new (then it is processed after
    commit). A redelivery finds the stored event and changes nothing."""
    try:
        with transaction.atomic():
            stored = PaymentEvent.objects.create(
                provider=provider,
                event_id=event.event_id,
                event_type=event.event_type,
                payload=event.payload,
                provider_created_at=event.created,
            )
    except IntegrityError:
        return PaymentEvent.objects.get(event_id=event.event_id), False
    payment_event_enqueue_on_commit(event_pk=stored.pk)
    return stored, True


def payment_event_enqueue_on_commit(*, event_pk: int) -> None:
    def enqueue() -> None:
        from .tasks import payment_event_process_task

        try:
            payment_event_process_task.delay(event_pk)
        except Exception:  # the broker is down: the reconcile sweep enqueues it again
            logger.exception("could not enqueue payment event %s", event_pk)

    transaction.on_commit(enqueue)


def _payment_for(update: ProviderUpdate, provider_name: str):
    payment = payment_find(
        reference=update.reference,
        session_id=update.session_id,
        payment_intent=update.payment_intent,
    )
    if payment is None and update.payment_intent and update.kind == UpdateKind.REFUNDED:
        # A refund that came before the payment's own confirmation (delivery order is not
        # guaranteed): the PaymentIntent's metadata names our reference.
        provider = provider_get(provider_name)
        if provider is not None:
            metadata = provider.payment_intent_metadata(update.payment_intent)
            payment = payment_find(reference=metadata.get("payment_reference", ""))
    return payment


def payment_event_process(*, event_pk: int) -> str:
    """Apply one stored event to its payment, once. Safe to run twice: a processed event
    is skipped, and every service it calls is idempotent. Raises ProviderUnavailable when
    a provider lookup should be retried."""
    stored = PaymentEvent.objects.get(pk=event_pk)
    if stored.processed_at is not None:
        return "processed before"
    provider = provider_get(stored.provider)
    if provider is None:
        outcome, payment = f"provider {stored.provider!r} is not configured", None
    else:
        obj = (stored.payload.get("data") or {}).get("object") or {}
        update = provider.webhook_interpret(
            WebhookEvent(
                event_id=stored.event_id,
                event_type=stored.event_type,
                created=stored.provider_created_at,
                obj=obj,
                payload=stored.payload,
            )
        )
        payment = (
            None if update.kind == UpdateKind.IGNORED else _payment_for(update, stored.provider)
        )
        if update.kind == UpdateKind.IGNORED:
            outcome = "ignored"
        elif payment is None:
            outcome = "no payment matches this event"
            logger.warning("%s %s matches no payment", stored.event_type, stored.event_id)
        else:
            outcome = _apply(update, payment.pk)
    PaymentEvent.objects.filter(pk=stored.pk, processed_at__isnull=True).update(
        processed_at=timezone.now(), outcome=outcome[:300], payment=payment
    )
    return outcome


def _apply(update: ProviderUpdate, payment_id: int) -> str:
    if update.kind == UpdateKind.PAID:
        return payment_settle(
            payment_id=payment_id,
            amount_minor=update.amount_minor,
            currency=update.currency,
            payment_intent=update.payment_intent,
            provider_status=update.provider_status,
        )
    if update.kind == UpdateKind.PAYMENT_PENDING:
        return payment_record_progress(
            payment_id=payment_id,
            provider_status=update.provider_status,
            payment_intent=update.payment_intent,
        )
    if update.kind in {UpdateKind.EXPIRED, UpdateKind.FAILED}:
        return payment_expire(
            payment_id=payment_id,
            session_id=update.session_id,
            failed=update.kind == UpdateKind.FAILED,
        )
    if update.kind == UpdateKind.REFUNDED:
        return payment_refund_recorded(
            payment_id=payment_id,
            amount_minor=update.amount_minor,
            currency=update.currency,
            refund_id=update.refund_id,
            fully=update.fully_refunded,
            payment_intent=update.payment_intent,
        )
    return "ignored"
