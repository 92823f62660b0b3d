"""Orders placed on WhatsApp are created in Shopify (GraphQL `orderCreate`), once.

`order_placed` (sent after the order's commit) creates the `OrderPush` row and enqueues
`order_push_task` after that commit. A push is claimed by a conditional update (pending /
retrying, or pushing with an expired lease → pushing, attempts + 1), so two tasks never
push at once. Every order carries our order number as a tag: an attempt after the first
(the previous one may have created the order and died before recording it) first looks
the tag up and links the order it finds instead of creating a second one.

An order cancelled here before its push ran is never created in Shopify: the push ends
as skipped, unless an earlier attempt may have created it (then the tag lookup links
it, and its cancellation follows, see order_cancel_push).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from orders.models import Order, OrderStatus

from .client import ShopifyAuthError, ShopifyClient, ShopifyError
from .models import CancelPushStatus, OrderPush, PushStatus

logger = logging.getLogger(__name__)

# A claimed push belongs to its worker this long (a push is one or two requests).
LEASE = timedelta(minutes=2)
# While Celery's retry (backoff up to 5 minutes) is pending, the sweep leaves it alone.
RETRY_LEASE = timedelta(minutes=10)
TAG_PREFIX = "whatsapp-"

ORDER_CREATE = """
mutation OrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) {
    order { id legacyResourceId name }
    userErrors { field message }
  }
}
"""

ORDER_BY_TAG = """
query OrderByTag($query: String!) {
  orders(first: 1, query: $query) { nodes { id legacyResourceId name } }
}
"""


MARK_AS_PAID = """
mutation OrderMarkAsPaid($input: OrderMarkAsPaidInput!) {
  orderMarkAsPaid(input: $input) {
    order { id displayFinancialStatus }
    userErrors { field message }
  }
}
"""


class PushRetryable(Exception):
    """The push failed in a way a later attempt may not (network, 5xx, throttling)."""


def order_tag(order: Order) -> str:
    return f"{TAG_PREFIX}{order.order_number}"


def order_push_request(*, order_id: int) -> bool:
    """Record that `order_id` is to be created in Shopify (when SHOPIFY_PUSH_ORDERS is on).
    Returns whether a push is due; idempotent (one row per order)."""
    if not settings.SHOPIFY_PUSH_ORDERS:
        return False
    push, _ = OrderPush.objects.get_or_create(order_id=order_id)
    return push.status not in (PushStatus.PUSHED, PushStatus.SKIPPED)


def _money(amount: Decimal, currency: str) -> dict[str, Any]:
    return {"shopMoney": {"amount": str(amount), "currencyCode": currency}}


def _e164(phone: str) -> str | None:
    """WhatsApp ids are digits with the country code; Shopify wants E.164 (`+` first)."""
    digits = phone.strip()
    if not digits:
        return None
    return digits if digits.startswith("+") else f"+{digits}"


def order_create_input(order: Order) -> dict[str, Any]:
    """The `orderCreate` input, built from allow-listed fields of the order only."""
    lines = []
    for item in order.items.select_related("product"):
        line: dict[str, Any] = {
            "quantity": item.quantity,
            "priceSet": _money(item.unit_price, order.currency),
        }
        variant_id = item.product.shopify_variant_id
        if variant_id:
            line["variantId"] = f"gid://shopify/ProductVariant/{variant_id}"
        else:  # a local-only product: a custom line, it moves no Shopify stock
            line.update(title=item.name_en, sku=item.sku)
        lines.append(line)
    first, _, last = order.contact_name.partition(" ")
    phone = _e164(order.contact_phone)
    return {
        "currency": order.currency,
        "lineItems": lines,
        "phone": phone,
        "shippingAddress": {
            "firstName": first,
            "lastName": last or first,
            "address1": order.address[:255],
            "phone": phone,
        },
        "shippingLines": [
            {
                "title": order.shipping_option.name_en,
                "priceSet": _money(order.shipping_cost, order.currency),
            }
        ],
        "financialStatus": "PAID" if _paid_here(order) else "PENDING",
        "tags": [order_tag(order)],
        "customAttributes": [
            {"key": "order_number", "value": order.order_number},
            {"key": "channel", "value": "whatsapp"},
        ],
        "note": f"WhatsApp order {order.order_number}",
    }


def _claim(order_id: int) -> OrderPush | None:
    now = timezone.now()
    claimed = (
        OrderPush.objects.filter(order_id=order_id)
        .filter(
            Q(status__in=[PushStatus.PENDING, PushStatus.RETRYING])
            | Q(status=PushStatus.PUSHING, lease_until__lt=now)
        )
        .update(status=PushStatus.PUSHING, attempts=F("attempts") + 1, lease_until=now + LEASE)
    )
    if not claimed:
        return None
    return OrderPush.objects.select_related("order", "order__shipping_option").get(
        order_id=order_id
    )


def _paid_here(order: Order) -> bool:
    """Whether the order was paid (it passed through "paid"; cash orders ship first)."""
    return (
        order.status == OrderStatus.PAID or order.events.filter(to_status=OrderStatus.PAID).exists()
    )


def _pushed(push: OrderPush, node: dict[str, Any], *, paid: bool) -> None:
    now = timezone.now()
    OrderPush.objects.filter(pk=push.pk, status=PushStatus.PUSHING).update(
        status=PushStatus.PUSHED,
        shopify_order_id=int(node["legacyResourceId"]),
        shopify_order_name=str(node.get("name") or "")[:40],
        pushed_at=now,
        paid_pushed_at=now if paid else None,
        lease_until=None,
        last_error="",
    )


def _skipped(push: OrderPush) -> None:
    OrderPush.objects.filter(pk=push.pk, status=PushStatus.PUSHING).update(
        status=PushStatus.SKIPPED,
        lease_until=None,
        last_error="",
        cancel_status=CancelPushStatus.NONE,  # nothing in Shopify to cancel
    )


def _linked_after_cancel(push: OrderPush, node: dict[str, Any]) -> None:
    """An earlier attempt created the order, cancelled here since: link it and make sure
    its cancellation is due (the push task enqueues it)."""
    _pushed(push, node, paid=False)
    OrderPush.objects.filter(pk=push.pk, cancel_status=CancelPushStatus.NONE).update(
        cancel_status=CancelPushStatus.PENDING, cancel_requested_at=timezone.now()
    )


def _failed(push: OrderPush, error: str, *, retrying: bool) -> None:
    OrderPush.objects.filter(pk=push.pk, status=PushStatus.PUSHING).update(
        status=PushStatus.RETRYING if retrying else PushStatus.FAILED,
        lease_until=timezone.now() + RETRY_LEASE if retrying else None,
        last_error=error[:500],
    )


def order_push(*, order_id: int, client: ShopifyClient | None = None, last: bool = False) -> str:
    """Create the order in Shopify unless it is there already. A permanent failure (refused
    input, revoked token) is recorded as failed for staff; a transient one as retrying and
    raised as PushRetryable (as failed when `last`). Returns what was done."""
    push = _claim(order_id)
    if push is None:
        return "nothing to push (pushed, failed, or another worker holds it)"
    order = push.order
    tag = order_tag(order)
    try:
        # No client-side retry of a mutation: a lost response would create a second order.
        # The task retries instead, and looks the tag up first.
        client = client or ShopifyClient(max_retries=0)
        cancelled = order.status == OrderStatus.CANCELLED
        if cancelled and push.attempts == 1:
            _skipped(push)
            return f"{order.order_number}: cancelled before it was pushed, not created"
        if push.attempts > 1:
            found = client.graphql(ORDER_BY_TAG, {"query": f"tag:'{tag}'"})
            nodes = ((found.get("orders") or {}).get("nodes")) or []
            if nodes and cancelled:
                _linked_after_cancel(push, nodes[0])
                return f"{order.order_number}: found in Shopify, its cancellation follows"
            if cancelled:
                _skipped(push)
                return f"{order.order_number}: cancelled before it was pushed, not created"
            if nodes:
                # created by an earlier attempt, perhaps as pending: the payment push
                # that follows every push (tasks) settles it
                _pushed(push, nodes[0], paid=False)
                return f"{order.order_number}: found in Shopify as {nodes[0].get('name')}"
        order_input = order_create_input(order)
        data = client.graphql(
            ORDER_CREATE,
            {
                "order": order_input,
                "options": {
                    "inventoryBehaviour": "DECREMENT_OBEYING_POLICY",
                    "sendReceipt": False,
                    "sendFulfillmentReceipt": False,
                },
            },
        )
        result = data.get("orderCreate") or {}
        errors = result.get("userErrors") or []
        node = result.get("order") or {}
        if errors or not node.get("legacyResourceId"):
            message = "; ".join(str(e.get("message")) for e in errors) or "no order returned"
            _failed(push, f"Shopify refused the order: {message}", retrying=False)
            return f"{order.order_number}: refused ({message})"
    except ShopifyAuthError as exc:
        _failed(push, str(exc), retrying=False)
        return f"{order.order_number}: {exc}"
    except ShopifyError as exc:
        _failed(push, str(exc), retrying=not last)
        raise PushRetryable(str(exc)) from exc
    _pushed(push, node, paid=order_input["financialStatus"] == "PAID")
    return f"{order.order_number}: created in Shopify as {node.get('name')}"


def order_payment_push(*, order_id: int, client: ShopifyClient | None = None) -> str:
    """Mark the Shopify order paid once the local one is (`orderMarkAsPaid`). Safe to
    repeat: done once `paid_pushed_at` is set, and Shopify refusing because the order is
    paid already counts as done. A transient failure raises PushRetryable."""
    push = (
        OrderPush.objects.select_related("order")
        .filter(order_id=order_id, status=PushStatus.PUSHED, paid_pushed_at__isnull=True)
        .first()
    )
    if push is None or not _paid_here(push.order):
        return "nothing to mark paid"
    try:
        data = (client or ShopifyClient()).graphql(
            MARK_AS_PAID, {"input": {"id": f"gid://shopify/Order/{push.shopify_order_id}"}}
        )
    except ShopifyAuthError as exc:
        OrderPush.objects.filter(pk=push.pk).update(last_error=str(exc)[:500])
        return f"not marked paid: {exc}"
    except ShopifyError as exc:
        raise PushRetryable(str(exc)) from exc
    result = data.get("orderMarkAsPaid") or {}
    errors = "; ".join(str(e.get("message")) for e in result.get("userErrors") or [])
    OrderPush.objects.filter(pk=push.pk).update(
        paid_pushed_at=timezone.now(),
        last_error=f"marking paid: {errors}"[:500] if errors else "",
    )
    return f"{push.order.order_number}: marked paid" + (f" ({errors})" if errors else "")


def order_push_retry(*, push_ids: list[int]) -> list[int]:
    """Staff asked to try failed pushes again: back to pending. Returns their order ids."""
    ids = list(
        OrderPush.objects.filter(pk__in=push_ids, status=PushStatus.FAILED).values_list(
            "order_id", flat=True
        )
    )
    OrderPush.objects.filter(order_id__in=ids, status=PushStatus.FAILED).update(
        status=PushStatus.PENDING, last_error=""
    )
    return ids


def order_pushes_stuck(*, older_than: timedelta) -> list[int]:
    """Order ids of pushes no task is working on: pending for a while (broker lost), or
    whose lease ran out (worker died mid-push, or a retry was lost)."""
    now = timezone.now()
    return list(
        OrderPush.objects.filter(
            Q(status=PushStatus.PENDING, created_at__lt=now - older_than)
            | Q(
                status__in=[PushStatus.PUSHING, PushStatus.RETRYING],
                lease_until__lt=now,
            )
        )
        .order_by("created_at")
        .values_list("order_id", flat=True)[:200]
    )
