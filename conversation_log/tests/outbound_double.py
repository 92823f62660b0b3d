"""A stand-in for message_bus's text sender, wired through settings.OUTBOUND_TEXT_SENDER in
tests: it records the outbound Message row the way the composer does (queued), so tests
check the database rather than a mock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conversation_log.models import Chat, DeliveryStatus, Direction, Message

if TYPE_CHECKING:
    from users.models import Customer

PATH = "conversation_log.tests.outbound_double.record_text"


def record_text(*, customer: Customer, text: str, sent_by_staff: str = "") -> Message:
    chat, _ = Chat.objects.get_or_create(customer=customer)
    return Message.objects.create(
        chat=chat,
        direction=Direction.OUTBOUND,
        msg_type="text",
        body={"type": "text", "text": {"body": text}},
        text=text,
        status=DeliveryStatus.QUEUED,
        sent_by_staff=sent_by_staff,
    )
