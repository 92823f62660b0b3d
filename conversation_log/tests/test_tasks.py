from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from conversation_log.models import Chat, DeliveryStatus, Direction, EarlyStatus, Message
from conversation_log.tasks import chat_close_inactive_task, message_purge_old_task
from tests.factories import ChatFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _message(chat: Chat, text: str = "hi") -> Message:
    return Message.objects.create(
        chat=chat, direction=Direction.INBOUND, text=text, status=DeliveryStatus.RECEIVED
    )


def test_chat_inactive_for_abandoned_chat_days_is_closed_and_its_state_reset(settings):
    # given
    settings.ABANDONED_CHAT_DAYS = 7
    with time_machine.travel(T0, tick=False):
        chat = ChatFactory(state="checkout", context={"step": "address"}, last_activity_at=T0)
    # when
    with time_machine.travel(T0 + timedelta(days=7, minutes=1), tick=False):
        result = chat_close_inactive_task()
    # then
    chat.refresh_from_db()
    assert result == {"closed": 1, "candidates": 1}
    assert chat.closed is True
    assert chat.closed_at == T0 + timedelta(days=7, minutes=1)
    assert chat.state == "assistant"
    assert chat.context == {}


def test_chat_active_within_abandoned_chat_days_stays_open(settings):
    # given
    settings.ABANDONED_CHAT_DAYS = 7
    chat = ChatFactory(state="checkout", last_activity_at=T0)
    # when
    with time_machine.travel(T0 + timedelta(days=6, hours=23), tick=False):
        result = chat_close_inactive_task()
    # then
    chat.refresh_from_db()
    assert result["closed"] == 0
    assert chat.closed is False
    assert chat.state == "checkout"


def test_closing_inactive_chats_twice_closes_each_chat_once(settings):
    # given
    settings.ABANDONED_CHAT_DAYS = 7
    ChatFactory(last_activity_at=T0)
    with time_machine.travel(T0 + timedelta(days=8), tick=False):
        first = chat_close_inactive_task()
        # when
        second = chat_close_inactive_task()
    # then
    assert first["closed"] == 1
    assert second == {"closed": 0, "candidates": 0}


def test_inactive_chat_left_in_handoff_is_closed_and_handed_back_to_the_bot(settings):
    # given
    settings.ABANDONED_CHAT_DAYS = 7
    chat = ChatFactory(last_activity_at=T0, handoff_active=True, handoff_requested_at=T0)
    # when
    with time_machine.travel(T0 + timedelta(days=8), tick=False):
        chat_close_inactive_task()
    # then
    chat.refresh_from_db()
    assert chat.closed is True
    assert chat.handoff_active is False
    assert chat.handoff_requested_at is None


def test_messages_older_than_the_retention_period_are_purged_and_newer_ones_kept(settings):
    # given
    settings.DATA_RETENTION_DAYS = 90
    chat = ChatFactory(last_activity_at=T0)
    with time_machine.travel(T0, tick=False):
        old = _message(chat, "old")
    with time_machine.travel(T0 + timedelta(days=30), tick=False):
        recent = _message(chat, "recent")
    # when
    with time_machine.travel(T0 + timedelta(days=91), tick=False):
        result = message_purge_old_task()
        again = message_purge_old_task()
    # then
    assert result == {
        "deleted": 1,
        "shop_events": 0,
        "shop_events_latest": 0,
        "early_statuses": 0,
    }
    assert again == {
        "deleted": 0,
        "shop_events": 0,
        "shop_events_latest": 0,
        "early_statuses": 0,
    }
    assert not Message.objects.filter(pk=old.pk).exists()
    assert Message.objects.filter(pk=recent.pk).exists()


def test_funnel_events_older_than_the_retention_period_are_purged_and_newer_ones_kept(
    settings,
):
    # given
    from conversation_log.models import ShopEvent, ShopEventLatest
    from conversation_log.services import shop_event_record

    settings.DATA_RETENTION_DAYS = 90
    customer = ChatFactory().customer
    with time_machine.travel(T0, tick=False):
        old_search = shop_event_record(kind="search", customer_id=customer.pk, query="drone")
        old_checkout = shop_event_record(kind="checkout", customer_id=customer.pk)
    with time_machine.travel(T0 + timedelta(days=30), tick=False):
        recent = shop_event_record(kind="search", customer_id=customer.pk, query="tv")
    # when
    with time_machine.travel(T0 + timedelta(days=91), tick=False):
        result = message_purge_old_task()
    # then: the checkout's newest-event row goes with it; the search's is the recent one
    assert (result["shop_events"], result["shop_events_latest"]) == (2, 1)
    assert not ShopEvent.objects.filter(pk__in=[old_search.pk, old_checkout.pk]).exists()
    assert ShopEvent.objects.filter(pk=recent.pk).exists()
    assert list(
        ShopEventLatest.objects.filter(customer=customer).values_list("kind", "last_at")
    ) == [("search", T0 + timedelta(days=30))]


def test_purge_deletes_more_messages_than_one_batch(settings):
    # given
    from conversation_log.services import message_purge_before

    chat = ChatFactory()
    with time_machine.travel(T0, tick=False):
        for i in range(7):
            _message(chat, f"m{i}")
    # when
    deleted = message_purge_before(before=T0 + timedelta(seconds=1), batch_size=3)
    # then
    assert deleted == 7
    assert Message.objects.count() == 0


def test_housekeeping_logs_what_it_did(settings, caplog):
    # given
    settings.ABANDONED_CHAT_DAYS = 7
    settings.DATA_RETENTION_DAYS = 90
    with time_machine.travel(T0, tick=False):
        _message(ChatFactory(last_activity_at=T0))
    # when
    with (
        caplog.at_level("INFO", logger="conversation_log.tasks"),
        time_machine.travel(T0 + timedelta(days=100), tick=False),
    ):
        chat_close_inactive_task()
        message_purge_old_task()
    # then
    lines = [record.getMessage() for record in caplog.records]
    assert "closed 1 of 1 inactive chats" in lines
    assert (
        "purged 1 old messages, 0 old funnel events (0 customers' newest), "
        "0 unmatched status callbacks"
    ) in lines


def test_status_callbacks_that_never_matched_a_message_are_purged_after_a_day():
    # given
    with time_machine.travel(T0, tick=False):
        EarlyStatus.objects.create(wamid="wamid.OLD", status=DeliveryStatus.READ, at=T0)
    with time_machine.travel(T0 + timedelta(hours=20), tick=False):
        EarlyStatus.objects.create(wamid="wamid.NEW", status=DeliveryStatus.READ, at=T0)
    # when
    with time_machine.travel(T0 + timedelta(hours=25), tick=False):
        result = message_purge_old_task()
    # then
    assert result == {
        "deleted": 0,
        "shop_events": 0,
        "shop_events_latest": 0,
        "early_statuses": 1,
    }
    assert list(EarlyStatus.objects.values_list("wamid", flat=True)) == ["wamid.NEW"]
