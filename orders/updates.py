"""Order updates to the customer: the shipment details staff enter when shipping, and the
record of which status updates were sent (`OrderUpdate`, one per order and status).

The sending itself is message_bus's (`message_bus.order_updates`), which listens to
`order_placed` / `order_status_changed`; this module holds the writes it needs here.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from .models import Order, OrderStatus, OrderUpdate, OrderUpdateOutcome
from .services import order_transition

PENDING_REASON = "being sent"


@transaction.atomic
def order_ship_with_tracking(
    *,
    order: Order,
    carrier: str = "",
    tracking_number: str = "",
    tracking_url: str = "",
    actor: str = "staff",
) -> Order:
    """Record the shipment's carrier and tracking, then move the order to shipped, in one
    transaction: the "shipped" update (sent after commit) carries them. Raises
    InvalidTransition like `order_transition`, leaving the order unchanged."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    locked.carrier = carrier.strip()[:80]
    locked.tracking_number = tracking_number.strip()[:80]
    locked.tracking_url = tracking_url.strip()[:500]
    locked.save(update_fields=["carrier", "tracking_number", "tracking_url", "updated_at"])
    note = " ".join(part for part in (locked.carrier, locked.tracking_number) if part)
    shipped = order_transition(order=locked, to_status=OrderStatus.SHIPPED, actor=actor, note=note)
    order.status = shipped.status
    order.carrier, order.tracking_number = locked.carrier, locked.tracking_number
    order.tracking_url = locked.tracking_url
    return shipped


def order_update_claim(*, order_id: int, status: str) -> OrderUpdate | None:
    """Claim the one update of `order_id` reaching `status`: the new row, or None when it
    was claimed before (a retried task, a duplicate signal). Call it inside the transaction
    that also writes the outbound message: both commit together or neither does, so a
    crash before the commit leaves nothing claimed, and after it the message is stored and
    the outbox sends it. A concurrent claim waits on the unique index and gets None."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("order_update_claim must run inside the sending transaction")
    try:
        with transaction.atomic():
            return OrderUpdate.objects.create(
                order_id=order_id,
                status=status,
                outcome=OrderUpdateOutcome.NOT_SENT,
                reason=PENDING_REASON,
            )
    except IntegrityError:
        return None


def order_update_record(
    *, update: OrderUpdate, outcome: str, reason: str = "", message_id: int | None = None
) -> OrderUpdate:
    """What became of a claimed update: sent free-form, as a template, or not sent (why)."""
    update.outcome = outcome
    update.reason = reason[:300]
    update.message_id = message_id
    update.save(update_fields=["outcome", "reason", "message"])
    return update
