"""Beat housekeeping of carts: one reminder for idle carts, abandonment of stale ones.

Both tasks are idempotent (conditional updates) and safe to run on several workers at once.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from conversation_log.exceptions import OutboundUnavailable
from conversation_log.models import TemplatePurpose
from conversation_log.proactive import outbound_proactive_send, proactive_sender
from project_core.task_policy import shop_task

from .selectors import cart_get_by_id, cart_ids_due_reminder, cart_ids_idle
from .services import cart_abandon, cart_claim_reminder

logger = logging.getLogger(__name__)


@shop_task(name="orders.cart_abandon_idle", soft_time_limit=240, time_limit=300)
def cart_abandon_idle_task() -> dict[str, int]:
    """Close open carts idle for ABANDONED_CART_DAYS. Stock is only taken when an order is
    placed, so an abandoned cart holds no reservation to release."""
    before = timezone.now() - timedelta(days=settings.ABANDONED_CART_DAYS)
    candidates = cart_ids_idle(before=before)
    abandoned = sum(cart_abandon(cart_id=cart_id) for cart_id in candidates)
    logger.info(
        "abandoned %d of %d idle carts",
        abandoned,
        len(candidates),
        extra={"abandoned": abandoned, "candidates": len(candidates)},
    )
    return {"abandoned": abandoned, "candidates": len(candidates)}


@shop_task(name="orders.cart_remind_idle", soft_time_limit=240, time_limit=300)
def cart_remind_idle_task() -> dict[str, int]:
    """Send the one reminder of an idle spell to carts idle for CART_REMINDER_HOURS, by the
    proactive rule (conversation_log.proactive): only to customers who agreed to marketing
    messages, free-form inside the 24-hour window, the approved `cart_reminder` template
    outside it. A cart that cannot be reminded now (no consent, no template) is left
    unclaimed for a later run.

    The reminder is claimed (Cart.reminder_sent_at) before it is sent, so a cart is never
    reminded twice even when two runs overlap.
    """
    now = timezone.now()
    summary = {"reminded": 0, "waiting": 0, "candidates": 0}
    try:
        proactive_sender()
    except OutboundUnavailable as exc:
        logger.warning("cart reminders skipped: %s", exc)
        return summary
    candidates = cart_ids_due_reminder(
        idle_before=now - timedelta(hours=settings.CART_REMINDER_HOURS),
        not_before=now - timedelta(days=settings.ABANDONED_CART_DAYS),
    )
    summary["candidates"] = len(candidates)
    for cart_id in candidates:
        cart = cart_get_by_id(cart_id=cart_id)
        if cart is None:
            continue
        customer = cart.customer
        reminder = {
            "customer": customer,
            "purpose": TemplatePurpose.CART_REMINDER,
            "text": _reminder_text,
            "values": {
                "customer_name": customer.profile_name,
                "cart_items": str(cart.items.count()),
            },
        }
        if not outbound_proactive_send(**reminder, dry_run=True).sent:
            summary["waiting"] += 1
            continue
        if not cart_claim_reminder(cart_id=cart_id):
            continue
        if outbound_proactive_send(**reminder).sent:
            summary["reminded"] += 1
    logger.info(
        "cart reminders: %(reminded)d sent, %(waiting)d waiting (no marketing consent, or "
        "outside the 24-hour window without an approved template), %(candidates)d candidates",
        summary,
        extra=summary,
    )
    return summary


def _reminder_text() -> str:
    return gettext(
        "Your cart is still saved. Send us a message whenever you are ready to check out."
    )
