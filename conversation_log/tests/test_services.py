from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conversation_log.exceptions import EmptyReply
from conversation_log.services import chat_handoff_end, chat_handoff_start, chat_staff_reply
from tests.factories import ChatFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def test_starting_a_handoff_twice_starts_it_once():
    # given
    chat = ChatFactory()
    # when
    first = chat_handoff_start(chat=chat)
    second = chat_handoff_start(chat=chat)
    # then
    assert (first, second) == (True, False)
    assert chat.handoff_active is True
    assert chat.handoff_requested_at is not None


def test_ending_a_handoff_resets_the_dialog_state_and_is_idempotent():
    # given
    chat = ChatFactory(state="handoff")
    chat_handoff_start(chat=chat)
    # when
    first = chat_handoff_end(chat=chat, actor="agent")
    second = chat_handoff_end(chat=chat, actor="agent")
    # then
    assert (first, second) == (True, False)
    assert chat.handoff_active is False
    assert chat.state == "assistant"


def test_blank_staff_reply_is_refused():
    # given
    chat = ChatFactory(customer=CustomerFactory(last_inbound_at=timezone.now()))
    # when / then
    with pytest.raises(EmptyReply):
        chat_staff_reply(chat=chat, text="   ", staff="agent")


def test_staff_reply_counts_as_chat_activity(settings):
    # given
    from conversation_log.tests.outbound_double import PATH

    settings.OUTBOUND_TEXT_SENDER = PATH
    chat = ChatFactory(
        customer=CustomerFactory(last_inbound_at=timezone.now()),
        last_activity_at=timezone.now() - timedelta(days=2),
    )
    # when
    chat_staff_reply(chat=chat, text="Hello", staff="agent")
    # then
    chat.refresh_from_db()
    assert timezone.now() - chat.last_activity_at < timedelta(minutes=1)
