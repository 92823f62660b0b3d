"""Beat housekeeping of conversations: closing idle chats, purging old messages and events.

Both tasks are idempotent (conditional updates and deletes by age) and safe to overlap.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from project_core.task_policy import shop_task

from .selectors import chat_ids_inactive
from .services import (
    chat_close_inactive,
    early_statuses_purge,
    message_purge_before,
    shop_event_purge_before,
)

logger = logging.getLogger(__name__)

# A status for a wamid still unknown after a day is not for a message we sent.
EARLY_STATUS_KEEP = timedelta(days=1)


@shop_task(name="conversation_log.chat_close_inactive", soft_time_limit=240, time_limit=300)
def chat_close_inactive_task() -> dict[str, int]:
    """Close chats inactive for ABANDONED_CHAT_DAYS and reset their dialog state (and any
    forgotten handoff), so a customer who returns starts a fresh conversation."""
    before = timezone.now() - timedelta(days=settings.ABANDONED_CHAT_DAYS)
    candidates = chat_ids_inactive(before=before)
    closed = sum(
        chat_close_inactive(chat_id=chat_id, inactive_before=before) for chat_id in candidates
    )
    logger.info(
        "closed %d of %d inactive chats",
        closed,
        len(candidates),
        extra={"closed": closed, "candidates": len(candidates)},
    )
    return {"closed": closed, "candidates": len(candidates)}


@shop_task(name="conversation_log.message_purge_old", soft_time_limit=540, time_limit=600)
def message_purge_old_task() -> dict[str, int]:
    """Delete messages, with their delivery statuses, and the funnel's search and checkout
    events older than DATA_RETENTION_DAYS (with the customers' newest-event rows that have
    no event left), and status callbacks that never matched a message of ours."""
    before = timezone.now() - timedelta(days=settings.DATA_RETENTION_DAYS)
    deleted = message_purge_before(before=before)
    events, latest = shop_event_purge_before(before=before)
    orphans = early_statuses_purge(before=timezone.now() - EARLY_STATUS_KEEP)
    counts = {
        "deleted": deleted,
        "shop_events": events,
        "shop_events_latest": latest,
        "early_statuses": orphans,
    }
    logger.info(
        "purged %d old messages, %d old funnel events (%d customers' newest), "
        "%d unmatched status callbacks",
        deleted,
        events,
        latest,
        orphans,
        extra=counts,
    )
    return counts
