"""Conversation actions: human handoff, staff replies and housekeeping of chats.

Every write to chats and messages outside the message pipeline goes through here.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from project_core.db import savepoint_if_in_transaction
from users.selectors import customer_in_service_window

from .exceptions import CustomerOptedOut, EmptyReply, OutsideServiceWindow
from .lean_sql import (
    lean_sql_all_fields,
    lean_sql_execute,
    lean_sql_fetch,
    lean_sql_instance,
    lean_sql_select_list,
    lean_sql_set_list,
)
from .models import (
    CALLBACK_STATUSES,
    SHOP_EVENT_QUERY_MAX,
    STATUS_RANK,
    Chat,
    DeliveryStatus,
    Direction,
    EarlyStatus,
    Feedback,
    Message,
    ShopEvent,
    ShopEventKind,
    ShopEventLatest,
)
from .outbound import outbound_text_send

logger = logging.getLogger(__name__)

# A closed or reset chat starts again at the assistant's greeting.
DEFAULT_STATE: str = Chat._meta.get_field("state").default
STAFF_REPLY_MAX_CHARS = 4096  # Graph's limit for a text body


def chat_handoff_start(*, chat: Chat) -> bool:
    """Hand the conversation to a human: the bot stays silent until staff end the handoff.
    Idempotent: False when the chat was already in handoff."""
    now = timezone.now()
    started = (
        Chat.objects.filter(pk=chat.pk, handoff_active=False).update(
            handoff_active=True,
            handoff_requested_at=now,
            closed=False,
            closed_at=None,
            updated_at=now,
        )
        == 1
    )
    chat.refresh_from_db()
    return started


def chat_handoff_end(*, chat: Chat, actor: str = "") -> bool:
    """Give the conversation back to the bot, which resumes at its default state.
    Idempotent: False when the chat was not in handoff."""
    now = timezone.now()
    ended = (
        Chat.objects.filter(pk=chat.pk, handoff_active=True).update(
            handoff_active=False,
            handoff_requested_at=None,
            state=DEFAULT_STATE,
            updated_at=now,
        )
        == 1
    )
    if ended:
        logger.info("handoff ended", extra={"chat_id": chat.pk, "actor": actor})
    chat.refresh_from_db()
    return ended


def chat_staff_reply(*, chat: Chat, text: str, staff: str) -> Any:
    """Send a staff member's free-form reply to the chat's customer through the message
    pipeline (persisted as an outbound Message with `sent_by_staff`).

    Refused with a domain error when the text is empty, the customer opted out, or the
    24-hour customer-service window is closed (Meta rejects free-form text then: error
    131047); nothing is sent in those cases.
    """
    text = (text or "").strip()
    if not text:
        raise EmptyReply()
    customer = chat.customer
    customer.refresh_from_db(fields=["opted_out", "last_inbound_at"])
    if customer.opted_out:
        raise CustomerOptedOut(customer.wa_id)
    if not customer_in_service_window(customer=customer):
        raise OutsideServiceWindow(customer.wa_id)
    result = outbound_text_send(
        customer=customer, text=text[:STAFF_REPLY_MAX_CHARS], sent_by_staff=staff[:150]
    )
    # A staff reply is activity: the housekeeping must not close this chat under them.
    Chat.objects.filter(pk=chat.pk).update(last_activity_at=timezone.now())
    logger.info("staff reply sent", extra={"chat_id": chat.pk, "staff": staff})
    return result


def chat_close_inactive(*, chat_id: int, inactive_before: datetime) -> bool:
    """Close a chat idle since before `inactive_before` and reset its dialog state, so the
    next message starts a fresh conversation. Conditional, so a chat that became active
    meanwhile stays open; idempotent: False when nothing changed."""
    now = timezone.now()
    return (
        Chat.objects.filter(pk=chat_id, closed=False)
        .filter(
            Q(last_activity_at__lt=inactive_before)
            | Q(last_activity_at__isnull=True, created_at__lt=inactive_before)
        )
        .update(
            closed=True,
            closed_at=now,
            state=DEFAULT_STATE,
            context={},
            handoff_active=False,
            handoff_requested_at=None,
            updated_at=now,
        )
        == 1
    )


# Run after every send, usually finding nothing (see lean_sql: the queryset's statement).
_EARLY_FIELDS = lean_sql_all_fields(EarlyStatus)
_EARLY_STATUSES = (
    "SELECT "
    + lean_sql_select_list("early", _EARLY_FIELDS)
    + " FROM {early} early WHERE early.wamid = %s ORDER BY early.at, early.id"
)


def early_statuses_apply(*, wamid: str) -> int:
    """Apply the status callbacks that arrived before `wamid` was recorded, in the order
    Meta sent them, and drop them. Returns how many changed the message. A no-op while no
    outbound message holds `wamid`. (Parked statuses are rare: they are read first, so
    the usual call, right after a send, is one indexed read.)"""
    early = [
        lean_sql_instance(EarlyStatus, _EARLY_FIELDS, row)
        for row in lean_sql_fetch(_EARLY_STATUSES, [wamid])
    ]
    if not early or not Message.objects.filter(wamid=wamid, direction=Direction.OUTBOUND).exists():
        return 0
    applied = sum(
        message_status_update(
            wamid=row.wamid,
            status=row.status,
            at=row.at,
            error_code=row.error_code,
            error_title=row.error_title,
        )
        for row in early
    )
    EarlyStatus.objects.filter(pk__in=[row.pk for row in early]).delete()
    return applied


def early_statuses_purge(*, before: datetime) -> int:
    """Drop status callbacks for wamids never recorded (another app's messages, or a send
    that was lost): they will not match anything any more."""
    deleted, _ = EarlyStatus.objects.filter(received_at__lt=before).delete()
    return deleted


FEEDBACK_COMMENT_MAX_CHARS = 1000


def feedback_record(*, chat: Chat, rating: int, language: str = "") -> Feedback:
    """Store a customer's rating (1-5) of the service."""
    if not 1 <= rating <= 5:
        raise ValueError(f"rating must be 1..5, not {rating!r}")
    return Feedback.objects.create(chat=chat, rating=rating, language=language)


def feedback_comment(*, feedback_id: int, comment: str) -> Feedback | None:
    """Attach the comment the customer typed after rating (None if the rating is gone)."""
    feedback = Feedback.objects.filter(pk=feedback_id).first()
    if feedback is None:
        return None
    feedback.comment = comment.strip()[:FEEDBACK_COMMENT_MAX_CHARS]
    feedback.save(update_fields=["comment"])
    return feedback


def message_purge_before(*, before: datetime, batch_size: int = 1000) -> int:
    """Delete messages (and with them their delivery statuses) created before `before`:
    the retention limit for personal data. Deletes in short batches so a large purge never
    holds long locks; returns how many were deleted."""
    deleted = 0
    while True:
        ids = list(
            Message.objects.filter(created_at__lt=before)
            .order_by("id")
            .values_list("id", flat=True)[:batch_size]
        )
        if not ids:
            return deleted
        with transaction.atomic():
            count, _ = Message.objects.filter(pk__in=ids).delete()
        deleted += count


def shop_event_query_key(text: str) -> str:
    """A search's words as stored and grouped: lower-case, whitespace collapsed, capped."""
    return " ".join(text.split()).lower()[:SHOP_EVENT_QUERY_MAX]


def shop_event_record(
    *,
    kind: str,
    customer_id: int,
    query: str = "",
    language: str = "",
    results: int = 0,
    at: datetime | None = None,
) -> ShopEvent:
    """Append one funnel event (a search answered, a checkout started) and move the
    customer's ShopEventLatest of that kind to it: an INSERT and an upsert, no read, so it
    costs the turn nothing noticeable.

    `at` backdates the event (demo history, tests); without it the event happens now. A
    backdated event never moves ShopEventLatest backwards, whatever order they come in."""
    if kind not in ShopEventKind.values:
        raise ValueError(f"unknown shop event kind {kind!r}")
    with transaction.atomic(savepoint=False):
        event = ShopEvent.objects.create(
            kind=kind,
            customer_id=customer_id,
            query=shop_event_query_key(query) if kind == ShopEventKind.SEARCH else "",
            language=language[:2],
            results=max(results, 0),
        )
        if at is None:
            _shop_event_latest_upsert(kind=kind, customer_id=customer_id, at=event.created_at)
        else:
            ShopEvent.objects.filter(pk=event.pk).update(created_at=at)  # auto_now_add
            event.created_at = at
            _shop_event_latest_advance(kind=kind, customer_id=customer_id, at=at)
    return event


def _shop_event_latest_upsert(*, kind: str, customer_id: int, at: datetime) -> None:
    """One INSERT ... ON DUPLICATE KEY UPDATE (ON CONFLICT ... DO UPDATE elsewhere) that sets
    the customer's newest event of `kind` to `at`. Only for events happening now: their
    times only grow, a customer's turns being serialised by the chat lock."""
    target = (
        {"unique_fields": ["kind", "customer"]}
        if transaction.get_connection().features.supports_update_conflicts_with_target
        else {}
    )
    ShopEventLatest.objects.bulk_create(
        [ShopEventLatest(kind=kind, customer_id=customer_id, last_at=at)],
        update_conflicts=True,
        update_fields=["last_at"],
        **target,
    )


def _shop_event_latest_advance(*, kind: str, customer_id: int, at: datetime) -> None:
    """Record `at` as the customer's newest event of `kind` unless a newer one is recorded:
    an INSERT that ignores the duplicate, then a conditional UPDATE."""
    ShopEventLatest.objects.bulk_create(
        [ShopEventLatest(kind=kind, customer_id=customer_id, last_at=at)], ignore_conflicts=True
    )
    ShopEventLatest.objects.filter(kind=kind, customer_id=customer_id, last_at__lt=at).update(
        last_at=at
    )


def shop_event_purge_before(*, before: datetime, batch_size: int = 1000) -> tuple[int, int]:
    """Delete funnel events created before `before` (the retention limit: a search's words
    are the customer's), in short batches like the messages, and the ShopEventLatest rows
    whose newest event is older (no event of theirs is left); returns how many of each."""
    return (
        _delete_in_batches(
            ShopEvent.objects.filter(kind__in=ShopEventKind.values, created_at__lt=before),
            batch_size=batch_size,
        ),
        _delete_in_batches(
            ShopEventLatest.objects.filter(kind__in=ShopEventKind.values, last_at__lt=before),
            batch_size=batch_size,
        ),
    )


def _delete_in_batches(rows: QuerySet[Any], *, batch_size: int) -> int:
    """Delete `rows` a batch of ids at a time, each DELETE checking the filter again: a
    ShopEventLatest row a customer's new event moved meanwhile stays."""
    deleted = 0
    while True:
        ids = list(rows.order_by("id").values_list("id", flat=True)[:batch_size])
        if not ids:
            return deleted
        with transaction.atomic():
            count, _ = rows.filter(pk__in=ids).delete()
        deleted += count


# --- The message pipeline ------------------------------------------------------------------
def chat_ensure(*, customer_id: int) -> None:
    """Create the customer's Chat if missing, committed on its own, before a caller locks
    it. Creating it inside the locking transaction let two drains of a new customer
    deadlock on MariaDB: the loser's INSERT waits on the winner's new row while holding a
    shared lock on the customer (the foreign key check) that the winner's turn then needs
    exclusively. Call it outside a transaction (in autocommit) for that reason: then it is
    one INSERT, and a duplicate (the chat exists) changes nothing."""
    try:
        with savepoint_if_in_transaction():
            Chat.objects.create(customer_id=customer_id)
    except IntegrityError:
        pass  # the chat exists (or a concurrent drain just made it)


# What `Chat.objects.select_for_update().filter(customer_id=…).values_list("pk")` sends
# (FOR UPDATE where the database has it), written out: every turn runs it.
_CHAT_LOCK = "SELECT chat.id FROM {chat} chat WHERE chat.customer_id = %s"


def chat_get_locked(*, customer_id: int) -> int:
    """Lock the customer's Chat (SELECT ... FOR UPDATE), created if missing, until the
    surrounding transaction ends: one worker at a time handles a conversation. Returns
    its id; the row itself is read by whoever needs it, under the lock (the lock is all
    the inbox drain wants, so it reads no columns)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("chat_get_locked must run inside a transaction")
    connection = transaction.get_connection()
    for_update = " FOR UPDATE" if connection.features.has_select_for_update else ""
    rows = lean_sql_fetch(_CHAT_LOCK + for_update, [customer_id], one=True)
    if rows:
        return rows[0][0]
    locked = Chat.objects.select_for_update().filter(customer_id=customer_id).order_by()
    locked = locked.values_list("pk")
    try:
        with transaction.atomic():
            Chat.objects.create(customer_id=customer_id)
    except IntegrityError:
        pass  # created concurrently; lock the winner's row below
    return locked.get()[0]


def chat_save_turn(*, chat: Chat, state: str, context: dict[str, Any], language: str) -> Chat:
    """Persist the dialog state after a turn."""
    chat.state = state
    chat.context = context
    chat.language = language
    chat.last_activity_at = timezone.now()
    chat.closed = False
    chat.closed_at = None
    chat.updated_at = chat.last_activity_at  # auto_now, as save() would set it
    # `chat.save(update_fields=_TURN_FIELDS)` written out (every turn runs it); the values
    # go through each field's own preparation, as save() sends them.
    connection = transaction.get_connection()
    params = [
        Chat._meta.get_field(attname).get_db_prep_save(getattr(chat, attname), connection)
        for attname in _TURN_FIELDS
    ]
    if not lean_sql_execute(_SAVE_TURN, [*params, chat.pk]):
        raise DatabaseError("Save with update_fields did not affect any rows.")
    return chat


_TURN_FIELDS = (
    "state",
    "context",
    "language",
    "last_activity_at",
    "closed",
    "closed_at",
    "updated_at",
)
_SAVE_TURN = (
    "UPDATE {chat} AS chat SET " + lean_sql_set_list("chat", _TURN_FIELDS) + " WHERE chat.id = %s"
)


def message_record_inbound(
    *, chat: Chat, wamid: str, msg_type: str, body: dict[str, Any], text: str
) -> None:
    """Log the customer's message on the chat, idempotent on wamid: one INSERT whose
    duplicate (a redelivery) updates nothing (ON DUPLICATE KEY / ON CONFLICT), so the
    usual turn neither reads first nor needs a savepoint around it."""
    conflict = (
        {"unique_fields": ["wamid"]}
        if transaction.get_connection().features.supports_update_conflicts_with_target
        else {}
    )
    row = Message(
        wamid=wamid,
        chat=chat,
        direction=Direction.INBOUND,
        msg_type=msg_type,
        body=body,
        text=text[:4096],
        status=DeliveryStatus.RECEIVED,
    )
    Message.objects.bulk_create([row], update_conflicts=True, update_fields=["wamid"], **conflict)


CALLBACK_PREFIX = "out:"


def _status_by_callback_data(callback_data: str, *, wamid: str, changes: dict[str, Any]) -> bool:
    """Record `wamid` and the status on the unsent row named by `callback_data`, if any."""
    if not callback_data.startswith(CALLBACK_PREFIX):
        return False
    try:
        row_id = int(callback_data.removeprefix(CALLBACK_PREFIX))
    except ValueError:
        return False
    unsent = Message.objects.filter(
        pk=row_id,
        direction=Direction.OUTBOUND,
        wamid__isnull=True,
        status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING],
    )
    try:
        with transaction.atomic():
            found = unsent.update(wamid=wamid, lease_until=None, next_attempt_at=None, **changes)
    except IntegrityError:  # the send task recorded the wamid on it meanwhile
        return False
    if found:
        logger.info("message %s recorded as %s from its status webhook", row_id, changes["status"])
    return bool(found)


def message_status_update(
    *,
    wamid: str,
    status: str,
    at: datetime | None = None,
    error_code: int | None = None,
    error_title: str = "",
    callback_data: str = "",
) -> bool:
    """Apply a delivery status callback to an outbound message. A status never moves
    backwards (read then a late 'delivered' stays read); a failure keeps Meta's code and
    title. `callback_data` is what the send task gave Meta (`out:<message id>`): a status
    for a wamid we never recorded (the worker died before it could) is matched to its row
    by it, so the row is not sent again. Returns True when the row changed."""
    if status not in CALLBACK_STATUSES:
        return False
    at = at or timezone.now()
    ours = Message.objects.filter(wamid=wamid, direction=Direction.OUTBOUND)
    # One statement: the row lock and the re-read of the WHERE under it keep two callbacks
    # of one message from moving it backwards, without a transaction around them.
    changes: dict[str, Any] = {"status": status, "status_updated_at": at}
    timestamp_field = {
        DeliveryStatus.SENT: "sent_at",
        DeliveryStatus.DELIVERED: "delivered_at",
        DeliveryStatus.READ: "read_at",
    }.get(status)
    if timestamp_field:
        changes[timestamp_field] = Coalesce(F(timestamp_field), Value(at))
    if status == DeliveryStatus.FAILED:
        changes.update(error_code=error_code, error_title=error_title[:300])
    behind = [name for name, rank in STATUS_RANK.items() if rank < STATUS_RANK[status]]
    if ours.filter(status__in=behind).update(**changes):
        return True
    if ours.exists():
        return False  # a status it already has, or one behind it
    if _status_by_callback_data(callback_data, wamid=wamid, changes=changes):
        return True
    # Not (yet) ours: the send task may not have recorded the wamid Graph returned. Park
    # it; the send task applies it after recording the wamid, and so do we after parking
    # it, in case the wamid was recorded meanwhile (one of the two always sees the other's
    # commit).
    with transaction.atomic():
        EarlyStatus.objects.create(
            wamid=wamid,
            status=status,
            at=at,
            error_code=error_code,
            error_title=error_title[:300],
        )
        transaction.on_commit(lambda: early_statuses_apply(wamid=wamid))
    return False
