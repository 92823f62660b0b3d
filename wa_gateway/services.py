"""Storing what Meta delivers. The webhook view calls `webhook_ingest` and nothing else."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from conversation_log.message_templates import message_template_status_update
from conversation_log.services import message_status_update
from dialog_engine.events import IncomingMessage, Location, OrderLine
from project_core.db import savepoint_if_in_transaction
from users.models import Customer
from users.services import customer_upsert_inbound

from .models import InboundEvent
from .parsing import ParsedMessage, ParsedWebhook, message_content

logger = logging.getLogger(__name__)
T = TypeVar("T")


# MariaDB's "deadlock found" and "lock wait timeout": the statement was rolled back and
# can simply run again. 1467 ("failed to read auto-increment value") is InnoDB's report of
# the same on the table's AUTO-INC lock: `_EVENT_INSERT_SELECT` is an INSERT … SELECT, which
# holds that table lock for the statement while it waits on the customer row, so a
# concurrent batch that wrote that customer and then inserts its event deadlocks with it
# (seen with three webhooks of one new customer at once).
_RETRYABLE_DB_ERRORS = {1213, 1205, 1467}
INGEST_ATTEMPTS = 3

# A message of a known customer whose name is unchanged (or not sent) is stored by this
# one statement, in the batch's transaction: the customer is looked up by WhatsApp id in it.
# No row when the customer is new or Meta sent a new name: then the customer is written
# first. RETURNING needs MariaDB >= 10.5 or SQLite >= 3.35; MySQL 8 takes two statements.
_EVENT_INSERT_SELECT = """
INSERT INTO {event} (wamid, customer_id, msg_type, timestamp, payload, received_at, error)
SELECT %s, id, %s, %s, %s, %s, '' FROM {customer}
WHERE wa_id = %s AND (%s = '' OR profile_name = %s)
"""
_CUSTOMER_CURRENT = """
SELECT id FROM {customer} WHERE wa_id = %s AND (%s = '' OR profile_name = %s)
"""
_EVENT_INSERT = """
INSERT INTO {event} (wamid, customer_id, msg_type, timestamp, payload, received_at, error)
VALUES (%s, %s, %s, %s, %s, %s, '')
"""


def webhook_ingest(*, webhook: ParsedWebhook) -> set[int]:
    """Store a webhook's messages as InboundEvents (a duplicate wamid is a no-op, also
    within the batch), create or update their customers, and apply status callbacks, all
    in one transaction: a request is stored whole or not at all. A batch the database
    picked as a deadlock victim runs again, whole. Returns the ids of customers with new
    events; the caller enqueues their inbox drains after commit."""
    if webhook.template_statuses:
        webhook_template_statuses_apply(webhook=webhook)
    if not webhook.messages and not webhook.statuses:
        return set()
    return _with_deadlock_retry(_webhook_store, webhook=webhook)


def webhook_template_statuses_apply(*, webhook: ParsedWebhook) -> int:
    """Template review outcomes (APPROVED, REJECTED, PAUSED, …) update the stored templates:
    one short statement each, in the order Meta sent them. Returns how many matched."""
    return sum(
        message_template_status_update(
            name=status.name,
            language=status.language,
            event=status.event,
            meta_id=status.template_id,
            reason=status.reason,
            at=status.at,
        )
        for status in webhook.template_statuses
    )


def _webhook_store(*, webhook: ParsedWebhook) -> set[int]:
    customers: set[int] = set()
    with transaction.atomic():
        for message in webhook.messages:
            customer_id = inbound_event_store(message=message)
            if customer_id is not None:
                customers.add(customer_id)
        for status in webhook.statuses:
            message_status_update(
                wamid=status.wamid,
                status=status.status,
                at=status.timestamp,
                error_code=status.error_code,
                error_title=status.error_title,
                callback_data=status.callback_data,
            )
    return customers


def _with_deadlock_retry(operation: Callable[..., T], /, **kwargs: Any) -> T:
    for attempt in range(1, INGEST_ATTEMPTS):
        try:
            return operation(**kwargs)
        except OperationalError as exc:
            if (exc.args[0] if exc.args else None) not in _RETRYABLE_DB_ERRORS:
                raise
            logger.warning("webhook ingest attempt %d hit %s; retrying", attempt, exc)
    return operation(**kwargs)  # the last attempt: its error propagates


def inbound_event_store(*, message: ParsedMessage) -> int | None:
    """Store one message. Returns its customer's id, or None when the wamid was stored
    before (Meta delivers at least once)."""
    try:
        customer_id = _event_insert_for_current_customer(message)
        if customer_id is None:  # a new customer, or a new profile name
            customer_id = customer_upsert_inbound(
                wa_id=message.wa_id, profile_name=message.profile_name
            )
            _event_insert(message, customer_id=customer_id)
    except IntegrityError:
        if not InboundEvent.objects.filter(wamid=message.wamid).exists():
            raise
        logger.info("duplicate delivery of %s ignored", message.wamid)
        return None
    return customer_id


def _event_insert_for_current_customer(message: ParsedMessage) -> int | None:
    """Store the event if its customer exists with the name Meta sent; their id, or None."""
    name = message.profile_name[:256]
    tables = {
        "event": connection.ops.quote_name(InboundEvent._meta.db_table),
        "customer": connection.ops.quote_name(Customer._meta.db_table),
    }
    if not connection.features.can_return_columns_from_insert:
        with connection.cursor() as cursor:
            cursor.execute(_CUSTOMER_CURRENT.format(**tables), [message.wa_id, name, name])
            row = cursor.fetchone()
        if row is not None:
            _event_insert(message, customer_id=row[0])
        return row[0] if row else None
    sql = _EVENT_INSERT_SELECT.format(**tables) + " RETURNING customer_id"
    wamid, *rest = _event_values(message)
    params = [wamid, *rest, message.wa_id, name, name]
    with savepoint_if_in_transaction(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def _event_insert(message: ParsedMessage, *, customer_id: int) -> None:
    sql = _EVENT_INSERT.format(event=connection.ops.quote_name(InboundEvent._meta.db_table))
    wamid, *rest = _event_values(message)
    with savepoint_if_in_transaction(), connection.cursor() as cursor:
        cursor.execute(sql, [wamid, customer_id, *rest])


def _event_values(message: ParsedMessage) -> list[Any]:
    """wamid, type, sent at, payload, received at: the event's columns but its customer."""
    ops = connection.ops
    return [
        message.wamid,
        message.msg_type,
        ops.adapt_datetimefield_value(message.timestamp),
        json.dumps(message.raw, ensure_ascii=False),
        ops.adapt_datetimefield_value(timezone.now()),
    ]


def inbound_event_incoming(*, event: InboundEvent) -> IncomingMessage:
    """The engine's view of a stored event."""
    content = message_content(event.payload)
    location = content.get("location")
    return IncomingMessage(
        event_id=event.pk,
        wamid=event.wamid,
        customer_id=event.customer_id,
        # An edit reads as the message it now is; otherwise the stored (bounded) type.
        kind=content["kind"] if content["edited"] else event.msg_type,
        timestamp=event.timestamp,
        text=content["text"],
        reply_id=content["reply_id"],
        reply_title=content["reply_title"],
        location=Location(**location) if location else None,
        media_id=content["media_id"],
        raw=event.payload,
        mime_type=content["mime_type"],
        voice=content["voice"],
        edited=content["edited"],
        refers_to=content["refers_to"],
        referred_sku=content["referred_sku"],
        order_items=tuple(
            OrderLine(retailer_id=retailer_id, quantity=quantity)
            for retailer_id, quantity in content["order_items"]
        ),
        system_type=content["system_type"],
        new_wa_id=content["new_wa_id"],
    )


def inbound_event_mark_processed(*, event: InboundEvent, error: str = "") -> None:
    # `filter(pk=…).update(processed_at=…, error=…)`, written out: every turn runs it.
    sql = _MARK_PROCESSED.format(event=connection.ops.quote_name(InboundEvent._meta.db_table))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, error[:300], event.pk])


_MARK_PROCESSED = "UPDATE {event} SET processed_at = %s, error = %s WHERE id = %s"


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
