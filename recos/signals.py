"""A product edit (admin, API) queues its retraining after commit. Edits committed
together (an admin bulk action, the seed's upserts) share one task: the first on-commit
callback takes every pending id, so a thousand saves do not queue a thousand tasks.
Bulk imports (bulk_create/bulk_update) send no signals; the
incremental training (text hashes) catches them."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from inventory.models import Product

logger = logging.getLogger(__name__)
_pending = threading.local()


def retrain_enqueue(task: Any, *args: Any) -> None:
    """Queue `task`; a broker outage only delays retraining until the next run."""
    try:
        task.delay(*args)
    except Exception:
        logger.exception("could not enqueue %s", task.name)


def pending_product_ids() -> set[int]:
    """Products saved in this thread whose retraining is not queued yet. Ids of a
    rolled-back save stay until the next commit: retraining them is a no-op."""
    ids = getattr(_pending, "product_ids", None)
    if ids is None:
        _pending.product_ids = ids = set()
    return ids


def _flush_products() -> None:
    from .tasks import train_product_embeddings_task

    ids = sorted(pending_product_ids())
    _pending.product_ids = set()
    if ids:  # the first callback of a transaction takes every pending id
        retrain_enqueue(train_product_embeddings_task, ids)


@receiver(post_save, sender=Product, dispatch_uid="recos.product_saved")
def _product_saved(sender: Any, instance: Product, raw: bool = False, **_: Any) -> None:
    if raw:  # loaddata
        return
    pending_product_ids().add(instance.pk)
    transaction.on_commit(_flush_products)
