"""From a stored webhook to the customer's reply: every message type, batches, duplicate
deliveries, ordering, status callbacks and the broker-outage sweeper."""

from __future__ import annotations

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from conversation_log.models import Chat, DeliveryStatus, Direction, Message
from users.models import Customer
from wa_gateway import tasks
from wa_gateway.models import InboundEvent
from wa_gateway.tasks import process_inbound_task, sweep_unprocessed_task

from . import payloads

pytestmark = pytest.mark.django_db

UNSUPPORTED_REPLY = "Sorry, I can only read text messages and button replies"

# Every type of Graph v16+ inbound message, as Meta sends its content object.
MESSAGE_CONTENTS = {
    "text": {"body": "hello"},
    "image": {"id": "MEDIA1", "mime_type": "image/jpeg", "sha256": "abc", "caption": "look"},
    "audio": {"id": "MEDIA2", "mime_type": "audio/ogg; codecs=opus", "voice": True},
    "video": {"id": "MEDIA3", "mime_type": "video/mp4"},
    "document": {"id": "MEDIA4", "mime_type": "application/pdf", "filename": "invoice.pdf"},
    "sticker": {"id": "MEDIA5", "mime_type": "image/webp", "animated": False},
    "location": {"latitude": 24.7136, "longitude": 46.6753, "name": "Home", "address": "Riyadh"},
    "contacts": [{"name": {"formatted_name": "Sara"}, "phones": [{"phone": "+966500000000"}]}],
    "reaction": {"message_id": "wamid.SOMETHING", "emoji": "👍"},
    "order": {
        "catalog_id": "CAT1",
        "text": "",
        "product_items": [{"product_retailer_id": "SKU-1", "quantity": 1, "item_price": 10}],
    },
    "button": {"payload": "menu", "text": "Main menu"},
    "unsupported": None,
    "foo": {"anything": True},
}


def _outbound(wa_id: str) -> list[Message]:
    return list(
        Message.objects.filter(chat__customer__wa_id=wa_id, direction=Direction.OUTBOUND).order_by(
            "id"
        )
    )


def _inbound_texts(wa_id: str) -> list[str]:
    return list(
        Message.objects.filter(chat__customer__wa_id=wa_id, direction=Direction.INBOUND)
        .order_by("id")
        .values_list("text", flat=True)
    )


@pytest.mark.parametrize("kind", sorted(MESSAGE_CONTENTS))
def test_every_message_type_is_stored_and_answered(post_webhook, graph, kind):
    # given
    wa_id = "966511000001"
    raw = payloads.message(wa_id=wa_id, kind=kind, content=MESSAGE_CONTENTS[kind])
    if kind == "unsupported":
        raw["errors"] = [{"code": 131051, "title": "Message type unknown"}]
    # when
    response = post_webhook(payloads.webhook(messages=[raw]))
    # then
    assert response.status_code == 200
    event = InboundEvent.objects.get(wamid=raw["id"])
    assert event.msg_type == kind
    assert event.processed_at is not None
    assert event.error == ""
    assert Message.objects.filter(wamid=raw["id"], direction=Direction.INBOUND).exists()
    if kind == "reaction":  # a person does not answer a thumbs-up (test_inbound_kinds.py)
        assert _outbound(wa_id) == [] and graph.sends == []
        return
    assert len(_outbound(wa_id)) >= 1
    assert all(m.status == DeliveryStatus.SENT for m in _outbound(wa_id))
    assert graph.sends and all(body["to"] == wa_id for body in graph.sends)


@pytest.mark.parametrize(
    "kind",
    [
        "image",
        "audio",
        "video",
        "document",
        "sticker",
        "contacts",
        "unsupported",
        "foo",
    ],
)
def test_unknown_and_unsupported_types_get_a_polite_reply(post_webhook, graph, kind):
    # given: media without a caption, a voice note with no transcription configured
    wa_id = "966511000002"
    content = MESSAGE_CONTENTS[kind]
    if isinstance(content, dict):
        content = {key: value for key, value in content.items() if key != "caption"}
    raw = payloads.message(wa_id=wa_id, kind=kind, content=content)
    # when
    response = post_webhook(payloads.webhook(messages=[raw]))
    # then
    assert response.status_code == 200
    assert len(graph.sends) == 1
    assert UNSUPPORTED_REPLY in graph.texts()[0]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (lambda w: payloads.button_reply(w, "cart:view", "My cart"), "Your cart is empty."),
        (lambda w: payloads.list_reply(w, "cart:view", "My cart"), "Your cart is empty."),
        (
            lambda w: payloads.location(w, 24.7, 46.6, "Home"),
            "How can we help you?",
        ),
    ],
    ids=["button_reply", "list_reply", "location"],
)
def test_interactive_and_location_messages_reach_their_state(
    post_webhook, graph, payload, expected
):
    # given
    wa_id = "966511000003"
    # when
    response = post_webhook(payload(wa_id))
    # then
    assert response.status_code == 200
    assert any(expected in text for text in graph.texts())


def test_profile_name_creates_the_customer(post_webhook, graph):
    # given
    body = payloads.webhook(
        messages=[payloads.message(wa_id="966511000004", kind="text", content={"body": "hi"})],
        names={"966511000004": "Sara"},
    )
    # when
    post_webhook(body)
    # then
    customer = Customer.objects.get(wa_id="966511000004")
    assert customer.profile_name == "Sara"
    assert customer.last_inbound_at is not None


def test_every_entry_change_and_message_of_a_payload_is_stored(post_webhook, graph):
    # given: two entries, the second with two changes, several messages each
    first = payloads.text_message("966512000001", "hi", wamid="wamid.A1")
    second = payloads.webhook(
        messages=[
            payloads.message(
                wa_id="966512000002", kind="text", content={"body": "hi"}, wamid="wamid.B1"
            ),
            payloads.message(
                wa_id="966512000002", kind="text", content={"body": "menu"}, wamid="wamid.B2"
            ),
        ]
    )
    third = payloads.text_message("966512000003", "hello", wamid="wamid.C1")
    body = first
    body["entry"].append(
        {"id": "WABA-2", "changes": second["entry"][0]["changes"] + third["entry"][0]["changes"]}
    )
    # when
    response = post_webhook(body)
    # then
    assert response.status_code == 200
    assert set(InboundEvent.objects.values_list("wamid", flat=True)) == {
        "wamid.A1",
        "wamid.B1",
        "wamid.B2",
        "wamid.C1",
    }
    assert not InboundEvent.objects.filter(processed_at__isnull=True).exists()
    assert {b["to"] for b in graph.sends} == {"966512000001", "966512000002", "966512000003"}


def test_a_wamid_delivered_three_times_is_stored_and_answered_once(post_webhook, graph):
    # given
    payload = payloads.text_message("966513000001", "hi", wamid="wamid.DUP")
    # when
    responses = [post_webhook(payload) for _ in range(3)]
    # then
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert InboundEvent.objects.filter(wamid="wamid.DUP").count() == 1
    assert len(_outbound("966513000001")) == 1
    assert len(graph.sends) == 1


def test_a_duplicate_within_one_payload_is_stored_once(post_webhook, graph):
    # given
    raw = payloads.message(
        wa_id="966513000002", kind="text", content={"body": "hi"}, wamid="wamid.TWICE"
    )
    # when
    post_webhook(payloads.webhook(messages=[raw, dict(raw)]))
    # then
    assert InboundEvent.objects.filter(wamid="wamid.TWICE").count() == 1
    assert len(graph.sends) == 1


def test_messages_delivered_out_of_order_in_one_payload_are_handled_in_timestamp_order(
    post_webhook, graph
):
    # given: Meta delivers third, first, second
    wa_id = "966514000001"
    now = payloads.now_ts()
    body = payloads.webhook(
        messages=[
            payloads.message(wa_id=wa_id, kind="text", content={"body": "menu"}, ts=now),
            payloads.message(wa_id=wa_id, kind="text", content={"body": "hi"}, ts=now - 20),
            payloads.message(wa_id=wa_id, kind="text", content={"body": "hello"}, ts=now - 10),
        ]
    )
    # when
    post_webhook(body)
    # then
    assert _inbound_texts(wa_id) == ["hi", "hello", "menu"]
    assert len(_outbound(wa_id)) == len(graph.sends) >= 3


def test_two_webhooks_stored_before_the_drain_are_handled_in_timestamp_order(
    client, graph, django_capture_on_commit_callbacks
):
    # given: the later message's webhook arrives first, both land before any worker runs
    import json

    from django.conf import settings
    from django.urls import reverse

    from wa_gateway.signatures import signature_header

    wa_id = "966514000002"
    now = payloads.now_ts()
    later = payloads.text_message(wa_id, "hello", wamid="wamid.LATE", ts=now)
    earlier = payloads.text_message(wa_id, "hi", wamid="wamid.EARLY", ts=now - 5)
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for payload in (later, earlier):
            body = json.dumps(payload).encode()
            response = client.post(
                reverse("wa_gateway:webhook"),
                data=body,
                content_type="application/json",
                HTTP_X_HUB_SIGNATURE_256=signature_header(body=body, secret=settings.WA_APP_SECRET),
            )
            assert response.status_code == 200
    # then: two drains were enqueued; the first handled both in order, the second nothing
    assert len(callbacks) >= 2
    assert _inbound_texts(wa_id) == ["hi", "hello"]
    assert InboundEvent.objects.filter(processed_at__isnull=True).count() == 0


def test_a_drain_of_an_empty_inbox_does_nothing(graph):
    # given
    from tests.factories import CustomerFactory

    customer = CustomerFactory()
    # when
    handled = process_inbound_task(customer.pk)
    # then
    assert handled == 0
    assert graph.requests == []


def test_the_drain_marks_the_latest_message_read_with_the_typing_indicator(post_webhook, graph):
    # when
    post_webhook(payloads.text_message("966514000003", "hi", wamid="wamid.README"))
    # then
    assert graph.reads == [
        {
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": "wamid.README",
            "typing_indicator": {"type": "text"},
        }
    ]


def test_a_turn_is_answered_by_its_inbox_task_alone(post_webhook, graph, monkeypatch):
    # given: a stored "hi" whose drain has not run; every task published is recorded
    from celery.app.task import Task

    monkeypatch.setattr(tasks, "publish", lambda *args: None)
    post_webhook(payloads.text_message("966514000004", "hi", wamid="wamid.ONE"))
    customer = Customer.objects.get(wa_id="966514000004")
    published: list[str] = []
    monkeypatch.setattr(
        Task, "apply_async", lambda self, *args, **kwargs: published.append(self.name)
    )
    # when
    handled = process_inbound_task(customer.pk)
    # then: the read receipt, then the reply, sent by the drain itself; no task published
    assert handled == 1
    assert [body.get("status", body.get("type")) for body in graph.requests] == [
        "read",
        "interactive",
    ]
    assert _outbound("966514000004")[0].status == DeliveryStatus.SENT
    assert published == []


# --- statuses -------------------------------------------------------------------------------
def _sent_message(wa_id: str, wamid: str) -> Message:
    from tests.factories import ChatFactory, CustomerFactory

    chat = ChatFactory(customer=CustomerFactory(wa_id=wa_id))
    return Message.objects.create(
        chat=chat,
        direction=Direction.OUTBOUND,
        msg_type="text",
        body={"type": "text", "text": {"body": "hi"}},
        wamid=wamid,
        status=DeliveryStatus.SENT,
    )


def test_statuses_move_an_outbound_message_from_sent_to_delivered_to_read(post_webhook):
    # given
    message = _sent_message("966515000001", "wamid.S1")
    # when
    delivered = post_webhook(payloads.status("wamid.S1", "delivered", "966515000001"))
    message.refresh_from_db()
    after_delivered = message.status
    read = post_webhook(payloads.status("wamid.S1", "read", "966515000001"))
    # then
    message.refresh_from_db()
    assert delivered.status_code == read.status_code == 200
    assert after_delivered == DeliveryStatus.DELIVERED
    assert message.status == DeliveryStatus.READ
    assert message.delivered_at is not None and message.read_at is not None


def test_a_late_delivered_status_after_read_stays_read(post_webhook):
    # given
    message = _sent_message("966515000002", "wamid.S2")
    post_webhook(payloads.status("wamid.S2", "read", "966515000002"))
    # when
    post_webhook(payloads.status("wamid.S2", "delivered", "966515000002"))
    post_webhook(payloads.status("wamid.S2", "sent", "966515000002"))
    # then
    message.refresh_from_db()
    assert message.status == DeliveryStatus.READ


def test_a_failed_status_keeps_metas_error_code_and_title(post_webhook):
    # given
    message = _sent_message("966515000003", "wamid.S3")
    # when
    post_webhook(
        payloads.status(
            "wamid.S3",
            "failed",
            "966515000003",
            error_code=131026,
            error_title="Message undeliverable",
        )
    )
    # then
    message.refresh_from_db()
    assert message.status == DeliveryStatus.FAILED
    assert message.error_code == 131026
    assert message.error_title == "Message undeliverable"


def test_a_status_for_an_unknown_wamid_is_acknowledged(post_webhook):
    # when
    response = post_webhook(payloads.status("wamid.NOBODY", "read", "966515000004"))
    # then
    assert response.status_code == 200


def test_a_status_that_beats_the_send_task_is_applied_when_the_wamid_is_recorded(
    post_webhook, graph, django_capture_on_commit_callbacks
):
    # given: Meta reports the first send delivered before our send task stored its wamid
    from conversation_log.models import EarlyStatus
    from message_bus.dto import Text
    from message_bus.services import outbound_send
    from tests.factories import CustomerFactory

    customer = CustomerFactory(wa_id="966515000005", last_inbound_at=timezone.now())
    post_webhook(payloads.status("wamid.OUT000001", "delivered", "966515000005"))
    parked = list(EarlyStatus.objects.values_list("wamid", "status"))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        (message,) = outbound_send(customer=customer, messages=[Text(body="hi")])
    # then
    message.refresh_from_db()
    assert parked == [("wamid.OUT000001", "delivered")]
    assert message.wamid == "wamid.OUT000001"
    assert message.status == DeliveryStatus.DELIVERED
    assert message.sent_at is not None and message.delivered_at is not None
    assert not EarlyStatus.objects.exists()


def test_an_early_failed_status_marks_the_message_failed_with_metas_error(
    post_webhook, graph, django_capture_on_commit_callbacks
):
    # given
    from message_bus.dto import Text
    from message_bus.services import outbound_send
    from tests.factories import CustomerFactory

    customer = CustomerFactory(wa_id="966515000006", last_inbound_at=timezone.now())
    post_webhook(
        payloads.status(
            "wamid.OUT000001",
            "failed",
            "966515000006",
            error_code=131047,
            error_title="Re-engagement message",
        )
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        (message,) = outbound_send(customer=customer, messages=[Text(body="hi")])
    # then
    message.refresh_from_db()
    assert message.status == DeliveryStatus.FAILED
    assert (message.error_code, message.error_title) == (131047, "Re-engagement message")


# --- broker outage ------------------------------------------------------------------------
def _broker_down(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")


def test_broker_down_at_webhook_time_still_answers_200_and_stores_the_event(
    post_webhook, graph, monkeypatch
):
    # given
    monkeypatch.setattr(tasks, "publish", _broker_down)
    # when
    response = post_webhook(payloads.text_message("966516000001", "hi", wamid="wamid.OUT1"))
    # then
    assert response.status_code == 200
    event = InboundEvent.objects.get(wamid="wamid.OUT1")
    assert event.processed_at is None
    assert graph.sends == []


def test_the_sweeper_processes_an_event_stored_during_an_outage_exactly_once(
    post_webhook, graph, monkeypatch, django_capture_on_commit_callbacks
):
    # given: stored while the broker was down, a minute ago
    with monkeypatch.context() as outage:
        outage.setattr(tasks, "publish", _broker_down)
        post_webhook(payloads.text_message("966516000002", "hi", wamid="wamid.OUT2"))
    InboundEvent.objects.filter(wamid="wamid.OUT2").update(
        received_at=timezone.now() - timezone.timedelta(minutes=1)
    )
    # when: the broker is back and beat runs the sweeper twice
    with django_capture_on_commit_callbacks(execute=True):
        first = sweep_unprocessed_task()
    with django_capture_on_commit_callbacks(execute=True):
        second = sweep_unprocessed_task()
    # then
    event = InboundEvent.objects.get(wamid="wamid.OUT2")
    assert (first, second) == (1, 0)
    assert event.processed_at is not None
    assert Message.objects.filter(wamid="wamid.OUT2", direction=Direction.INBOUND).count() == 1
    assert len(_outbound("966516000002")) == 1
    assert len(graph.sends) == 1


def test_the_sweeper_leaves_events_younger_than_its_grace_period(post_webhook, monkeypatch):
    # given: stored just now; its own drain may still be on its way
    monkeypatch.setattr(tasks, "publish", _broker_down)
    post_webhook(payloads.text_message("966516000003", "hi", wamid="wamid.OUT3"))
    monkeypatch.undo()
    # when
    swept = sweep_unprocessed_task()
    # then
    assert swept == 0
    assert InboundEvent.objects.get(wamid="wamid.OUT3").processed_at is None


def test_a_chat_is_created_for_a_new_customer(post_webhook, graph):
    # when
    post_webhook(payloads.text_message("966517000001", "hi"))
    # then
    assert Chat.objects.filter(customer__wa_id="966517000001").count() == 1


def test_a_failing_mark_read_does_not_stop_the_reply(post_webhook, httpserver, settings):
    # given: the read receipt is refused, sends work
    from wa_gateway.tests.fixtures import GRAPH_TOKEN, MESSAGES_PATH

    settings.WA_GRAPH_URL = httpserver.url_for("").rstrip("/")
    settings.WA_BEARER_TOKEN = GRAPH_TOKEN
    settings.WA_PHONE_ID = "123"
    settings.WA_API_VERSION = "v21.0"
    httpserver.expect_ordered_request(
        MESSAGES_PATH,
        method="POST",
        json={
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": "wamid.RR",
            "typing_indicator": {"type": "text"},
        },
    ).respond_with_json({"error": {"message": "boom", "code": 1}}, status=500)
    httpserver.expect_ordered_request(MESSAGES_PATH, method="POST").respond_with_json(
        {"messages": [{"id": "wamid.REPLY"}]}
    )
    # when
    post_webhook(payloads.text_message("966518000001", "hi", wamid="wamid.RR"))
    # then
    (reply,) = _outbound("966518000001")
    assert reply.status == DeliveryStatus.SENT
    assert reply.wamid == "wamid.REPLY"
    assert len(httpserver.log) == 2
    httpserver.check_assertions()


def test_processed_events_past_retention_are_purged_and_others_kept(settings):
    # given
    from tests.factories import CustomerFactory
    from wa_gateway.tasks import purge_processed_events_task

    settings.DATA_RETENTION_DAYS = 30
    customer = CustomerFactory()
    now = timezone.now()
    old = timezone.timedelta(days=31)

    def event(wamid, processed_at):
        return InboundEvent.objects.create(
            wamid=wamid,
            customer=customer,
            msg_type="text",
            timestamp=now,
            payload={},
            processed_at=processed_at,
        )

    event("wamid.OLD", now - old)
    event("wamid.NEW", now)
    event("wamid.UNPROCESSED", None)
    # when
    deleted = purge_processed_events_task()
    # then
    assert deleted == 1
    assert set(InboundEvent.objects.values_list("wamid", flat=True)) == {
        "wamid.NEW",
        "wamid.UNPROCESSED",
    }


def test_with_nothing_connected_to_message_received_events_stay_unprocessed(post_webhook, graph):
    # given: a worker without the dialog engine (its receiver disconnected)
    from dialog_engine.receivers import _handle_message as handle_message
    from dialog_engine.signals import message_received

    message_received.disconnect(dispatch_uid="dialog_engine.handle_message")
    try:
        # when
        response = post_webhook(payloads.text_message("966500000321", "hi", wamid="wamid.NORX"))
    finally:
        message_received.connect(handle_message, dispatch_uid="dialog_engine.handle_message")
    # then: an error, not "processed": the sweeper offers it again to a proper worker
    assert response.status_code == 200
    event = InboundEvent.objects.get(wamid="wamid.NORX")
    assert event.processed_at is None
    assert graph.sends == []
