from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from conversation_log.exceptions import EmptyReply
from conversation_log.models import Chat, DeliveryStatus, Direction, EarlyStatus, Message
from conversation_log.services import (
    chat_ensure,
    chat_get_locked,
    chat_handoff_end,
    chat_handoff_start,
    chat_staff_reply,
    message_record_inbound,
    message_status_update,
)
from tests.factories import ChatFactory, CustomerFactory, OutboundMessageFactory

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


def test_a_parked_status_is_applied_after_commit_when_the_wamid_was_recorded_meanwhile(
    django_capture_on_commit_callbacks,
):
    # given: an outbound message whose wamid the send task has not recorded yet
    message = OutboundMessageFactory(wamid=None, status=DeliveryStatus.QUEUED)
    # when: the read status parks, and the send task commits the wamid before our commit
    with django_capture_on_commit_callbacks(execute=True):
        changed = message_status_update(wamid="wamid.RACE", status=DeliveryStatus.READ)
        Message.objects.filter(pk=message.pk).update(wamid="wamid.RACE", status=DeliveryStatus.SENT)
    # then
    message.refresh_from_db()
    assert changed is False
    assert message.status == DeliveryStatus.READ and message.read_at is not None
    assert not EarlyStatus.objects.exists()


def test_a_status_for_a_recorded_wamid_is_applied_at_once_and_not_parked():
    # given
    message = OutboundMessageFactory(wamid="wamid.KNOWN", status=DeliveryStatus.SENT)
    # when
    changed = message_status_update(wamid="wamid.KNOWN", status=DeliveryStatus.DELIVERED)
    # then
    message.refresh_from_db()
    assert changed is True
    assert message.status == DeliveryStatus.DELIVERED
    assert not EarlyStatus.objects.exists()


def test_a_status_of_a_recorded_message_is_one_statement(django_assert_num_queries):
    # given: most webhooks are statuses of our replies
    OutboundMessageFactory(wamid="wamid.ONE", status=DeliveryStatus.DELIVERED)
    # when / then
    with django_assert_num_queries(1):
        assert message_status_update(wamid="wamid.ONE", status=DeliveryStatus.READ) is True


def test_a_status_behind_the_current_one_changes_nothing():
    # given
    message = OutboundMessageFactory(wamid="wamid.BEHIND", status=DeliveryStatus.READ)
    # when
    changed = message_status_update(wamid="wamid.BEHIND", status=DeliveryStatus.DELIVERED)
    # then
    message.refresh_from_db()
    assert changed is False
    assert message.status == DeliveryStatus.READ and message.delivered_at is None
    assert not EarlyStatus.objects.exists()


def test_a_rating_outside_one_to_five_is_refused():
    # given
    from conversation_log.services import feedback_record

    chat = ChatFactory()
    # then
    with pytest.raises(ValueError):
        feedback_record(chat=chat, rating=0)
    with pytest.raises(ValueError):
        feedback_record(chat=chat, rating=6)


def test_a_comment_is_attached_to_its_rating_trimmed_and_capped():
    # given
    from conversation_log.services import (
        FEEDBACK_COMMENT_MAX_CHARS,
        feedback_comment,
        feedback_record,
    )

    feedback = feedback_record(chat=ChatFactory(), rating=5, language="en")
    # when
    feedback_comment(feedback_id=feedback.pk, comment="  great " + "x" * 2000)
    missing = feedback_comment(feedback_id=feedback.pk + 1, comment="lost")
    # then
    feedback.refresh_from_db()
    assert feedback.comment.startswith("great x")
    assert len(feedback.comment) == FEEDBACK_COMMENT_MAX_CHARS
    assert missing is None


def test_a_redelivered_inbound_message_is_recorded_once_in_one_statement(
    django_assert_num_queries,
):
    # given
    chat = ChatFactory()
    message_record_inbound(chat=chat, wamid="wamid.IN1", msg_type="text", body={}, text="hi")
    # when: the same wamid again, inside the caller's transaction
    with transaction.atomic():
        with django_assert_num_queries(1):
            message_record_inbound(
                chat=chat, wamid="wamid.IN1", msg_type="text", body={}, text="again"
            )
        # then: the transaction is still usable and the first recording stands
        rows = list(Message.objects.filter(wamid="wamid.IN1").values_list("text", "direction"))
    assert rows == [("hi", Direction.INBOUND)]


def test_ensuring_a_chat_twice_makes_one_and_locking_returns_it():
    # given
    customer = CustomerFactory()
    # when
    chat_ensure(customer_id=customer.pk)
    with transaction.atomic():
        chat_ensure(customer_id=customer.pk)  # exists: the caller's transaction goes on
        locked = chat_get_locked(customer_id=customer.pk)
    # then
    assert list(Chat.objects.filter(customer=customer).values_list("pk", flat=True)) == [locked]


def test_locking_the_chat_of_a_customer_without_one_creates_it():
    # given
    customer = CustomerFactory()
    # when
    with transaction.atomic():
        locked = chat_get_locked(customer_id=customer.pk)
    # then
    assert Chat.objects.get(customer=customer).pk == locked
