"""Storing what Meta delivers. The webhook view calls `webhook_ingest` and nothing else."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import OperationalError, transaction
from django.utils import timezone

from conversation_log.services import message_status_update
from dialog_engine.events import IncomingMessage, Location
from users.services import customer_upsert_inbound

from .models import InboundEvent
from .parsing import ParsedWebhook, message_content

logger = logging.getLogger(__name__)


# MariaDB's "deadlock found" and "lock wait timeout": the transaction was rolled back and
# can simply run again (e.g. two first messages of one new customer, inserted at once).
_RETRYABLE_DB_ERRORS = {1213, 1205}
INGEST_ATTEMPTS = 3


def webhook_ingest(*, webhook: ParsedWebhook) -> set[int]:
    """Store every message as an InboundEvent (a duplicate wamid is a no-op), create or
    update its customer, and apply status callbacks, in one transaction, run again if the
    database chose it as a deadlock victim. Returns the ids of customers with new events;
    the caller enqueues their inbox drain after commit."""
    for attempt in range(1, INGEST_ATTEMPTS):
        try:
            return _webhook_ingest_once(webhook=webhook)
        except OperationalError as exc:
            if (exc.args[0] if exc.args else None) not in _RETRYABLE_DB_ERRORS:
                raise
            logger.warning("webhook ingest attempt %d hit %s; retrying", attempt, exc)
    return _webhook_ingest_once(webhook=webhook)  # the last attempt: its error propagates


@transaction.atomic
def _webhook_ingest_once(*, webhook: ParsedWebhook) -> set[int]:
    customers: set[int] = set()
    # Customers in a fixed order (stable: one customer's messages keep theirs), so two
    # webhooks naming the same customers lock their rows in the same order.
    for message in sorted(webhook.messages, key=lambda m: m.wa_id):
        # One statement creates or refreshes the customer and write-locks the row, before
        # the event's foreign key takes its shared lock (in the other order two webhooks of
        # one customer deadlock on MariaDB). Under that lock a redelivered wamid is seen
        # by a plain SELECT: a wamid only ever arrives for its own sender.
        customer_id = customer_upsert_inbound(
            wa_id=message.wa_id, profile_name=message.profile_name
        )
        if InboundEvent.objects.filter(wamid=message.wamid).exists():
            logger.info("duplicate delivery of %s ignored", message.wamid)
            continue
        InboundEvent.objects.create(
            wamid=message.wamid,
            customer_id=customer_id,
            msg_type=message.msg_type,
            timestamp=message.timestamp,
            payload=message.raw,
        )
        customers.add(customer_id)
    for status in webhook.statuses:
        message_status_update(
            wamid=status.wamid,
            status=status.status,
            at=status.timestamp,
            error_code=status.error_code,
            error_title=status.error_title,
        )
    return customers


def inbound_event_incoming(*, event: InboundEvent) -> IncomingMessage:
    """The engine's view of a stored event."""
    content = message_content(event.payload)
    location = content.get("location")
    return IncomingMessage(
        event_id=event.pk,
        wamid=event.wamid,
        customer_id=event.customer_id,
        kind=event.msg_type,
        timestamp=event.timestamp,
        text=content["text"],
        reply_id=content["reply_id"],
        reply_title=content["reply_title"],
        location=Location(**location) if location else None,
        media_id=content["media_id"],
        raw=event.payload,
    )


def inbound_event_mark_processed(*, event: InboundEvent, error: str = "") -> None:
    InboundEvent.objects.filter(pk=event.pk).update(processed_at=timezone.now(), error=error[:300])


def inbound_event_purge_processed(*, before: datetime, batch_size: int = 1000) -> int:
    """Delete processed events older than `before`, in batches. Returns the count."""
    deleted = 0
    while True:
        ids = list(
            InboundEvent.objects.filter(processed_at__lt=before).values_list("pk", flat=True)[
                :batch_size
            ]
        )
        if not ids:
            return deleted
        deleted += InboundEvent.objects.filter(pk__in=ids).delete()[0]
