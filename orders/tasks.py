"""Beat housekeeping of carts: one reminder for idle carts, abandonment of stale ones.

Both tasks are idempotent (conditional updates) and safe to run on several workers at once.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from conversation_log.exceptions import OutboundUnavailable
from conversation_log.outbound import outbound_sender, outbound_text_send
from project_core.task_policy import shop_task
from users.selectors import customer_in_service_window

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
    """Send the one reminder of an idle spell to carts idle for CART_REMINDER_HOURS, only
    while the customer's 24-hour window is open and they have not opted out.

    The reminder is claimed (Cart.reminder_sent_at) before it is sent, so a cart is never
    reminded twice even when two runs overlap.
    """
    now = timezone.now()
    summary = {"reminded": 0, "outside_window": 0, "candidates": 0}
    try:
        outbound_sender()
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
        if not customer_in_service_window(customer=customer):
            summary["outside_window"] += 1
            continue
        if not cart_claim_reminder(cart_id=cart_id):
            continue
        with translation.override(customer.language):
            text = gettext(
                "Your cart is still saved. Send us a message whenever you are ready to check out."
            )
        outbound_text_send(customer=customer, text=text)
        summary["reminded"] += 1
    logger.info(
        "cart reminders: %(reminded)d sent, %(outside_window)d outside the 24-hour window, "
        "%(candidates)d candidates",
        summary,
        extra=summary,
    )
    return summary
