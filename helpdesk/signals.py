"""An FAQ or variant edit (admin, API) queues FAQ retraining after commit, once for FAQs committed
together; the text hashes make it encode only what changed."""

from __future__ import annotations

import threading
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from recos.signals import retrain_enqueue

from .models import FAQ, FAQVariant

_pending = threading.local()


def _retrain() -> None:
    from .tasks import train_faq_embeddings_task

    if getattr(_pending, "dirty", False):  # the first callback of a commit queues it
        _pending.dirty = False
        retrain_enqueue(train_faq_embeddings_task)


@receiver(post_save, sender=FAQ, dispatch_uid="helpdesk.faq_saved")
@receiver(post_save, sender=FAQVariant, dispatch_uid="helpdesk.faq_variant_saved")
@receiver(post_delete, sender=FAQVariant, dispatch_uid="helpdesk.faq_variant_deleted")
def _faq_saved(sender: Any, instance: Any, raw: bool = False, **_: Any) -> None:
    if raw:  # loaddata
        return
    _pending.dirty = True
    transaction.on_commit(_retrain)
