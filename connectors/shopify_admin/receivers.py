"""Listeners at the orders seam: an order placed on WhatsApp is queued for Shopify, and
its payment and cancellation follow it there."""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError, transaction

from orders.models import OrderStatus

from .models import OrderPush, PushStatus
from .order_cancel_push import order_cancel_push_request
from .order_push import order_push_request
from .tasks import enqueue_order_cancel_push, enqueue_order_payment_push, enqueue_order_push

logger = logging.getLogger(__name__)


def on_order_placed(sender: Any, order_id: int, **kwargs: Any) -> None:
    """`order_placed` arrives after the order's commit; the push row is written now and
    the task enqueued after this write commits."""
    try:
        due = order_push_request(order_id=order_id)
    except DatabaseError:
        # Not raised into the signal: the other listeners (the customer's confirmation)
        # must still run. Staff see the order without a push row in admin.
        logger.exception("could not record the Shopify push of order %s", order_id)
        return
    if due:
        transaction.on_commit(lambda: enqueue_order_push(order_id))


def on_order_status_changed(sender: Any, order_id: int, status: str, **kwargs: Any) -> None:
    """A pushed order paid here is marked paid in Shopify, one cancelled here is cancelled
    there (each after this commit)."""
    if status == OrderStatus.CANCELLED:
        _on_order_cancelled(order_id)
        return
    if status != OrderStatus.PAID:
        return
    if OrderPush.objects.filter(
        order_id=order_id, status=PushStatus.PUSHED, paid_pushed_at__isnull=True
    ).exists():
        transaction.on_commit(lambda: enqueue_order_payment_push(order_id))


def _on_order_cancelled(order_id: int) -> None:
    try:
        due = order_cancel_push_request(order_id=order_id)
    except DatabaseError:
        # Not raised into the signal (the customer's update must still go out); staff see
        # the order cancelled here and open in Shopify.
        logger.exception("could not record the Shopify cancellation of order %s", order_id)
        return
    if due == "cancel":
        transaction.on_commit(lambda: enqueue_order_cancel_push(order_id))
    elif due == "push":
        transaction.on_commit(lambda: enqueue_order_push(order_id))
