from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection
from django.db.models import Q
from django.utils import timezone

from conversation_log.lean_sql import (
    lean_sql_execute,
    lean_sql_fetch,
    lean_sql_instance,
    lean_sql_select_list,
    lean_sql_set_list,
)
from conversation_log.models import Chat, DeliveryStatus, Direction, Message
from conversation_log.services import CALLBACK_PREFIX, early_statuses_apply
from project_core.db import savepoint_if_in_transaction
from project_core.metrics import OUTBOUND_SEND_SECONDS, OUTBOUND_SENDS, SWEEPER_REENQUEUED
from project_core.task_policy import shop_task
from users.models import Customer
from wa_client.errors import GraphAPIError

from .read_receipts import read_receipt_send
from .templates import TemplateSyncUnavailable, template_still_approved, templates_sync
from .transports import transport_get

logger = logging.getLogger(__name__)

MAX_SEND_ATTEMPTS = 6
BACKOFF_BASE_SECONDS = 2.0
BACKOFF_MAX_SECONDS = 120.0
# The error title of a queued message that was not sent because the customer opted out.
OPTED_OUT_TITLE = "not sent: the customer opted out"
# ... because its template was paused, disabled or rejected while it waited.
TEMPLATE_NOT_APPROVED_TITLE = "not sent: the template is no longer approved"
# A queued message this old whose drain has not run is re-triggered by the sweep.
OUTBOX_SWEEP_AFTER_SECONDS = 15
_UNSENT = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING)
_UNSENT_VALUES = tuple(status.value for status in _UNSENT)


def backoff_seconds(attempt: int, retry_after: float | None = None) -> float:
    """Exponential backoff with full jitter; Meta's Retry-After wins when it is longer."""
    ceiling = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt)
    delay = random.uniform(ceiling / 2, ceiling)
    return max(delay, retry_after or 0.0)


@dataclass(frozen=True)
class _Wait:
    """The chat's oldest unsent message waits in backoff: nothing of the chat goes before."""

    seconds: float


_BUSY = object()  # another drain holds the chat's oldest message (its lease runs)
# The head of a chat's outbox and its customer: all a drain reads of them (the claim, the
# send, the opt-out check), not the 40-odd columns of three tables. Written out rather
# than compiled from a queryset each time (see conversation_log.lean_sql).
_HEAD_FIELDS = (
    "id",
    "status",
    "lease_until",
    "next_attempt_at",
    "attempts",
    "allow_opted_out",
    "msg_type",
    "body",
    "chat_id",
)
_HEAD_CUSTOMER_FIELDS = ("id", "wa_id", "opted_out")
_OUTBOX_HEAD = (
    "SELECT "
    + lean_sql_select_list("msg", _HEAD_FIELDS)
    + ", "
    + lean_sql_select_list("cust", _HEAD_CUSTOMER_FIELDS)
    + """
FROM {msg} msg
INNER JOIN {chat} chat ON chat.id = msg.chat_id
INNER JOIN {cust} cust ON cust.id = chat.customer_id
WHERE msg.chat_id = %s AND msg.direction = %s AND msg.status IN (%s, %s)
ORDER BY msg.created_at, msg.id LIMIT 1
"""
)
_OUTBOX_ANY_UNSENT = """
SELECT 1 FROM {msg} msg
WHERE msg.chat_id = %s AND msg.direction = %s AND msg.status IN (%s, %s) LIMIT 1
"""


def _outbox_head(chat_id: int) -> Message | None:
    """The chat's oldest unsent outbound message with its chat and customer cached, as
    `select_related("chat__customer").only(...)` would load them; None when none is left."""
    rows = lean_sql_fetch(
        _OUTBOX_HEAD, [chat_id, Direction.OUTBOUND.value, *_UNSENT_VALUES], one=True
    )
    if not rows:
        return None
    row = rows[0]
    split = len(_HEAD_FIELDS)
    head = lean_sql_instance(Message, _HEAD_FIELDS, row[:split])
    customer = lean_sql_instance(Customer, _HEAD_CUSTOMER_FIELDS, row[split:])
    chat = lean_sql_instance(Chat, ("id", "customer_id"), (head.chat_id, customer.pk))
    Chat.customer.field.set_cached_value(chat, customer)
    Chat.customer.field.remote_field.set_cached_value(customer, chat)
    Message.chat.field.set_cached_value(head, chat)
    return head


def _claim_next(chat_id: int, *, eager: bool) -> Message | _Wait | object | None:
    """Claim the chat's oldest unsent outbound message: `queued` (and due), or `sending`
    whose lease ran out (its drain died mid-send). It moves to `sending` with a lease and
    its attempt counted by one conditional UPDATE on the state it was read in (the attempt
    count changes with every claim), so of two drains reading the same head only one
    claims it; the other reads the head again. None when nothing is left, `_BUSY` when
    another drain holds it, `_Wait` when it waits in backoff (not when tasks run eagerly,
    in-process: there is no broker to wait with, so it is retried at once, as an eager
    Celery retry would)."""
    while True:
        now = timezone.now()
        head = _outbox_head(chat_id)
        if head is None:
            return None
        if head.status == DeliveryStatus.SENDING and head.lease_until and head.lease_until > now:
            return _BUSY
        backing_off = head.status == DeliveryStatus.QUEUED and head.next_attempt_at
        if backing_off and head.next_attempt_at > now and not eager:
            return _Wait((head.next_attempt_at - now).total_seconds())
        lease_until = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
        claimed = lean_sql_execute(
            _CLAIM,
            [_at(lease_until), head.pk, str(head.status), head.attempts],
        )
        if claimed:
            head.status, head.lease_until = DeliveryStatus.SENDING, lease_until
            head.attempts += 1
            return head


# The claim and the record of a send, written out (every turn runs each once). The same
# conditional UPDATEs as `filter(pk=…, status=…, attempts=…).update(…)` and
# `_mine(message).update(…)`: the WHERE is what keeps a row from being sent twice.
_CLAIM = f"""
UPDATE {{msg}} AS msg SET status = '{DeliveryStatus.SENDING.value}',
    {lean_sql_set_list("msg", ["lease_until"])}, attempts = msg.attempts + 1
WHERE msg.id = %s AND msg.status = %s AND msg.attempts = %s
"""
_SENT_FIELDS = ("wamid", "sent_at", "status_updated_at")
_MARK_SENT = f"""
UPDATE {{msg}} AS msg SET status = '{DeliveryStatus.SENT.value}',
    {lean_sql_set_list("msg", _SENT_FIELDS)}, lease_until = NULL, next_attempt_at = NULL
WHERE msg.id = %s AND msg.status = '{DeliveryStatus.SENDING.value}' AND msg.lease_until = %s
"""


def _at(value: datetime) -> Any:
    """A datetime as the ORM sends it to this database."""
    return connection.ops.adapt_datetimefield_value(value)


def _unsent_left(chat_id: int) -> bool:
    """Whether the chat still has a message to send (one read, no lock): a reply queued
    while this drain was sending, whose own drain found the chat busy and left it to us."""
    return bool(
        lean_sql_fetch(
            _OUTBOX_ANY_UNSENT, [chat_id, Direction.OUTBOUND.value, *_UNSENT_VALUES], one=True
        )
    )


def _mine(message: Message):
    """The row, only while this drain's claim holds (a conditional update never touches a
    row another drain re-claimed after our lease ran out)."""
    return Message.objects.filter(
        pk=message.pk, status=DeliveryStatus.SENDING, lease_until=message.lease_until
    )


def _fail(message: Message, *, code: int | None, title: str) -> None:
    _mine(message).update(
        status=DeliveryStatus.FAILED,
        error_code=code,
        error_title=title[:300],
        lease_until=None,
        status_updated_at=timezone.now(),
    )


def _back_off(message: Message, *, seconds: float) -> None:
    _mine(message).update(
        status=DeliveryStatus.QUEUED,
        lease_until=None,
        next_attempt_at=timezone.now() + timedelta(seconds=seconds),
    )


def _sendable(message: Message) -> bool:
    """Whether the customer may receive it now: an opted-out customer gets nothing but the
    opt-out confirmation, also when they opted out after the message was queued."""
    return message.allow_opted_out or not message.chat.customer.opted_out


def _mark_sent(message: Message, wamid: str) -> None:
    """Record the send. The message has left: it must never go back to `queued` (a drain
    would send it twice), even if Graph returned a wamid we already hold."""
    now = timezone.now()
    sent = {
        "status": DeliveryStatus.SENT,
        "sent_at": now,
        "status_updated_at": now,
        "lease_until": None,
        "next_attempt_at": None,
    }
    try:
        with savepoint_if_in_transaction():
            lean_sql_execute(
                _MARK_SENT, [wamid, _at(now), _at(now), message.pk, _at(message.lease_until)]
            )
    except IntegrityError:
        logger.error("Graph returned wamid %s twice; message %s kept without it", wamid, message.pk)
        _mine(message).update(**sent)
        return
    # Meta may have reported on it before we got here (a fast "delivered" or "failed").
    early_statuses_apply(wamid=wamid)


def callback_data_for(message: Message) -> str:
    """What Meta echoes in the message's status webhooks: its row, so that a send whose
    response was lost is recorded from its "sent" status instead of being sent again
    (`conversation_log.services.message_status_update`)."""
    return f"{CALLBACK_PREFIX}{message.pk}"


def outbox_drain_later(chat_id: int, *, seconds: float) -> None:
    try:
        drain_outbox_task.apply_async((chat_id,), countdown=max(seconds, 0.0))
    except Exception:  # the broker is down: the sweep re-triggers the drain when it is due
        logger.exception("could not schedule the outbox drain of chat %s", chat_id)


@shop_task(name="message_bus.drain_outbox")
def drain_outbox_task(chat_id: int) -> int:
    """Send one chat's outbox (`outbox_drain`); returns how many were sent."""
    return outbox_drain(chat_id=chat_id)


def outbox_drain(*, chat_id: int) -> int:
    """Send one chat's outbox in (created, id) order; returns how many were sent. The
    inbox drain calls it once its turn has committed; `drain_outbox_task` for everything
    else (staff replies, proactive messages, retries, the sweep).

    Each message is claimed (`queued` → `sending` with a lease) by a conditional update,
    sent, then marked `sent` or `failed` by a conditional update, so neither a duplicate
    task nor the sweep sends a row twice. A retryable error (429, 5xx, network) puts the
    message back in `queued` with its backoff and schedules the drain for then: nothing
    newer of the chat is sent before it, so the customer reads the replies in order. Other
    errors fail the message and the drain goes on with the next."""
    transport = transport_get()
    eager = bool(drain_outbox_task.app.conf.task_always_eager)
    sent = 0
    while True:
        claim = _claim_next(chat_id, eager=eager)
        if claim is None or claim is _BUSY:
            return sent
        if isinstance(claim, _Wait):
            outbox_drain_later(chat_id, seconds=claim.seconds)
            return sent
        message = claim
        if not _sendable(message):
            logger.info("message %s not sent: the customer opted out", message.pk)
            _fail(message, code=None, title=OPTED_OUT_TITLE)
            OUTBOUND_SENDS.labels(status="opted_out", error_code="").inc()
            continue
        if message.msg_type == "template" and not template_still_approved(body=message.body):
            logger.info("message %s not sent: its template is no longer approved", message.pk)
            _fail(message, code=None, title=TEMPLATE_NOT_APPROVED_TITLE)
            continue
        try:
            # The recipient is the chat's customer, never anything stored in the body.
            with OUTBOUND_SEND_SECONDS.time():
                wamid = transport.send(
                    to=message.chat.customer.wa_id,
                    payload=message.body,
                    callback_data=callback_data_for(message),
                )
        except GraphAPIError as error:
            code = error.code if error.code is not None else error.http_status
            if error.retryable and message.attempts < MAX_SEND_ATTEMPTS:
                OUTBOUND_SENDS.labels(status="retry", error_code=str(code or "")).inc()
                delay = backoff_seconds(message.attempts, error.retry_after)
                logger.warning(
                    "send of message %s failed (%s); retrying in %.1f s", message.pk, error, delay
                )
                _back_off(message, seconds=delay)
                if eager:
                    continue
                outbox_drain_later(chat_id, seconds=delay)
                return sent
            logger.error("message %s failed: %s", message.pk, error)
            _fail(message, code=code, title=error.title)
            OUTBOUND_SENDS.labels(status="failed", error_code=str(code or "")).inc()
            continue
        _mark_sent(message, wamid)
        OUTBOUND_SENDS.labels(status="sent", error_code="").inc()
        sent += 1
        if not _unsent_left(chat_id):
            return sent


@shop_task(name="message_bus.send_messages")
def send_messages_task(message_ids: list[int]) -> None:
    """Tasks published before the outbox (a rolling deploy): drain those messages' chats."""
    chat_ids = set(Message.objects.filter(pk__in=message_ids).values_list("chat_id", flat=True))
    for chat_id in sorted(chat_ids):
        drain_outbox_task(chat_id)


@shop_task(name="message_bus.mark_read")
def mark_read_task(wamid: str) -> None:
    """Blue ticks and the typing indicator for the customer's latest message (tasks
    published before the inbox drain sent them itself)."""
    read_receipt_send(wamid=wamid)


@shop_task(name="message_bus.retry_failed")
def retry_failed_task(older_than_seconds: int = OUTBOX_SWEEP_AFTER_SECONDS) -> int:
    """Re-trigger the outbox drains that should be running and are not: chats with a
    message `queued` for a while and due (the broker lost its drain, or the drain's retry),
    or `sending` past its lease (a worker died mid-send). It never sends anything itself:
    the drain keeps each chat's order. Returns the number of chats."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=older_than_seconds)
    due = Q(status=DeliveryStatus.QUEUED, created_at__lt=cutoff) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    expired = Q(status=DeliveryStatus.SENDING, lease_until__lt=now)
    chat_ids = sorted(
        set(
            Message.objects.filter(direction=Direction.OUTBOUND)
            .filter(due | expired)
            .values_list("chat_id", flat=True)
        )
    )
    for chat_id in chat_ids:
        drain_outbox_task.delay(chat_id)
    SWEEPER_REENQUEUED.labels(sweeper="outbox").inc(len(chat_ids))
    if chat_ids:
        logger.info("re-triggered the outbox drains of %d chats", len(chat_ids))
    return len(chat_ids)


@shop_task(name="message_bus.sync_templates", soft_time_limit=240, time_limit=300)
def sync_templates_task() -> int:
    """Sync the business account's message templates from the Graph API (hourly); the
    status webhooks keep them current in between. Returns how many were stored."""
    try:
        return templates_sync()
    except TemplateSyncUnavailable as exc:
        logger.info("template sync skipped: %s", exc)
        return 0
