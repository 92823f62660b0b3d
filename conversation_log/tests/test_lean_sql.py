"""The hand-written reads of a turn (conversation_log.lean_sql) match the models and load
what the querysets they replace load."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from conversation_log import selectors, services
from conversation_log.lean_sql import lean_sql_columns
from conversation_log.models import Chat, DeliveryStatus, Direction, EarlyStatus, Message
from conversation_log.selectors import chat_get_with_customer, message_inbound_times
from conversation_log.services import early_statuses_apply
from tests.factories import ChatFactory, OutboundMessageFactory

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

STATEMENTS = {
    "chat_with_customer": selectors._CHAT_WITH_CUSTOMER,
    "inbound_times": selectors._INBOUND_TIMES,
    "early_statuses": services._EARLY_STATUSES,
    "chat_lock": services._CHAT_LOCK,
    "save_turn": services._SAVE_TURN,
}


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_every_column_a_lean_statement_names_is_a_column_of_its_model(name):
    # given: the statement as written, the columns it names by `alias.column`
    named = lean_sql_columns(STATEMENTS[name])
    # then: a renamed or removed field breaks this test, not a turn
    assert named
    for model, column in named:
        assert column in {f.column for f in model._meta.concrete_fields}, (model, column)


def test_the_column_check_itself_rejects_a_column_the_model_lacks():
    # given / when
    named = lean_sql_columns("SELECT chat.no_such_column FROM {chat} chat")
    # then
    assert named == [(Chat, "no_such_column")]
    assert "no_such_column" not in {f.column for f in Chat._meta.concrete_fields}


@pytest.mark.django_db
def test_chat_with_customer_loads_what_the_queryset_loads():
    # given: a chat with JSON context, booleans and aware datetimes set
    with time_machine.travel(T0, tick=False):
        chat = ChatFactory(
            state="checkout",
            context={"step": "address", "cart": [1, 2], "ar": "مرحبا"},
            last_activity_at=T0,
            handoff_active=True,
            handoff_requested_at=T0 - timedelta(minutes=3),
        )
    orm = Chat.objects.select_related("customer").get(customer_id=chat.customer_id)
    # when
    lean = chat_get_with_customer(customer_id=chat.customer_id)
    # then
    for field in Chat._meta.concrete_fields:
        assert getattr(lean, field.attname) == getattr(orm, field.attname), field.name
    for field in orm.customer._meta.concrete_fields:
        got, want = getattr(lean.customer, field.attname), getattr(orm.customer, field.attname)
        assert got == want, field.name
    assert lean.last_activity_at.tzinfo is not None
    assert lean.customer.chat is lean  # both sides cached: no query to go back
    assert lean._state.adding is False


@pytest.mark.django_db
def test_chat_with_customer_of_a_customer_without_a_chat_raises_does_not_exist():
    # given
    chat = ChatFactory()
    customer_id = chat.customer_id
    chat.delete()
    # when / then
    with pytest.raises(Chat.DoesNotExist):
        chat_get_with_customer(customer_id=customer_id)


@pytest.mark.django_db
def test_inbound_times_are_the_newest_inbound_ones_after_since_newest_first():
    # given: inbound messages a minute apart and an outbound one in between
    chat = ChatFactory()
    for minute in range(5):
        with time_machine.travel(T0 + timedelta(minutes=minute), tick=False):
            Message.objects.create(
                chat=chat, direction=Direction.INBOUND, text="hi", status=DeliveryStatus.RECEIVED
            )
    with time_machine.travel(T0 + timedelta(minutes=2, seconds=30), tick=False):
        OutboundMessageFactory(chat=chat)
    # when
    times = message_inbound_times(chat=chat, since=T0 + timedelta(seconds=30), limit=3)
    # then
    assert times == [T0 + timedelta(minutes=m) for m in (4, 3, 2)]


@pytest.mark.django_db
def test_early_statuses_are_read_in_the_order_meta_sent_them_and_applied():
    # given: a sent message that Meta reported as delivered, then read, before we knew it
    message = OutboundMessageFactory(wamid="wamid.EARLY1")
    EarlyStatus.objects.create(wamid="wamid.EARLY1", status=DeliveryStatus.READ, at=T0)
    EarlyStatus.objects.create(
        wamid="wamid.EARLY1", status=DeliveryStatus.DELIVERED, at=T0 - timedelta(seconds=5)
    )
    # when
    applied = early_statuses_apply(wamid="wamid.EARLY1")
    # then
    message.refresh_from_db()
    assert applied == 2
    assert message.status == DeliveryStatus.READ
    assert message.delivered_at == T0 - timedelta(seconds=5)
    assert not EarlyStatus.objects.filter(wamid="wamid.EARLY1").exists()


@pytest.mark.django_db
def test_saving_a_turn_writes_what_save_with_its_update_fields_writes():
    # given: a closed chat in another state
    with time_machine.travel(T0, tick=False):
        chat = ChatFactory(state="assistant", context={}, closed=True, closed_at=T0)
    later = T0 + timedelta(minutes=7)
    # when
    with time_machine.travel(later, tick=False):
        saved = services.chat_save_turn(
            chat=chat, state="checkout", context={"step": "address", "ar": "مرحبا"}, language="ar"
        )
    # then: the row and the instance agree, JSON and datetimes as the ORM stores them
    row = Chat.objects.get(pk=chat.pk)
    assert (row.state, row.context, row.language) == (
        "checkout",
        {"step": "address", "ar": "مرحبا"},
        "ar",
    )
    assert row.closed is False and row.closed_at is None
    assert row.last_activity_at == later == saved.last_activity_at
    assert row.updated_at == later == saved.updated_at
