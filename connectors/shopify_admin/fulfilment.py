"""Fulfilment and cancellation coming back from Shopify move the local order through the
orders services (`order_ship_with_tracking`, `order_deliver`, `order_cancel`), whose
status signals send the customer's order update after commit.

Out-of-order deliveries cannot move an order backwards: the status pipeline only goes
forward, so a late "shipped" after "delivered" is refused by the pipeline and recorded.
"""

from __future__ import annotations

import logging
from typing import Any

from orders.exceptions import InvalidTransition
from orders.models import Order, OrderStatus
from orders.services import order_cancel, order_deliver
from orders.updates import order_ship_with_tracking

from .models import OrderPush
from .order_cancel_push import order_cancel_confirmed_by_shopify, order_cancel_from_shopify

logger = logging.getLogger(__name__)

ACTOR = "shopify"
# Shopify fulfilment statuses that mean the parcel left; the rest (pending, open,
# cancelled, error, failure) do not ship anything.
SHIPPED_STATUSES = frozenset({"success"})
DELIVERED = "delivered"


def _local_order(shopify_order_id: Any) -> Order | None:
    if not isinstance(shopify_order_id, int):
        raise ValueError("payload without an integer Shopify order id")
    push = (
        OrderPush.objects.select_related("order").filter(shopify_order_id=shopify_order_id).first()
    )
    return push.order if push else None


def _tracking(fulfilment: dict[str, Any]) -> tuple[str, str, str]:
    """(carrier, number, https URL) of a fulfilment; the customer only gets https links."""
    numbers = fulfilment.get("tracking_numbers") or []
    urls = fulfilment.get("tracking_urls") or []
    number = fulfilment.get("tracking_number") or (numbers[0] if numbers else "")
    url = fulfilment.get("tracking_url") or (urls[0] if urls else "")
    url = url if isinstance(url, str) and url.startswith("https://") else ""
    return str(fulfilment.get("tracking_company") or ""), str(number or ""), url


def _latest_fulfilment(payload: dict[str, Any]) -> dict[str, Any] | None:
    """`orders/fulfilled` carries the order with its fulfilments: the newest successful one."""
    done = [
        f
        for f in payload.get("fulfillments") or []
        if isinstance(f, dict) and f.get("status") in SHIPPED_STATUSES
    ]
    return max(done, key=lambda f: (str(f.get("updated_at") or ""), f.get("id") or 0), default=None)


def fulfilment_webhook_apply(*, topic: str, payload: dict[str, Any]) -> str:
    """`orders/fulfilled`, `fulfillments/create|update`: ship the local order with the
    carrier and tracking (the customer's "shipped" update carries them), and deliver it
    when Shopify's shipment status says delivered. Returns what was done."""
    if topic == "orders/fulfilled":
        order = _local_order(payload.get("id"))
        fulfilment = _latest_fulfilment(payload)
    else:
        order = _local_order(payload.get("order_id"))
        fulfilment = payload
    if order is None:
        return "not an order pushed from here"
    if fulfilment is None:
        return "no successful fulfilment"
    shipment = fulfilment.get("shipment_status")
    if fulfilment.get("status") not in SHIPPED_STATUSES and shipment != DELIVERED:
        return f"fulfilment {fulfilment.get('status')!r}: nothing shipped yet"
    done = []
    try:
        if order.status in (OrderStatus.PLACED, OrderStatus.PAID):
            carrier, number, url = _tracking(fulfilment)
            order = order_ship_with_tracking(
                order=order,
                carrier=carrier,
                tracking_number=number,
                tracking_url=url,
                actor=ACTOR,
            )
            done.append("shipped")
        if shipment == DELIVERED and order.status == OrderStatus.SHIPPED:
            order = order_deliver(order=order, actor=ACTOR)
            done.append("delivered")
    except InvalidTransition as exc:
        # e.g. cancelled here before Shopify fulfilled it: staff have to look.
        logger.warning("Shopify fulfilment of %s not applied: %s", order.order_number, exc)
        return f"refused: {exc}"
    return f"{order.order_number}: {', '.join(done) or f'already {order.status}'}"


def order_cancelled_webhook_apply(*, payload: dict[str, Any]) -> str:
    """`orders/cancelled`: cancel the local order (stock and payment as the orders service
    does), unless it already moved past cancelling (shipped). The cancellation is marked
    as Shopify's in the same transaction, so it is never sent back to Shopify; one made
    here whose confirmation was lost is settled by this webhook."""
    order = _local_order(payload.get("id"))
    if order is None:
        return "not an order pushed from here"
    if order.status == OrderStatus.CANCELLED:
        order_cancel_confirmed_by_shopify(order_id=order.pk)
        return f"{order.order_number}: already cancelled"
    if not order.can_move_to(OrderStatus.CANCELLED):
        logger.warning("Shopify cancelled %s but it is %s here", order.order_number, order.status)
        return f"refused: {order.order_number} is {order.status}"
    reason = str(payload.get("cancel_reason") or "")
    order_cancel_from_shopify(order_id=order.pk)
    order_cancel(order=order, actor=ACTOR, note=f"cancelled in Shopify {reason}".strip())
    return f"{order.order_number}: cancelled"
