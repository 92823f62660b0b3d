"""Real concurrency on MariaDB: parallel webhook deliveries and parallel drains of one
inbox, each thread on its own connection, committing for real."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from conversation_log.models import Chat, Direction, Message
from tests.services import at_once
from wa_gateway import tasks
from wa_gateway.models import InboundEvent
from wa_gateway.signatures import signature_header
from wa_gateway.tasks import process_inbound_task

from . import payloads

pytestmark = [pytest.mark.mysql_only, pytest.mark.django_db(transaction=True)]


def _poster(payload: dict) -> Callable[[], int]:
    body = json.dumps(payload).encode()
    header = signature_header(body=body, secret=settings.WA_APP_SECRET)

    def post() -> int:
        response = Client().post(
            reverse("wa_gateway:webhook"),
            data=body,
            content_type="application/json",
            HTTP_X_HUB_SIGNATURE_256=header,
        )
        return response.status_code

    return post


def test_a_new_customers_first_message_delivered_three_times_at_once_is_answered_once(graph):
    # given
    payload = payloads.text_message("966540000001", "hi", wamid="wamid.PAR1")
    # when
    statuses = at_once([_poster(payload) for _ in range(3)])
    # then
    assert statuses == [200, 200, 200]
    assert InboundEvent.objects.filter(wamid="wamid.PAR1").count() == 1
    assert Message.objects.filter(direction=Direction.OUTBOUND).count() == 1
    assert len(graph.sends) == 1


def test_parallel_drains_of_one_inbox_handle_each_event_once_in_timestamp_order(graph, monkeypatch):
    # given: three events stored while no worker ran (publishing is a no-op here)
    wa_id = "966540000002"
    now = payloads.now_ts()
    monkeypatch.setattr(tasks, "publish", lambda *a, **k: None)
    body = payloads.webhook(
        messages=[
            payloads.message(wa_id=wa_id, kind="text", content={"body": "menu"}, ts=now),
            payloads.message(wa_id=wa_id, kind="text", content={"body": "hi"}, ts=now - 2),
            payloads.message(wa_id=wa_id, kind="text", content={"body": "hello"}, ts=now - 1),
        ]
    )
    assert _poster(body)() == 200
    monkeypatch.undo()
    customer_id = InboundEvent.objects.values_list("customer_id", flat=True).first()
    # when: two workers pick up duplicate drain tasks at the same moment
    handled = at_once([lambda: process_inbound_task(customer_id) for _ in range(2)])
    # then
    assert sorted(handled) == [0, 3]
    inbound = Message.objects.filter(direction=Direction.INBOUND).order_by("id")
    assert list(inbound.values_list("text", flat=True)) == ["hi", "hello", "menu"]
    assert not InboundEvent.objects.filter(processed_at__isnull=True).exists()


def test_webhooks_of_one_customer_posted_at_once_are_all_answered(graph):
    # given
    wa_id = "966540000003"
    now = payloads.now_ts()
    bodies = [
        payloads.text_message(wa_id, text, wamid=f"wamid.CONC{i}", ts=now + i)
        for i, text in enumerate(["hi", "menu", "hello"])
    ]
    # when
    statuses = at_once([_poster(body) for body in bodies])
    # then
    assert statuses == [200, 200, 200]
    assert InboundEvent.objects.filter(processed_at__isnull=True).count() == 0
    assert Message.objects.filter(direction=Direction.INBOUND).count() == 3
    assert Message.objects.filter(direction=Direction.OUTBOUND).count() == 3


def test_status_callbacks_of_one_message_posted_at_once_never_move_it_backwards():
    # given: a sent reply; Meta's delivered and read callbacks race each other, twice over
    from conversation_log.models import DeliveryStatus
    from tests.factories import OutboundMessageFactory

    message = OutboundMessageFactory(wamid="wamid.RACE.STATUS", status=DeliveryStatus.SENT)
    bodies = [
        payloads.status("wamid.RACE.STATUS", state, recipient_id="966540000004")
        for state in ("read", "delivered", "read", "delivered")
    ]
    # when
    statuses = at_once([_poster(body) for body in bodies])
    # then
    assert statuses == [200, 200, 200, 200]
    message.refresh_from_db()
    assert message.status == DeliveryStatus.READ
    assert message.read_at is not None


def test_a_turn_that_switches_the_language_does_not_hold_up_the_customers_next_webhook(
    graph, monkeypatch
):
    # given: an English customer's Arabic message stored, its drain not yet run
    from dialog_engine.engine import ChatEngine
    from tests.factories import CustomerFactory

    customer = CustomerFactory(wa_id="966540000005", language="en")
    now = payloads.now_ts()
    monkeypatch.setattr(tasks, "publish", lambda *a, **k: None)
    assert (
        _poster(payloads.text_message(customer.wa_id, "مرحبا", wamid="wamid.AR1", ts=now))() == 200
    )
    # ... and a turn that takes its time (an LLM call): it waits for the next webhook
    turn_running, next_stored = threading.Event(), threading.Event()
    run_turn = ChatEngine._run

    def slow_turn(self, state, ctx, current):
        turn_running.set()
        ctx.data["next_webhook_stored_during_turn"] = next_stored.wait(timeout=5)
        return run_turn(self, state, ctx, current)

    monkeypatch.setattr(ChatEngine, "_run", slow_turn)

    def next_webhook() -> int:
        assert turn_running.wait(timeout=10)
        status = _poster(payloads.text_message(customer.wa_id, "كم السعر", wamid="wamid.AR2"))()
        next_stored.set()
        return status

    # when: the customer writes again while their language-switching turn runs
    _, status = at_once([lambda: process_inbound_task(customer.pk), next_webhook])
    # then: the webhook stored the message without waiting for the turn to commit
    assert status == 200
    chat = Chat.objects.get(customer=customer)
    assert chat.context["next_webhook_stored_during_turn"] is True
    customer.refresh_from_db()
    assert customer.language == "ar"
    assert InboundEvent.objects.filter(wamid="wamid.AR2", processed_at__isnull=True).exists()
