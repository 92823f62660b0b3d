"""Tell the customer when their order moves: placed, paid, shipped (carrier, tracking),
delivered, cancelled, refunded. One message per transition, exactly once.

`order_placed` / `order_status_changed` (sent on commit by orders.services) enqueue
`order_update_send_task`. The task claims the update (`OrderUpdate`, unique per order and
status) and composes the message in one transaction, by the proactive rule. A retried task,
a duplicated signal or a worker that died after the commit finds the claim and sends
nothing more; a worker that died before the commit left nothing, and the retry sends it.
From the commit on, the outbox owns delivery (queued → sending → sent).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from conversation_log.models import TemplatePurpose
from orders.models import Order, OrderStatus, OrderUpdate, OrderUpdateOutcome
from orders.selectors import order_updates_missing
from orders.updates import order_update_claim, order_update_record
from payments.selectors import payment_for_order
from project_core.task_policy import shop_task

from .proactive import FREE_FORM, TEMPLATE, Cta, proactive_send
from .templates import Money

logger = logging.getLogger(__name__)

PURPOSES: dict[str, str] = {
    OrderStatus.PLACED: TemplatePurpose.ORDER_PLACED,
    OrderStatus.PAID: TemplatePurpose.ORDER_PAID,
    OrderStatus.SHIPPED: TemplatePurpose.ORDER_SHIPPED,
    OrderStatus.DELIVERED: TemplatePurpose.ORDER_DELIVERED,
    OrderStatus.CANCELLED: TemplatePurpose.ORDER_CANCELLED,
    OrderStatus.REFUNDED: TemplatePurpose.ORDER_REFUNDED,
}
# The actor orders.services records for what the customer does in the chat.
CUSTOMER_ACTOR = "customer"
_OUTCOMES = {FREE_FORM: OrderUpdateOutcome.FREE_FORM, TEMPLATE: OrderUpdateOutcome.TEMPLATE}


def _payment_link(order: Order) -> str:
    payment = payment_for_order(order=order)
    return payment.link() if payment is not None else ""


def _text(order: Order, status: str) -> Callable[[], str]:
    """The free-form update, built when called (in the customer's language)."""

    def build() -> str:
        values = {
            "number": order.order_number,
            "total": f"{order.total:.2f} {order.currency}",
            "carrier": order.carrier,
            "tracking": order.tracking_number,
        }
        if status == OrderStatus.PLACED:
            text = gettext("Thank you! Your order %(number)s is placed. Total: %(total)s.")
        elif status == OrderStatus.PAID:
            text = gettext("We received your payment for order %(number)s. We are preparing it.")
        elif status == OrderStatus.SHIPPED:
            if order.carrier and order.tracking_number:
                text = gettext(
                    "Your order %(number)s is on its way with %(carrier)s. "
                    "Tracking number: %(tracking)s."
                )
            elif order.carrier:
                text = gettext("Your order %(number)s is on its way with %(carrier)s.")
            else:
                text = gettext("Your order %(number)s is on its way.")
        elif status == OrderStatus.DELIVERED:
            text = gettext("Your order %(number)s was delivered. Enjoy!")
        elif status == OrderStatus.CANCELLED:
            text = gettext("Your order %(number)s was cancelled.")
        else:
            text = gettext("Your order %(number)s was refunded: %(total)s.")
        return text % values

    return build


def _cta(order: Order, status: str, payment_link: str) -> Cta | None:
    if status == OrderStatus.SHIPPED and order.tracking_url:
        return Cta(label=gettext("Track order"), url=order.tracking_url)
    if status == OrderStatus.PLACED and payment_link:
        return Cta(label=gettext("Pay now"), url=payment_link)
    return None


def _values(order: Order, payment_link: str) -> dict[str, Any]:
    return {
        "order_number": order.order_number,
        "customer_name": order.contact_name or order.customer.profile_name,
        "order_total": Money(amount=order.total, currency=order.currency),
        "order_status": order.get_status_display(),
        "carrier": order.carrier,
        "tracking_number": order.tracking_number,
        "tracking_url_suffix": order.tracking_url,
        "payment_url_suffix": payment_link,
    }


def order_update_send(*, order_id: int, status: str) -> OrderUpdate | None:
    """Send the update for `order_id` reaching `status`, once: the claimed and recorded
    OrderUpdate, or None when it was sent before (or the order never reached `status`)."""
    if status not in PURPOSES:
        return None
    with transaction.atomic():
        order = Order.objects.select_related("customer").filter(pk=order_id).first()
        if order is None or not order.events.filter(to_status=status).exists():
            logger.warning("no %s update for order %s: it never reached it", status, order_id)
            return None
        update = order_update_claim(order_id=order.pk, status=status)
        if update is None:
            logger.info("the %s update of order %s was sent before", status, order_id)
            return None
        event = order.events.filter(to_status=status).order_by("-created_at", "-id").first()
        if event is not None and event.actor == CUSTOMER_ACTOR:
            # Placed or cancelled by the customer in the chat: the chat's own answer (with
            # the payment link) told them; a second message would repeat it.
            return order_update_record(update=update, outcome=OrderUpdateOutcome.IN_CHAT)
        payment_link = _payment_link(order) if status == OrderStatus.PLACED else ""
        with translation.override(order.customer.language):
            cta = _cta(order, status, payment_link)
        result = proactive_send(
            customer=order.customer,
            purpose=PURPOSES[status],
            text=_text(order, status),
            values=_values(order, payment_link),
            cta=cta,
        )
        return order_update_record(
            update=update,
            outcome=_OUTCOMES.get(result.outcome, OrderUpdateOutcome.NOT_SENT),
            reason=result.reason,
            message_id=result.messages[-1].pk if result.messages else None,
        )


@shop_task(name="message_bus.order_update_send", max_retries=5)
def order_update_send_task(order_id: int, status: str) -> bool:
    """Send one order update (idempotent: a second run finds it sent). True if sent now."""
    return order_update_send(order_id=order_id, status=status) is not None


def order_update_enqueue(*, order_id: int, status: str) -> None:
    """Signal receivers' end: enqueue the send. They run after the order's commit, in the
    request that moved it, so a broker outage is logged, never raised at staff."""
    try:
        order_update_send_task.delay(order_id, status)
    except Exception:
        logger.exception("could not enqueue the %s update of order %s", status, order_id)


# The sweep leaves a move this long to its own task (queued, retrying) before it
# re-enqueues the update, and gives up on moves older than the window (a "shipped" sent
# days late would mislead more than it tells).
SWEEP_GRACE = timedelta(minutes=2)
SWEEP_WINDOW = timedelta(hours=48)


@shop_task(name="message_bus.order_updates_sweep")
def order_updates_sweep() -> int:
    """Beat: enqueue the updates of status moves whose send was never recorded (the
    broker was down when the order moved, or the task died with its worker). Sending is
    idempotent (one OrderUpdate per order and status), so a duplicate is harmless."""
    now = timezone.now()
    missing = order_updates_missing(
        statuses=list(PURPOSES), since=now - SWEEP_WINDOW, before=now - SWEEP_GRACE
    )
    for order_id, status in missing:
        order_update_enqueue(order_id=order_id, status=status)
    if missing:
        logger.warning("re-enqueued %d order updates never sent", len(missing))
    return len(missing)


def on_order_placed(sender: Any, *, order_id: int, **kwargs: Any) -> None:
    order_update_enqueue(order_id=order_id, status=OrderStatus.PLACED)


def on_order_status_changed(sender: Any, *, order_id: int, status: str, **kwargs: Any) -> None:
    order_update_enqueue(order_id=order_id, status=status)
