"""The composer: persist each outbound message, then dispatch it after commit.

Each chat has an outbox: its queued messages are sent by one drain at a time, in the order
they were composed (Meta does not keep the order of concurrent sends to one user). A row is
written first (status `queued`), so a broker outage loses nothing: `message_bus.retry_failed`
re-triggers the drains of chats whose messages wait.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import translation

from conversation_log.models import Chat, DeliveryStatus, Direction, Message
from users.selectors import customer_in_service_window

from .dto import OutboundMessage, Template, Text, normalise, to_graph

if TYPE_CHECKING:
    from users.models import Customer

logger = logging.getLogger(__name__)

# Set by `outbox_dispatch_deferred`: the chats whose outbox the caller sends itself.
_deferred_chats: ContextVar[set[int] | None] = ContextVar("outbox_deferred", default=None)


class OutsideServiceWindow(Exception):
    """Free-form messages may only be sent within 24 hours of the customer's last message."""


class CustomerOptedOut(Exception):
    """The customer asked not to be messaged."""


def outbound_send(
    *,
    customer: Customer,
    messages: Sequence[OutboundMessage],
    chat: Chat | None = None,
    sent_by_staff: str = "",
    allow_opted_out: bool = False,
) -> list[Message]:
    """Persist `messages` (normalised to Graph limits) as queued outbound rows and dispatch
    them, in order, after the transaction commits.

    An opted-out customer gets nothing: refused here, and checked again when each row is
    sent (the customer may opt out while it waits). `allow_opted_out` is for the opt-out
    confirmation alone; the rows remember it so the send task lets them through."""
    if customer.opted_out and not allow_opted_out:
        raise CustomerOptedOut(customer.wa_id)
    if not customer_in_service_window(customer=customer):
        raise OutsideServiceWindow(customer.wa_id)
    if any(isinstance(message, Template) for message in messages):
        raise TypeError("templates are sent by template_send")
    return _queue(
        customer=customer,
        messages=messages,
        chat=chat,
        sent_by_staff=sent_by_staff,
        allow_opted_out=allow_opted_out,
    )


def template_send(*, customer: Customer, message: Template) -> Message:
    """Persist one template message as a queued outbound row and dispatch it after commit.
    Templates are what Meta accepts outside the 24-hour window, so the window is not
    checked; the caller (`message_bus.proactive`) has checked that the template is
    approved and its parameters match its slots. Raises InvalidOutbound for parameters
    beyond Graph's limits, CustomerOptedOut for an opted-out customer."""
    if customer.opted_out:
        raise CustomerOptedOut(customer.wa_id)
    (row,) = _queue(customer=customer, messages=[message])
    return row


def _queue(
    *,
    customer: Customer,
    messages: Sequence[OutboundMessage],
    chat: Chat | None = None,
    sent_by_staff: str = "",
    allow_opted_out: bool = False,
) -> list[Message]:
    if chat is None:
        chat, _ = Chat.objects.get_or_create(customer=customer)
    with translation.override(customer.language):
        more_body = translation.gettext("More options:")
    rows = [
        Message(
            chat=chat,
            direction=Direction.OUTBOUND,
            msg_type=part.kind,
            body=to_graph(part),
            text=part.render()[:4096],
            status=DeliveryStatus.QUEUED,
            sent_by_staff=sent_by_staff,
            allow_opted_out=allow_opted_out,
        )
        for message in messages
        for part in normalise(message, more_body=more_body)
    ]
    if not rows:
        return []
    for row in rows:  # save() (not bulk_create) so ids exist on every database
        row.save()
    deferred = _deferred_chats.get()
    if deferred is not None:
        deferred.add(chat.pk)
    else:
        transaction.on_commit(lambda: outbox_dispatch(chat_id=chat.pk))
    return rows


def text_send(*, customer: Customer, text: str, sent_by_staff: str = "") -> Message:
    """One free-form text (staff replies, reminders): the port `OUTBOUND_TEXT_SENDER`."""
    rows = outbound_send(customer=customer, messages=[Text(body=text)], sent_by_staff=sent_by_staff)
    return rows[0]


@contextmanager
def outbox_dispatch_deferred() -> Iterator[set[int]]:
    """Within it, messages queued in this thread are not dispatched on commit: the ids of
    their chats are collected in the set it yields, and the caller sends them once its
    transaction has committed (`message_bus.tasks.outbox_drain`, or `outbox_dispatch` as
    a fallback). The inbox drain sends a turn's replies this way, in the task that answered
    it instead of a task of their own. Rows of a rolled-back transaction are gone: a drain
    of their chat finds nothing to send."""
    chats: set[int] = set()
    token = _deferred_chats.set(chats)
    try:
        yield chats
    finally:
        _deferred_chats.reset(token)


def outbox_dispatch(*, chat_id: int) -> None:
    """Enqueue the chat's outbox drain; a broker outage is logged, the rows stay queued and
    the sweep re-triggers the drain later."""
    from .tasks import drain_outbox_task

    try:
        drain_outbox_task.delay(chat_id)
    except Exception:
        logger.exception("could not enqueue the outbox of chat %s; the sweep will", chat_id)
