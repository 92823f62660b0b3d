from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from project_core.task_policy import shop_task

from .client import ShopifyError
from .collections import collections_sync
from .order_cancel_push import (
    order_cancel_push,
    order_cancel_pushes_due,
    order_cancel_pushes_stuck,
)
from .order_push import PushRetryable, order_payment_push, order_push, order_pushes_stuck
from .product_sync import embedding_training_queue, sync_products
from .translations import TranslationResult, translations_sync
from .webhook_inbox import webhook_event_process, webhook_events_purge, webhook_events_stuck

logger = logging.getLogger(__name__)

# Stored deliveries and pushes untouched this long are re-enqueued by the sweep.
SWEEP_AFTER = timedelta(seconds=30)


@shop_task(name="connectors.shopify_admin.sync_products", soft_time_limit=1800, time_limit=2000)
def sync_products_task(full: bool = False) -> dict[str, int]:
    """Scheduled catalog import (collections first, so products land in the categories
    their collections map to); incremental from the last successful run."""
    collections_sync_safely()
    counts = sync_products(full=full).counts()
    translations = translations_sync_safely()
    if translations is not None:
        counts["translations_applied"] = translations.applied
        if translations.changed_ids:
            # Arabic names and descriptions are part of the embedded text
            embedding_training_queue(product_ids=sorted(translations.changed_ids))
    return counts


def translations_sync_safely() -> TranslationResult | None:
    """Apply Shopify's Arabic translations when SHOPIFY_SYNC_TRANSLATIONS is on; a failure
    (e.g. a token without read_translations) is logged, the products are synced anyway."""
    if not settings.SHOPIFY_SYNC_TRANSLATIONS:
        return None
    try:
        return translations_sync(locale=settings.SHOPIFY_TRANSLATION_LOCALE)
    except ShopifyError as exc:
        logger.warning("Shopify translations not synced: %s", exc)
        return None


def collections_sync_safely() -> int | None:
    """Read the collections when SHOPIFY_SYNC_COLLECTIONS is on; a failure is logged and
    the products still sync (against the collections stored last time)."""
    if not settings.SHOPIFY_SYNC_COLLECTIONS:
        return None
    try:
        return collections_sync()
    except ShopifyError as exc:
        logger.warning("Shopify collections not synced: %s", exc)
        return None


@shop_task(
    name="connectors.shopify_admin.process_webhook",
    autoretry_for=(Exception,),
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def process_webhook_task(event_id: int) -> bool:
    """Apply one stored Shopify webhook (idempotent: a processed one is skipped)."""
    return webhook_event_process(event_id=event_id)


@shop_task(
    name="connectors.shopify_admin.push_order",
    bind=True,
    autoretry_for=(PushRetryable,),
    max_retries=6,
    soft_time_limit=60,
    time_limit=90,
)
def order_push_task(self, order_id: int) -> str:
    """Create one local order in Shopify, once (see order_push); then, in their own tasks,
    mark it paid if it was paid meanwhile (a no-op otherwise) and cancel it there if it
    was cancelled here while being pushed."""
    outcome = order_push(order_id=order_id, last=self.request.retries >= self.max_retries)
    enqueue_order_payment_push(order_id)
    if order_cancel_pushes_due(order_id=order_id):
        enqueue_order_cancel_push(order_id)
    return outcome


@shop_task(
    name="connectors.shopify_admin.push_order_payment",
    autoretry_for=(PushRetryable,),
    max_retries=6,
    soft_time_limit=60,
    time_limit=90,
)
def order_payment_push_task(order_id: int) -> str:
    """Tell Shopify a pushed order is paid now (see order_payment_push)."""
    return order_payment_push(order_id=order_id)


@shop_task(
    name="connectors.shopify_admin.push_order_cancel",
    bind=True,
    autoretry_for=(PushRetryable,),
    max_retries=6,
    soft_time_limit=60,
    time_limit=90,
)
def order_cancel_push_task(self, order_id: int) -> str:
    """Cancel in Shopify a pushed order cancelled here, once (see order_cancel_push)."""
    return order_cancel_push(order_id=order_id, last=self.request.retries >= self.max_retries)


def enqueue_webhook(event_id: int) -> None:
    """Enqueue the processing of a stored delivery; a broker outage is left to the sweep."""
    try:
        process_webhook_task.delay(event_id)
    except Exception:
        logger.exception("could not enqueue Shopify webhook %s; the sweep will", event_id)


def enqueue_order_push(order_id: int) -> None:
    try:
        order_push_task.delay(order_id)
    except Exception:
        logger.exception("could not enqueue the Shopify push of order %s; the sweep will", order_id)


def enqueue_order_cancel_push(order_id: int) -> None:
    try:
        order_cancel_push_task.delay(order_id)
    except Exception:
        logger.exception(
            "could not enqueue cancelling order %s in Shopify; the sweep will", order_id
        )


def enqueue_order_payment_push(order_id: int) -> None:
    try:
        order_payment_push_task.delay(order_id)
    except Exception:
        logger.exception("could not enqueue marking order %s paid in Shopify", order_id)


@shop_task(name="connectors.shopify_admin.sweep", soft_time_limit=60, time_limit=90)
def shopify_sweep_task() -> dict[str, int]:
    """Re-enqueue webhooks stored but not processed and order pushes and cancellations
    nobody works on (broker down, worker lost): what reached the database is applied
    exactly once. Also deletes processed webhooks older than DATA_RETENTION_DAYS."""
    events = webhook_events_stuck(older_than=SWEEP_AFTER)
    for event_id in events:
        enqueue_webhook(event_id)
    orders = order_pushes_stuck(older_than=SWEEP_AFTER)
    for order_id in orders:
        enqueue_order_push(order_id)
    cancels = order_cancel_pushes_stuck(older_than=SWEEP_AFTER)
    for order_id in cancels:
        enqueue_order_cancel_push(order_id)
    purged = webhook_events_purge(
        before=timezone.now() - timedelta(days=settings.DATA_RETENTION_DAYS)
    )
    return {
        "webhooks": len(events),
        "order_pushes": len(orders),
        "order_cancels": len(cancels),
        "purged": purged,
    }
