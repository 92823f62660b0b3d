"""Reads of conversations for staff screens, the API and housekeeping."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Count, Max, Q, QuerySet

from users.models import Customer

from .lean_sql import (
    lean_sql_all_fields,
    lean_sql_fetch,
    lean_sql_instance,
    lean_sql_select_list,
    lean_sql_value,
)
from .models import (
    Chat,
    DeliveryStatus,
    Direction,
    Message,
    ShopEvent,
    ShopEventKind,
    ShopEventLatest,
)


def chat_get(*, chat_id: int) -> Chat | None:
    return Chat.objects.select_related("customer").filter(pk=chat_id).first()


def chat_get_with_customer(*, customer_id: int) -> Chat:
    """The customer's Chat and the customer, in one read that takes no lock: for a caller
    holding the chat's row lock in its transaction (`services.chat_get_locked`, as the
    inbox drain does around each turn), so the row cannot change under it. FOR UPDATE
    with the join would lock the customer row as well, and the webhook needs that row to
    store the customer's next message."""
    row = lean_sql_fetch(_CHAT_WITH_CUSTOMER, [customer_id], one=True)
    if not row:
        raise Chat.DoesNotExist(f"customer {customer_id} has no chat")
    split = len(_CHAT_FIELDS)
    chat = lean_sql_instance(Chat, _CHAT_FIELDS, row[0][:split])
    customer = lean_sql_instance(Customer, _CUSTOMER_FIELDS, row[0][split:])
    # What select_related("customer") caches on a one-to-one: both directions.
    Chat.customer.field.set_cached_value(chat, customer)
    Chat.customer.field.remote_field.set_cached_value(customer, chat)
    return chat


# The turn's reads (see lean_sql: the same statements as the querysets, without compiling).
_CHAT_FIELDS = lean_sql_all_fields(Chat)
_CUSTOMER_FIELDS = lean_sql_all_fields(Customer)
_CHAT_WITH_CUSTOMER = (
    "SELECT "
    + lean_sql_select_list("chat", _CHAT_FIELDS)
    + ", "
    + lean_sql_select_list("cust", _CUSTOMER_FIELDS)
    + " FROM {chat} chat INNER JOIN {cust} cust ON cust.id = chat.customer_id"
    " WHERE chat.customer_id = %s"
)
_INBOUND_TIMES = """
SELECT msg.created_at FROM {msg} msg
WHERE msg.chat_id = %s AND msg.direction = %s AND msg.created_at > %s
ORDER BY msg.created_at DESC LIMIT %s
"""


def chat_list(*, handoff: bool | None = None, closed: bool | None = None) -> QuerySet[Chat]:
    """Chats, most recently active first, optionally only those in (or out of) handoff."""
    qs = Chat.objects.select_related("customer")
    if handoff is not None:
        qs = qs.filter(handoff_active=handoff)
    if closed is not None:
        qs = qs.filter(closed=closed)
    return qs.order_by("-last_activity_at", "-id")


def chat_list_open_handoffs() -> QuerySet[Chat]:
    """Chats waiting for a human, the longest-waiting first."""
    return (
        Chat.objects.select_related("customer")
        .filter(handoff_active=True, closed=False)
        .order_by("handoff_requested_at", "id")
    )


def chat_handoff_queue_head(*, limit: int) -> tuple[list[Chat], int]:
    """The first `limit` chats waiting for a human, longest-waiting first, and how many
    wait in all (counted by a second query only when the first `limit` are not all of
    them). Each chat is loaded with its customer and only what a list of them shows (when
    it started waiting), not the dialog's state and context."""
    queue = chat_list_open_handoffs()
    head = list(
        queue.only(
            "id",
            "handoff_requested_at",
            "last_activity_at",
            "created_at",
            "customer__id",
            "customer__wa_id",
            "customer__profile_name",
        )[:limit]
    )
    return head, len(head) if len(head) < limit else queue.count()


def chat_transcript(*, chat: Chat, limit: int = 200) -> list[Message]:
    """The last `limit` messages of a chat, oldest first (the order staff read them in)."""
    latest = list(chat.messages.order_by("-created_at", "-id")[:limit])
    latest.reverse()
    return latest


def chat_ids_inactive(*, before: datetime) -> list[int]:
    """Open chats with no activity since `before` (a chat never active counts from its
    creation)."""
    return list(
        Chat.objects.filter(closed=False)
        .filter(
            Q(last_activity_at__lt=before) | Q(last_activity_at__isnull=True, created_at__lt=before)
        )
        .order_by("id")
        .values_list("id", flat=True)
    )


def message_inbound_times(*, chat: Chat, since: datetime, limit: int) -> list[datetime]:
    """When the chat's newest inbound messages (at most `limit`, newer than `since`) were
    recorded, newest first: one read of the (chat, created_at) index."""
    rows = lean_sql_fetch(
        _INBOUND_TIMES,
        [chat.pk, Direction.INBOUND.value, connection.ops.adapt_datetimefield_value(since), limit],
    )
    return [lean_sql_value(Message, "created_at", created_at) for (created_at,) in rows]


# --- Staff dashboard (bootstrap.dashboard) ------------------------------------------------
@dataclass(frozen=True)
class DeliveryCounts:
    """Outbound messages created in a period, by how far they got. A read message was also
    delivered and sent, so `sent` >= `delivered` >= `read`; `pending` are still queued or
    in flight; `failure_codes` is (Meta error code or None, count), most frequent first."""

    total: int
    pending: int
    sent: int
    delivered: int
    read: int
    failed: int
    failure_codes: tuple[tuple[int | None, int], ...]


def message_delivery_counts(*, since: datetime, until: datetime) -> DeliveryCounts:
    """Outbound delivery over [since, until) (by message creation): one GROUP BY status on
    the (direction, status, created_at) index and one GROUP BY error_code of the failures."""
    window = Q(direction=Direction.OUTBOUND, created_at__gte=since, created_at__lt=until)
    statuses = [s for s in DeliveryStatus.values if s != DeliveryStatus.RECEIVED]
    by_status = dict(
        Message.objects.filter(window, status__in=statuses)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    codes = tuple(
        (row["error_code"], row["n"])
        for row in Message.objects.filter(window, status=DeliveryStatus.FAILED)
        .values("error_code")
        .annotate(n=Count("id"))
        .order_by("-n", "error_code")
    )
    read = by_status.get(DeliveryStatus.READ, 0)
    delivered = by_status.get(DeliveryStatus.DELIVERED, 0) + read
    sent = by_status.get(DeliveryStatus.SENT, 0) + delivered
    pending = by_status.get(DeliveryStatus.QUEUED, 0) + by_status.get(DeliveryStatus.SENDING, 0)
    failed = by_status.get(DeliveryStatus.FAILED, 0)
    return DeliveryCounts(
        total=sent + pending + failed,
        pending=pending,
        sent=sent,
        delivered=delivered,
        read=read,
        failed=failed,
        failure_codes=codes,
    )


@dataclass(frozen=True)
class ShopEventCounts:
    """Distinct customers who searched for products / started a checkout in a period."""

    searchers: int
    checkouts: int


def shop_event_customer_counts(*, starts: Sequence[datetime]) -> list[ShopEventCounts]:
    """For each period from a start to now: the customers who had a search answered and those
    who started a checkout, each customer once. One aggregate query for all periods and
    both kinds, a range count on ShopEventLatest's (kind, last_at) index: a customer had an
    event in the period exactly when their newest one is in it, since none is in the future.
    Its cost follows the customers, not their events (which it used to count distinct:
    bench/dashboard.py)."""
    aggregates = {}
    for i, start in enumerate(starts):
        for kind in ShopEventKind.values:
            aggregates[f"{kind}{i}"] = Count("id", filter=Q(kind=kind, last_at__gte=start))
    counts = ShopEventLatest.objects.filter(
        kind__in=ShopEventKind.values, last_at__gte=min(starts)
    ).aggregate(**aggregates)
    return [
        ShopEventCounts(
            searchers=counts[f"{ShopEventKind.SEARCH}{i}"],
            checkouts=counts[f"{ShopEventKind.CHECKOUT_STARTED}{i}"],
        )
        for i in range(len(starts))
    ]


@dataclass(frozen=True)
class NoResultSearch:
    """Searches that found nothing, grouped by their words (stored normalised)."""

    query: str
    count: int
    customers: int
    language: str
    last_at: datetime


def shop_search_no_result_list(
    *, since: datetime, until: datetime, limit: int = 10
) -> list[NoResultSearch]:
    """The most frequent searches since `since` that found no product, most searched first
    (ties: most recent first); searches with no words (a budget alone) are left out. One
    GROUP BY read from the (kind, results, query, created_at, customer, language) index
    alone, in its order."""
    rows = (
        ShopEvent.objects.filter(
            kind=ShopEventKind.SEARCH, results=0, created_at__gte=since, created_at__lt=until
        )
        .exclude(query="")
        .values("query")
        .annotate(
            n=Count("id"),
            customers=Count("customer_id", distinct=True),
            lang=Max("language"),
            last_at=Max("created_at"),
        )
        .order_by("-n", "-last_at", "query")[:limit]
    )
    return [
        NoResultSearch(
            query=row["query"],
            count=row["n"],
            customers=row["customers"],
            language=row["lang"],
            last_at=row["last_at"],
        )
        for row in rows
    ]
