"""Storing what Meta delivers. The webhook view calls `webhook_ingest` and nothing else."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from conversation_log.services import message_status_update
from dialog_engine.events import IncomingMessage, Location
from users.models import Customer
from users.services import customer_get_or_create, customer_touch

from .models import InboundEvent
from .parsing import ParsedWebhook, message_content

logger = logging.getLogger(__name__)


@transaction.atomic
def webhook_ingest(*, webhook: ParsedWebhook) -> set[int]:
    """Store every message as an InboundEvent (a duplicate wamid is a no-op), create or
    update its customer, and apply status callbacks. Returns the ids of customers with new
    events; the caller enqueues their inbox drain after commit."""
    customers: set[int] = set()
    # Customers in a fixed order (stable: one customer's messages keep theirs), so two
    # webhooks naming the same customers lock their rows in the same order.
    for message in sorted(webhook.messages, key=lambda m: m.wa_id):
        customer = customer_get_or_create(wa_id=message.wa_id, profile_name=message.profile_name)
        # Take the customer's row lock before the insert: the event's foreign key takes a
        # shared lock on it and customer_touch an exclusive one, so two webhooks of one
        # customer would otherwise deadlock on MariaDB (a 500, and Meta's retry storm).
        list(Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk"))
        try:
            with transaction.atomic():
                InboundEvent.objects.create(
                    wamid=message.wamid,
                    customer=customer,
                    msg_type=message.msg_type,
                    timestamp=message.timestamp,
                    payload=message.raw,
                )
        except IntegrityError:
            logger.info("duplicate delivery of %s ignored", message.wamid)
            continue
        customer_touch(customer=customer)
        customers.add(customer.pk)
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
