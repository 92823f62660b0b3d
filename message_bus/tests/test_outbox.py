"""The per-chat outbox: one drain at a time sends a chat's messages in the order they were
composed; an older message waiting in backoff holds back the newer ones; a stuck older
message goes before a newer one; the sweep only re-triggers drains."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from conversation_log.models import Chat, DeliveryStatus, Direction, Message
from message_bus.dto import Text
from message_bus.services import outbound_send
from message_bus.tasks import drain_outbox_task, retry_failed_task
from project_core.celery import app as celery_app
from tests.factories import CustomerFactory
from tests.services import at_once

pytestmark = pytest.mark.django_db


def _chat() -> Chat:
    customer = CustomerFactory(last_inbound_at=timezone.now())
    return Chat.objects.create(customer=customer)


def _queued(chat: Chat, text: str, **fields) -> Message:
    return Message.objects.create(
        chat=chat,
        direction=Direction.OUTBOUND,
        msg_type="text",
        body={"type": "text", "text": {"body": text, "preview_url": False}},
        text=text,
        status=DeliveryStatus.QUEUED,
        **fields,
    )


def _statuses(*rows: Message) -> list[str]:
    return [Message.objects.get(pk=row.pk).status for row in rows]


@pytest.fixture
def with_a_broker() -> Iterator[None]:
    """Tasks published, not run in-process: what a worker sees. Nothing consumes the
    in-memory broker here, so a drain scheduled for later does not run."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = eager


def test_a_stuck_older_message_is_sent_before_a_newer_one(
    graph, django_capture_on_commit_callbacks
):
    # given: a reply whose drain was lost with the broker, an hour ago
    chat = _chat()
    _queued(chat, "first")
    Message.objects.filter(chat=chat).update(created_at=timezone.now() - timedelta(hours=1))
    # when: the next turn's reply is composed
    with django_capture_on_commit_callbacks(execute=True):
        outbound_send(customer=chat.customer, chat=chat, messages=[Text(body="second")])
    # then
    assert graph.texts() == ["first", "second"]


@pytest.mark.usefixtures("with_a_broker")
def test_nothing_newer_is_sent_while_an_older_message_waits_in_backoff(graph):
    # given
    chat = _chat()
    older = _queued(
        chat, "older", attempts=1, next_attempt_at=timezone.now() + timedelta(minutes=1)
    )
    newer = _queued(chat, "newer")
    # when
    sent = drain_outbox_task(chat.pk)
    # then
    assert sent == 0
    assert graph.sends == []
    assert _statuses(older, newer) == ["queued", "queued"]


@pytest.mark.usefixtures("with_a_broker")
def test_when_the_backoff_is_over_the_older_message_goes_first(graph):
    # given
    chat = _chat()
    older = _queued(
        chat, "older", attempts=1, next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    newer = _queued(chat, "newer")
    # when
    sent = drain_outbox_task(chat.pk)
    # then
    assert sent == 2
    assert graph.texts() == ["older", "newer"]
    assert _statuses(older, newer) == ["sent", "sent"]


@pytest.mark.usefixtures("with_a_broker")
def test_a_message_failed_for_good_does_not_hold_back_the_rest(graph):
    # given
    chat = _chat()
    failed = _queued(chat, "older")
    Message.objects.filter(pk=failed.pk).update(status=DeliveryStatus.FAILED)
    newer = _queued(chat, "newer")
    # when
    drain_outbox_task(chat.pk)
    # then
    assert graph.texts() == ["newer"]
    assert _statuses(newer) == ["sent"]


@pytest.mark.usefixtures("with_a_broker")
def test_a_message_another_drain_is_sending_is_left_to_it(graph):
    # given
    chat = _chat()
    in_flight = _queued(chat, "in flight")
    Message.objects.filter(pk=in_flight.pk).update(
        status=DeliveryStatus.SENDING, lease_until=timezone.now() + timedelta(seconds=30)
    )
    newer = _queued(chat, "newer")
    # when
    sent = drain_outbox_task(chat.pk)
    # then: neither is sent by this drain; the holder goes on with the newer one
    assert sent == 0
    assert graph.sends == []
    assert _statuses(in_flight, newer) == ["sending", "queued"]


@pytest.mark.usefixtures("with_a_broker")
def test_a_message_whose_drain_died_mid_send_is_sent_again_after_its_lease(graph):
    # given: its drain's worker was killed; the lease ran out
    chat = _chat()
    orphan = _queued(chat, "orphan", attempts=1)
    Message.objects.filter(pk=orphan.pk).update(
        status=DeliveryStatus.SENDING, lease_until=timezone.now() - timedelta(seconds=1)
    )
    newer = _queued(chat, "newer")
    # when
    drain_outbox_task(chat.pk)
    # then
    assert graph.texts() == ["orphan", "newer"]
    assert _statuses(orphan, newer) == ["sent", "sent"]
    assert Message.objects.get(pk=orphan.pk).attempts == 2


def test_the_sweep_retriggers_drains_that_are_due_and_only_those(graph):
    # given: one chat's reply lost its drain, one's lease ran out, one waits in backoff,
    # one was composed a moment ago (its drain is on its way)
    hour_ago = timezone.now() - timedelta(hours=1)
    lost, orphaned, backing_off, fresh = _chat(), _chat(), _chat(), _chat()
    _queued(lost, "lost")
    _queued(orphaned, "orphaned")
    _queued(backing_off, "waiting", next_attempt_at=timezone.now() + timedelta(minutes=5))
    Message.objects.filter(chat__in=[lost, orphaned, backing_off]).update(created_at=hour_ago)
    Message.objects.filter(chat=orphaned).update(
        status=DeliveryStatus.SENDING, lease_until=timezone.now() - timedelta(seconds=1)
    )
    _queued(fresh, "fresh")
    # when
    triggered = retry_failed_task()
    # then
    assert triggered == 2
    assert sorted(graph.texts()) == ["lost", "orphaned"]


@pytest.mark.mysql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("with_a_broker")
def test_parallel_drains_of_one_chat_send_each_message_once_in_order(graph):
    # given
    chat = _chat()
    rows = [_queued(chat, f"m{n}") for n in range(8)]
    # when
    results = at_once([lambda: drain_outbox_task(chat.pk)] * 4, raise_errors=False)
    # then
    errors = [result for result in results if isinstance(result, BaseException)]
    assert errors == []
    assert graph.texts() == [f"m{n}" for n in range(8)]
    assert _statuses(*rows) == ["sent"] * 8


@pytest.mark.usefixtures("with_a_broker")
def test_sends_and_sweeps_are_counted_for_the_operator(graph):
    # given
    from prometheus_client import REGISTRY

    def sample(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    chat = _chat()
    _queued(chat, "counted")
    Message.objects.filter(chat=chat).update(created_at=timezone.now() - timedelta(hours=1))
    sent_before = sample("shop_outbound_sends_total", status="sent", error_code="")
    swept_before = sample("shop_sweeper_reenqueued_total", sweeper="outbox")
    # when: the sweep re-triggers the chat's drain (published, then run here)
    retry_failed_task()
    drain_outbox_task(chat.pk)
    # then
    assert sample("shop_outbound_sends_total", status="sent", error_code="") == sent_before + 1
    assert sample("shop_sweeper_reenqueued_total", sweeper="outbox") == swept_before + 1


@pytest.mark.usefixtures("with_a_broker")
def test_a_send_whose_response_was_lost_is_recorded_from_its_status_not_sent_again(
    graph, post_webhook
):
    # given: Graph accepted the message, but the worker died before recording the wamid;
    # then its lease ran out
    from wa_gateway.tests import payloads

    chat = _chat()
    lost = _queued(chat, "accepted, never recorded", attempts=1)
    Message.objects.filter(pk=lost.pk).update(
        status=DeliveryStatus.SENDING, lease_until=timezone.now() - timedelta(seconds=1)
    )
    _queued(chat, "newer")
    status = payloads.status("wamid.LOSTRESPONSE", "sent", chat.customer.wa_id)
    status["entry"][0]["changes"][0]["value"]["statuses"][0]["biz_opaque_callback_data"] = (
        f"out:{lost.pk}"
    )
    # when: Meta's "sent" status (it carries our row id back) arrives, then a drain runs
    post_webhook(status)
    drain_outbox_task(chat.pk)
    # then: recorded as sent with its wamid, never sent twice; the next one goes on
    lost.refresh_from_db()
    assert (lost.status, lost.wamid) == ("sent", "wamid.LOSTRESPONSE")
    assert graph.texts() == ["newer"]
