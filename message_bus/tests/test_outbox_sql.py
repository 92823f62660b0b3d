"""The outbox drain's hand-written reads match the models and load what the querysets
they replace load."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conversation_log.lean_sql import lean_sql_columns
from conversation_log.models import DeliveryStatus, Message
from message_bus import tasks
from tests.factories import ChatFactory, OutboundMessageFactory


@pytest.mark.parametrize("name", ["_OUTBOX_HEAD", "_OUTBOX_ANY_UNSENT", "_CLAIM", "_MARK_SENT"])
def test_every_column_an_outbox_statement_names_is_a_column_of_its_model(name):
    # given
    named = lean_sql_columns(getattr(tasks, name))
    # then: a renamed or removed field breaks this test, not a drain
    assert named
    for model, column in named:
        assert column in {f.column for f in model._meta.concrete_fields}, (model, column)


@pytest.mark.django_db
def test_outbox_head_is_the_oldest_unsent_reply_with_its_customer_loaded():
    # given: a sent reply, then two queued ones (the first in backoff), of an opted-out customer
    chat = ChatFactory(customer__opted_out=True)
    OutboundMessageFactory(chat=chat, status=DeliveryStatus.SENT)
    retry_at = timezone.now() + timedelta(seconds=30)
    first = OutboundMessageFactory(
        chat=chat,
        wamid=None,
        status=DeliveryStatus.QUEUED,
        attempts=2,
        next_attempt_at=retry_at,
        allow_opted_out=True,
        body={"type": "text", "text": {"body": "مرحبا"}},
    )
    OutboundMessageFactory(chat=chat, wamid=None, status=DeliveryStatus.QUEUED)
    orm = Message.objects.select_related("chat__customer").get(pk=first.pk)
    # when
    head = tasks._outbox_head(chat.pk)
    # then: every field the drain reads, converted as the queryset converts it
    assert head.pk == first.pk
    for attname in tasks._HEAD_FIELDS:
        assert getattr(head, attname) == getattr(orm, attname), attname
    assert head.next_attempt_at.tzinfo is not None
    assert head.allow_opted_out is True
    assert head.chat.customer.wa_id == orm.chat.customer.wa_id
    assert head.chat.customer.opted_out is True
    assert tasks._unsent_left(chat.pk)


@pytest.mark.django_db
def test_outbox_head_of_a_chat_with_everything_sent_is_none():
    # given
    chat = ChatFactory()
    OutboundMessageFactory(chat=chat, status=DeliveryStatus.SENT)
    OutboundMessageFactory(chat=chat, status=DeliveryStatus.FAILED)
    # when / then
    assert tasks._outbox_head(chat.pk) is None
    assert not tasks._unsent_left(chat.pk)


@pytest.mark.django_db
def test_a_claim_takes_the_head_only_in_the_state_it_was_read_in():
    # given: a queued reply read as the head
    chat = ChatFactory()
    message = OutboundMessageFactory(chat=chat, wamid=None, status=DeliveryStatus.QUEUED)
    head = tasks._outbox_head(chat.pk)
    # when: a drain claims it, and another drain tries with the head it read before
    claimed = tasks._claim_next(chat.pk, eager=False)
    stale = tasks.lean_sql_execute(
        tasks._CLAIM, [tasks._at(timezone.now()), head.pk, head.status, head.attempts]
    )
    # then: one claim; the row is `sending` with its lease and the attempt counted once
    assert claimed.pk == message.pk
    assert stale == 0
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENDING
    assert message.attempts == 1
    assert message.lease_until == claimed.lease_until
    assert tasks._claim_next(chat.pk, eager=False) is tasks._BUSY


@pytest.mark.django_db
def test_a_send_is_recorded_only_while_the_drains_lease_holds():
    # given: a claimed reply whose lease another drain then took over
    chat = ChatFactory()
    message = OutboundMessageFactory(chat=chat, wamid=None, status=DeliveryStatus.QUEUED)
    mine = tasks._claim_next(chat.pk, eager=False)
    Message.objects.filter(pk=message.pk).update(
        lease_until=mine.lease_until + timedelta(seconds=1)
    )
    # when
    tasks._mark_sent(mine, "wamid.lost")
    # then: not ours any more, nothing recorded
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENDING
    assert message.wamid is None
    # given: the lease back as this drain set it
    Message.objects.filter(pk=message.pk).update(lease_until=mine.lease_until)
    # when
    tasks._mark_sent(mine, "wamid.sent")
    # then
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENT
    assert message.wamid == "wamid.sent"
    assert message.sent_at is not None and message.sent_at == message.status_updated_at
    assert message.lease_until is None and message.next_attempt_at is None
