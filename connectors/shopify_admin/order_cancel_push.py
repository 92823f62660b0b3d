"""Orders cancelled here (the customer in the chat, staff in admin) are cancelled in
Shopify too (GraphQL `orderCancel`), once.

`order_status_changed` to cancelled (after the cancel's commit) records the request on the
order's `OrderPush` (`cancel_status` pending) and, once the order is in Shopify, enqueues
`order_cancel_push_task` after that commit. Nothing is sent back when Shopify's own
`orders/cancelled` webhook did the cancelling (fulfilment marks the push "from Shopify" in
the same transaction), nor for an order that never reached Shopify (its push is skipped).

Exactly once, as for the create: the cancel is claimed by a conditional update (one worker
at a time, a lease the sweep can take over), the mutation is not retried by the client, and
every attempt after the first asks Shopify whether the order is cancelled already before
sending it again.

What is asked of Shopify: restock, because the local cancel returned our stock and Shopify's
stock was decremented by the pushed order; left alone, the next sync or inventory webhook
would bring Shopify's lower figure back here. No refund and no customer notification: money
is taken and refunded by our payments app (a Shopify order pushed as paid holds no real
transaction to refund), and the customer hears from us on WhatsApp.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from orders.models import Order, OrderStatus

from .client import ShopifyAuthError, ShopifyClient, ShopifyError
from .models import CancelPushStatus, OrderPush, PushStatus
from .order_push import LEASE, RETRY_LEASE, PushRetryable

logger = logging.getLogger(__name__)

# `refundMethod` replaced the `refund` flag in API version 2025-07.
REFUND_METHOD_SINCE = "2025-07"
# OrderCancelUserErrorCode values a later attempt may not meet; the rest are refusals.
RETRYABLE_CODES = frozenset({"INTERNAL_ERROR"})
ERROR_PREFIX = "cancelling: "

ORDER_CANCEL = """
mutation OrderCancel($orderId: ID!, $reason: OrderCancelReason!, $restock: Boolean!,
                     $notifyCustomer: Boolean, $staffNote: String,
                     $refundMethod: OrderCancelRefundMethodInput!) {
  orderCancel(orderId: $orderId, reason: $reason, restock: $restock,
              notifyCustomer: $notifyCustomer, staffNote: $staffNote,
              refundMethod: $refundMethod) {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}
"""

# Before 2025-07: the same with the `refund` flag.
ORDER_CANCEL_LEGACY = """
mutation OrderCancel($orderId: ID!, $reason: OrderCancelReason!, $restock: Boolean!,
                     $notifyCustomer: Boolean, $staffNote: String, $refund: Boolean!) {
  orderCancel(orderId: $orderId, reason: $reason, restock: $restock,
              notifyCustomer: $notifyCustomer, staffNote: $staffNote, refund: $refund) {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}
"""

ORDER_CANCELLED_AT = """
query OrderCancelledAt($id: ID!) {
  order(id: $id) { id cancelledAt }
}
"""


def order_cancel_push_request(*, order_id: int) -> str:
    """Record that the local cancellation of `order_id` is to be sent to Shopify. Returns
    the task now due: "cancel" (the order is in Shopify), "push" (a push that may have
    reached Shopify runs again to find out: it links the order or ends skipped, never
    creates it) or "" (nothing: the push never ran and is marked skipped, it is under way
    and resolves the request itself, or the cancellation came from Shopify). Idempotent."""
    with transaction.atomic():
        push = OrderPush.objects.select_for_update().filter(order_id=order_id).first()
        if push is None or push.cancel_status != CancelPushStatus.NONE:
            return ""
        if push.status == PushStatus.SKIPPED:
            return ""
        if push.status == PushStatus.PENDING and push.attempts == 0:
            # No attempt ever ran: nothing can be in Shopify. A task already queued finds
            # nothing to claim.
            push.status = PushStatus.SKIPPED
            push.save(update_fields=["status"])
            return ""
        push.cancel_status = CancelPushStatus.PENDING
        push.cancel_requested_at = timezone.now()
        fields = ["cancel_status", "cancel_requested_at"]
        if push.status == PushStatus.FAILED:
            # It may have been created before failing: run it again to find out.
            push.status = PushStatus.PENDING
            fields.append("status")
        push.save(update_fields=fields)
    if push.status == PushStatus.PUSHED:
        return "cancel"
    # pushing or retrying: the running push enqueues the cancel once it is done
    return "push" if push.status == PushStatus.PENDING else ""


def order_cancel_pushes_due(*, order_id: int) -> bool:
    """Whether a pushed order has a cancellation waiting to be sent."""
    return OrderPush.objects.filter(
        order_id=order_id, status=PushStatus.PUSHED, cancel_status=CancelPushStatus.PENDING
    ).exists()


def order_cancel_from_shopify(*, order_id: int) -> None:
    """Shopify cancelled the order (its `orders/cancelled` webhook): nothing is to be sent
    back. Called in the transaction that cancels the local order, before its signal."""
    OrderPush.objects.filter(order_id=order_id, cancel_status=CancelPushStatus.NONE).update(
        cancel_status=CancelPushStatus.FROM_SHOPIFY
    )


def order_cancel_confirmed_by_shopify(*, order_id: int) -> None:
    """Shopify reports the order cancelled while our own request was still open (ours
    went through and its answer was lost, or staff cancelled it there): the request is
    done. One being sent right now is left to its worker."""
    OrderPush.objects.filter(
        order_id=order_id,
        cancel_status__in=[
            CancelPushStatus.PENDING,
            CancelPushStatus.RETRYING,
            CancelPushStatus.FAILED,
        ],
    ).update(
        cancel_status=CancelPushStatus.DONE,
        cancel_pushed_at=timezone.now(),
        lease_until=None,
    )


def _claim(order_id: int) -> OrderPush | None:
    now = timezone.now()
    claimed = (
        OrderPush.objects.filter(order_id=order_id, status=PushStatus.PUSHED)
        .filter(
            Q(cancel_status__in=[CancelPushStatus.PENDING, CancelPushStatus.RETRYING])
            | Q(cancel_status=CancelPushStatus.PUSHING, lease_until__lt=now)
        )
        .update(
            cancel_status=CancelPushStatus.PUSHING,
            cancel_attempts=F("cancel_attempts") + 1,
            lease_until=now + LEASE,
        )
    )
    if not claimed:
        return None
    return OrderPush.objects.select_related("order").get(order_id=order_id)


def _done(push: OrderPush) -> None:
    OrderPush.objects.filter(pk=push.pk, cancel_status=CancelPushStatus.PUSHING).update(
        cancel_status=CancelPushStatus.DONE,
        cancel_pushed_at=timezone.now(),
        lease_until=None,
        # an earlier attempt's error is over; one about the payment stays
        last_error=Case(
            When(last_error__startswith=ERROR_PREFIX, then=Value("")), default=F("last_error")
        ),
    )


def _failed(push: OrderPush, error: str, *, retrying: bool) -> None:
    OrderPush.objects.filter(pk=push.pk, cancel_status=CancelPushStatus.PUSHING).update(
        cancel_status=CancelPushStatus.RETRYING if retrying else CancelPushStatus.FAILED,
        lease_until=timezone.now() + RETRY_LEASE if retrying else None,
        last_error=f"{ERROR_PREFIX}{error}"[:500],
    )


def _cancelled_in_shopify(client: ShopifyClient, order_gid: str) -> bool:
    data = client.graphql(ORDER_CANCELLED_AT, {"id": order_gid})
    return bool((data.get("order") or {}).get("cancelledAt"))


def order_cancel_input(order: Order, *, api_version: str) -> dict[str, Any]:
    """The `orderCancel` arguments for a pushed order cancelled here (allow-listed)."""
    event = order.events.filter(to_status=OrderStatus.CANCELLED).order_by("-id").first()
    by_customer = event is not None and event.actor == "customer"
    note = f"WhatsApp order {order.order_number} cancelled by " + (
        "the customer" if by_customer else "staff"
    )
    if event is not None and event.note:
        note = f"{note}: {event.note}"
    variables: dict[str, Any] = {
        "reason": "CUSTOMER" if by_customer else "OTHER",
        "restock": True,
        "notifyCustomer": False,
        "staffNote": note[:255],
    }
    if api_version >= REFUND_METHOD_SINCE:
        variables["refundMethod"] = {"originalPaymentMethodsRefund": False}
    else:
        variables["refund"] = False
    return variables


def order_cancel_push(
    *, order_id: int, client: ShopifyClient | None = None, last: bool = False
) -> str:
    """Cancel the pushed order in Shopify unless it is cancelled there already. Shopify
    refusing (`orderCancelUserErrors`) or a revoked token is recorded as failed for staff;
    a transient failure as retrying and raised as PushRetryable (failed when `last`).
    Returns what was done."""
    push = _claim(order_id)
    if push is None:
        return "nothing to cancel (not requested, done, or another worker holds it)"
    order = push.order
    order_gid = f"gid://shopify/Order/{push.shopify_order_id}"
    try:
        # No client-side retry of the mutation; the task retries, and asks first.
        client = client or ShopifyClient(max_retries=0)
        if push.cancel_attempts > 1 and _cancelled_in_shopify(client, order_gid):
            _done(push)
            return f"{order.order_number}: already cancelled in Shopify"
        legacy = client.api_version < REFUND_METHOD_SINCE
        data = client.graphql(
            ORDER_CANCEL_LEGACY if legacy else ORDER_CANCEL,
            {"orderId": order_gid, **order_cancel_input(order, api_version=client.api_version)},
        )
        result = data.get("orderCancel") or {}
        errors = [e for e in result.get("orderCancelUserErrors") or [] if isinstance(e, dict)]
        if errors:
            message = "; ".join(str(e.get("message")) for e in errors)
            if _cancelled_in_shopify(client, order_gid):
                # e.g. "already cancelled": staff did it there, or our earlier request did
                _done(push)
                return f"{order.order_number}: already cancelled in Shopify ({message})"
            if any(e.get("code") in RETRYABLE_CODES for e in errors):
                raise ShopifyError(f"Shopify could not cancel it now: {message}")
            _failed(push, f"Shopify refused: {message}", retrying=False)
            return f"{order.order_number}: cancel refused ({message})"
    except ShopifyAuthError as exc:
        _failed(push, str(exc), retrying=False)
        return f"{order.order_number}: {exc}"
    except ShopifyError as exc:
        _failed(push, str(exc), retrying=not last)
        raise PushRetryable(str(exc)) from exc
    # Shopify runs the cancellation as a job; its `orders/cancelled` webhook follows and
    # finds the local order cancelled already.
    _done(push)
    return f"{order.order_number}: cancelled in Shopify ({push.shopify_order_name})"


def order_cancel_retry(*, push_ids: list[int]) -> list[int]:
    """Staff asked to try failed cancellations again: back to pending. Returns their
    order ids."""
    pushes = OrderPush.objects.filter(
        pk__in=push_ids, status=PushStatus.PUSHED, cancel_status=CancelPushStatus.FAILED
    )
    ids = list(pushes.values_list("order_id", flat=True))
    OrderPush.objects.filter(order_id__in=ids, cancel_status=CancelPushStatus.FAILED).update(
        cancel_status=CancelPushStatus.PENDING, last_error=""
    )
    return ids


def order_cancel_pushes_stuck(*, older_than: timedelta) -> list[int]:
    """Order ids of cancellations no task is working on: requested a while ago and still
    pending (broker lost), or whose lease ran out (worker died, or a retry was lost)."""
    now = timezone.now()
    return list(
        OrderPush.objects.filter(status=PushStatus.PUSHED)
        .filter(
            Q(
                cancel_status=CancelPushStatus.PENDING,
                cancel_requested_at__lt=now - older_than,
            )
            | Q(
                cancel_status__in=[CancelPushStatus.PUSHING, CancelPushStatus.RETRYING],
                lease_until__lt=now,
            )
        )
        .order_by("cancel_requested_at")
        .values_list("order_id", flat=True)[:200]
    )
