"""Payment tasks: process a stored webhook event, ask for a refund, close a cancelled
payment's link, and the reconcile beat sweep. Each calls one service and is idempotent."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from project_core.task_policy import shop_task

from .providers import PaymentProviderError, ProviderUnavailable
from .selectors import payment_event_ids_unprocessed, payment_ids_to_reconcile
from .settlement import (
    payment_reconcile,
    payment_refund_request,
    payment_session_expire,
)
from .webhooks import payment_event_process

logger = logging.getLogger(__name__)

# A stored event not processed after this long lost its task (the broker was down).
EVENT_SWEEP_AFTER = timedelta(minutes=2)


@shop_task(
    name="payments.process_event",
    autoretry_for=(ProviderUnavailable,),
    max_retries=8,
    soft_time_limit=60,
    time_limit=90,
)
def payment_event_process_task(event_pk: int) -> str:
    """Apply one stored provider event (skipped when processed before)."""
    return payment_event_process(event_pk=event_pk)


@shop_task(
    name="payments.refund",
    autoretry_for=(ProviderUnavailable,),
    max_retries=8,
    soft_time_limit=60,
    time_limit=90,
)
def payment_refund_task(payment_id: int) -> str:
    """Ask the provider for the refund of a payment in "refund requested" (idempotent)."""
    return payment_refund_request(payment_id=payment_id)


@shop_task(
    name="payments.expire_session",
    autoretry_for=(ProviderUnavailable,),
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def payment_session_expire_task(payment_id: int) -> str:
    """Close the checkout link of a cancelled payment."""
    return payment_session_expire(payment_id=payment_id)


@shop_task(name="payments.reconcile", soft_time_limit=240, time_limit=300)
def payment_reconcile_task() -> dict[str, int]:
    """Beat: settle provider payments pending longer than PAYMENTS_RECONCILE_AFTER_MINUTES
    from the provider's own record (a webhook was missed), send refunds that were never
    sent, and re-enqueue stored events whose task was lost."""
    now = timezone.now()
    summary = {"checked": 0, "paid": 0, "errors": 0, "events": 0}
    for event_pk in payment_event_ids_unprocessed(received_before=now - EVENT_SWEEP_AFTER):
        payment_event_process_task.delay(event_pk)
        summary["events"] += 1
    before = now - timedelta(minutes=settings.PAYMENTS_RECONCILE_AFTER_MINUTES)
    for payment_id in payment_ids_to_reconcile(created_before=before):
        summary["checked"] += 1
        try:
            outcome = payment_reconcile(payment_id=payment_id)
        except PaymentProviderError as exc:
            summary["errors"] += 1
            logger.warning("reconciling payment %s failed: %s", payment_id, exc)
            continue
        if outcome == "paid":
            summary["paid"] += 1
    logger.info("payments reconciled: %(checked)d checked, %(paid)d paid", summary, extra=summary)
    return summary
