"""The dashboard's outbound delivery figures."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from conversation_log.models import DeliveryStatus, Direction, Message
from conversation_log.selectors import message_delivery_counts
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
