"""Shopify webhooks in: verify, store once, apply after commit in Celery.

The same discipline as the WhatsApp inbox: the view verifies `X-Shopify-Hmac-Sha256` over
the raw body, stores the delivery once by `X-Shopify-Webhook-Id` and answers; the task
applies it under the row's lock and marks it processed, so a duplicate delivery or a
duplicate task changes nothing. Older states never overwrite newer ones (products by
`updated_at`, inventory levels by `updated_at`, orders by the status pipeline).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .client import ShopifyClient
from .fulfilment import fulfilment_webhook_apply, order_cancelled_webhook_apply
from .inventory_levels import inventory_level_webhook_apply
from .models import WebhookEvent
from .product_sync import product_delete_apply, product_webhook_apply

logger = logging.getLogger(__name__)

TOPICS = frozenset(
    {
        "products/create",
        "products/update",
        "products/delete",
        "inventory_levels/update",
        "orders/fulfilled",
        "fulfillments/create",
        "fulfillments/update",
        "orders/cancelled",
        "app/uninstalled",
    }
)
# An event that failed this many times waits for staff (admin shows its error).
MAX_ATTEMPTS = 8


class WebhookRejected(ValueError):
    """A verified delivery that is not a webhook we can store (the message says why)."""


def hmac_valid(*, body: bytes, header: str, secret: str) -> bool:
    """`header` is base64(HMAC-SHA256(body, secret)); compared in constant time. Without a
    secret nothing is valid (fail closed)."""
    if not secret or not header:
        return False
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest), header.strip().encode())


def hmac_header(*, body: bytes, secret: str) -> str:
    """The `X-Shopify-Hmac-Sha256` value Shopify sends for `body` (tests, benchmarks)."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def webhook_event_store(
    *,
    webhook_id: str,
    topic: str,
    shop_domain: str,
    triggered_at: datetime | None,
    payload: dict[str, Any],
) -> tuple[WebhookEvent, bool]:
    """Store a verified delivery once; (event, created). A redelivery, also a concurrent
    one, finds the first row (unique webhook id) and stores nothing."""
    if not webhook_id or len(webhook_id) > 100:
        raise WebhookRejected("missing or overlong X-Shopify-Webhook-Id")
    if topic not in TOPICS:
        raise WebhookRejected(f"topic {topic!r} is not subscribed")
    # No read first: a redelivery is rare, so every delivery would pay for it; the unique
    # webhook id turns a redelivery's insert into an IntegrityError instead.
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(
                webhook_id=webhook_id,
                topic=topic,
                shop_domain=shop_domain[:255],
                triggered_at=triggered_at,
                payload=payload,
            )
    except IntegrityError:
        return WebhookEvent.objects.get(webhook_id=webhook_id), False
    return event, True


def _app_uninstalled(payload: dict[str, Any]) -> str:
    # The token is revoked with the app: every later call fails with 401, which the sync
    # and order pushes record as failures staff see. Nothing to undo here.
    logger.error("Shopify app uninstalled from %s", payload.get("myshopify_domain") or "?")
    return "app uninstalled: the access token no longer works"


def _apply(event: WebhookEvent, client: ShopifyClient | None) -> str:
    payload = event.payload if isinstance(event.payload, dict) else {}
    topic = event.topic
    handlers: dict[str, Callable[[], str]] = {
        "products/create": lambda: product_webhook_apply(payload=payload),
        "products/update": lambda: product_webhook_apply(payload=payload),
        "products/delete": lambda: product_delete_apply(
            shopify_product_id=int(payload["id"]),
            at=event.triggered_at or event.received_at,
        ),
        "inventory_levels/update": lambda: inventory_level_webhook_apply(
            payload=payload, client=client
        ),
        "orders/fulfilled": lambda: fulfilment_webhook_apply(topic=topic, payload=payload),
        "fulfillments/create": lambda: fulfilment_webhook_apply(topic=topic, payload=payload),
        "fulfillments/update": lambda: fulfilment_webhook_apply(topic=topic, payload=payload),
        "orders/cancelled": lambda: order_cancelled_webhook_apply(payload=payload),
        "app/uninstalled": lambda: _app_uninstalled(payload),
    }
    return handlers[topic]()


def webhook_event_process(*, event_id: int, client: ShopifyClient | None = None) -> bool:
    """Apply one stored delivery, exactly once: under its row lock, skip it when already
    processed, else apply and mark it processed in the same transaction. A failure rolls
    the work back, records the error and re-raises (the task retries). Returns whether
    this call applied it."""
    try:
        with transaction.atomic():
            event = (
                WebhookEvent.objects.select_for_update()
                .filter(pk=event_id, processed_at__isnull=True)
                .first()
            )
            if event is None:
                return False
            outcome = _apply(event, client)
            WebhookEvent.objects.filter(pk=event.pk).update(
                processed_at=timezone.now(),
                outcome=outcome[:200],
                attempts=F("attempts") + 1,
                error="",
            )
    except Exception as exc:
        WebhookEvent.objects.filter(pk=event_id).update(
            attempts=F("attempts") + 1, error=f"{type(exc).__name__}: {exc}"[:500]
        )
        raise
    logger.info("Shopify webhook %s: %s", event_id, outcome)
    return True


def webhook_events_stuck(*, older_than: timedelta) -> list[int]:
    """Ids of stored deliveries still unprocessed after `older_than` (broker lost, worker
    died) that have attempts left."""
    return list(
        WebhookEvent.objects.filter(
            processed_at__isnull=True,
            received_at__lt=timezone.now() - older_than,
            attempts__lt=MAX_ATTEMPTS,
        )
        .order_by("received_at", "id")
        .values_list("pk", flat=True)[:500]
    )


def webhook_events_purge(*, before: datetime, batch_size: int = 1000) -> int:
    """Delete processed deliveries older than `before` (one bounded batch a call, so a
    sweep stays short). Unprocessed ones are kept for staff whatever their age."""
    ids = list(
        WebhookEvent.objects.filter(processed_at__lt=before).values_list("pk", flat=True)[
            :batch_size
        ]
    )
    return WebhookEvent.objects.filter(pk__in=ids).delete()[0] if ids else 0
