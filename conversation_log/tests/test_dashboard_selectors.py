"""The dashboard's outbound delivery figures (and the index they are read from) and its
handoff queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from conversation_log.models import Chat, DeliveryStatus, Direction, Message
from conversation_log.selectors import chat_handoff_queue_head, message_delivery_counts
from tests.factories import ChatFactory, OutboundMessageFactory

pytestmark = pytest.mark.django_db

SINCE, UNTIL = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 8, tzinfo=UTC)
INSIDE, OUTSIDE = datetime(2026, 3, 4, tzinfo=UTC), datetime(2026, 2, 27, tzinfo=UTC)


def _inbound(chat, at: datetime) -> None:  # type: ignore[no-untyped-def]
    message = Message.objects.create(
        chat=chat, direction=Direction.INBOUND, status=DeliveryStatus.RECEIVED, text="hi"
    )
    Message.objects.filter(pk=message.pk).update(created_at=at)


def _outbound(status: str, at: datetime, error_code: int | None = None) -> None:
    message = OutboundMessageFactory(status=status, error_code=error_code)
    Message.objects.filter(pk=message.pk).update(created_at=at)


def test_delivery_counts_are_cumulative_and_failures_grouped_by_meta_code() -> None:
    # given
    for status in ("sent", "delivered", "delivered", "read", "queued", "sending"):
        _outbound(status, INSIDE)
    _outbound("failed", INSIDE, error_code=131047)
    _outbound("failed", INSIDE, error_code=131047)
    _outbound("failed", INSIDE, error_code=130429)
    _outbound("failed", INSIDE)
    _outbound("read", OUTSIDE)

    # when
    counts = message_delivery_counts(since=SINCE, until=UNTIL)

    # then
    assert (counts.sent, counts.delivered, counts.read, counts.failed, counts.pending) == (
        4,
        3,
        1,
        4,
        2,
    )
    assert counts.total == 10
    assert counts.failure_codes[0] == (131047, 2)
    assert set(counts.failure_codes[1:]) == {(130429, 1), (None, 1)}


def test_delivery_counts_ignore_inbound_messages() -> None:
    # given
    _inbound(ChatFactory(), INSIDE)

    # when
    counts = message_delivery_counts(since=SINCE, until=UNTIL)

    # then
    assert counts.total == 0
    assert counts.failure_codes == ()


def test_the_delivery_index_carries_the_error_code_in_place_of_the_former_one() -> None:
    # given
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Message._meta.db_table)

    # when: the indexes that start like the dashboard's and the outbox sweeps' filters
    delivery = [
        c["columns"]
        for c in constraints.values()
        if c["index"] and c["columns"][:3] == ["direction", "status", "created_at"]
    ]

    # then: one index, still in the model's order (created_at, id) before error_code
    assert delivery == [["direction", "status", "created_at", "id", "error_code"]]


def _explain(sql: str, params: tuple[object, ...]) -> list[tuple[str, str]]:
    """(index used, Extra) of each table MariaDB's EXPLAIN reads for a query."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        columns = [c[0] for c in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return [(row["key"], row["Extra"]) for row in rows]


@pytest.mark.mysql_only
def test_failures_by_code_read_the_delivery_index_alone_and_its_list_needs_no_sort() -> None:
    # given
    for n in range(40):
        _outbound(("read", "failed", "queued", "sent")[n % 4], INSIDE, error_code=131047)
    window = Q(direction=Direction.OUTBOUND, created_at__gte=SINCE, created_at__lt=UNTIL)
    failures = (
        Message.objects.filter(window, status=DeliveryStatus.FAILED)
        .values("error_code")
        .annotate(n=Count("id"))
        .order_by("-n", "error_code")
    )
    # what the message admin lists when filtered by direction and status
    admin_list = Message.objects.filter(direction="out", status="failed").order_by(
        "created_at", "id"
    )[:100]

    # when
    failures_plan = _explain(*failures.query.sql_with_params())
    admin_plan = _explain(*admin_list.query.sql_with_params())

    # then
    [(index, extra)] = failures_plan
    assert index == "message_direction_status_day" and "Using index" in extra.split("; ")
    [(index, extra)] = admin_plan
    assert index == "message_direction_status_day" and "filesort" not in extra


def _waiting(minutes: int) -> Chat:
    chat = ChatFactory(context={"cart": ["a large dialog context"]})
    Chat.objects.filter(pk=chat.pk).update(
        handoff_active=True, handoff_requested_at=timezone.now() - timedelta(minutes=minutes)
    )
    return chat


def test_handoff_queue_head_lists_the_longest_waiting_first_and_counts_them_all() -> None:
    # given
    newest, oldest, middle = _waiting(5), _waiting(90), _waiting(30)
    ChatFactory()  # not waiting

    # when
    head, total = chat_handoff_queue_head(limit=2)

    # then
    assert [chat.pk for chat in head] == [oldest.pk, middle.pk]
    assert total == 3
    assert newest.pk not in {chat.pk for chat in head}


def test_handoff_queue_head_loads_the_customer_but_not_the_dialog_context(
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    # given
    chat = _waiting(5)

    # when
    with django_assert_num_queries(1):
        (loaded,), total = chat_handoff_queue_head(limit=50)
        shown = str(loaded.customer)

    # then
    assert total == 1
    assert {"state", "context"} <= loaded.get_deferred_fields()
    assert shown == str(chat.customer)
