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


@pytest.mark.parametrize("name", ["_OUTBOX_HEAD", "_OUTBOX_ANY_UNSENT"])
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
