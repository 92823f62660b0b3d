"""The send task against a fake Graph API: retries of 429/5xx, no retry of other 4xx."""

from __future__ import annotations

import pytest
from django.utils import timezone

from conversation_log.models import Chat, DeliveryStatus, Direction, Message
from message_bus.dto import Button, ReplyButtons, Text
from message_bus.services import CustomerOptedOut, OutsideServiceWindow, outbound_send, text_send
from message_bus.tasks import (
    MAX_SEND_ATTEMPTS,
    OPTED_OUT_TITLE,
    _mark_sent,
    retry_failed_task,
    send_messages_task,
)
from tests.factories import CustomerFactory
from users.models import Customer
from wa_gateway.tests.fixtures import (
    GRAPH_TOKEN,
    MESSAGES_PATH,
    assert_graph_body_valid,
)

pytestmark = pytest.mark.django_db

WA_ID = "966520000001"


@pytest.fixture
def fake_graph(httpserver, settings):
    """The fake Graph API with ordered responses the test declares."""
    settings.WA_GRAPH_URL = httpserver.url_for("").rstrip("/")
    settings.WA_BEARER_TOKEN = GRAPH_TOKEN
    settings.WA_PHONE_ID = "123"
    settings.WA_API_VERSION = "v21.0"
    return httpserver


def _queued(text: str = "hello") -> Message:
    customer = CustomerFactory(wa_id=WA_ID, last_inbound_at=timezone.now())
    (row,) = outbound_send(customer=customer, messages=[Text(body=text)])
    return row


def _requests(httpserver) -> list:
    return [request for request, _response in httpserver.log]


def _assert_send_request(request, text: str) -> None:
    assert request.method == "POST"
    assert request.path == MESSAGES_PATH
    assert request.headers["Authorization"] == f"Bearer {GRAPH_TOKEN}"
    assert request.headers["Content-Type"].startswith("application/json")
    body = request.get_json()
    assert_graph_body_valid(body)
    # Our row id, which Meta echoes in the status webhooks (a lost response is recognised).
    assert body.pop("biz_opaque_callback_data").startswith("out:")
    assert body == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": WA_ID,
        "type": "text",
        "text": {"body": text, "preview_url": False},
    }


def _ok(wamid: str) -> dict:
    return {"messaging_product": "whatsapp", "messages": [{"id": wamid}]}


def test_a_queued_message_is_sent_once_and_records_the_wamid(fake_graph):
    # given
    row = _queued()
    fake_graph.expect_ordered_request(MESSAGES_PATH, method="POST").respond_with_json(
        _ok("wamid.OK1")
    )
    # when
    send_messages_task.delay([row.pk])
    send_messages_task.delay([row.pk])  # a redelivered task
    # then
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT
    assert row.wamid == "wamid.OK1"
    assert row.sent_at is not None
    requests = _requests(fake_graph)
    assert len(requests) == 1
    _assert_send_request(requests[0], "hello")


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (429, {"error": {"message": "(#130429) Rate limit hit", "code": 130429}}),
        (500, {"error": {"message": "Internal error", "code": 1}}),
        (503, {}),
    ],
    ids=["429", "500", "503"],
)
def test_a_retryable_error_then_200_delivers_the_message_once(fake_graph, status, error):
    # given
    row = _queued("ping")
    fake_graph.expect_ordered_request(MESSAGES_PATH, method="POST").respond_with_json(
        error, status=status
    )
    fake_graph.expect_ordered_request(MESSAGES_PATH, method="POST").respond_with_json(
        _ok("wamid.AFTER")
    )
    # when
    send_messages_task.delay([row.pk])
    # then
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT
    assert row.wamid == "wamid.AFTER"
    assert row.attempts == 2
    requests = _requests(fake_graph)
    assert len(requests) == 2
    for request in requests:
        _assert_send_request(request, "ping")
    fake_graph.check_assertions()


def test_401_marks_the_message_failed_with_the_code_and_does_not_retry(fake_graph):
    # given
    row = _queued()
    fake_graph.expect_request(MESSAGES_PATH, method="POST").respond_with_json(
        {
            "error": {
                "message": "Error validating access token: Session has expired",
                "type": "OAuthException",
                "code": 190,
            }
        },
        status=401,
    )
    # when
    send_messages_task.delay([row.pk])
    # then
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED
    assert row.error_code == 190
    assert "access token" in row.error_title
    assert len(_requests(fake_graph)) == 1


def test_401_without_a_meta_code_keeps_the_http_status_as_code(fake_graph):
    # given
    row = _queued()
    fake_graph.expect_request(MESSAGES_PATH, method="POST").respond_with_data(
        "Unauthorized", status=401
    )
    # when
    send_messages_task.delay([row.pk])
    # then
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED
    assert row.error_code == 401
    assert len(_requests(fake_graph)) == 1


def test_a_server_that_keeps_failing_is_tried_a_bounded_number_of_times(fake_graph):
    # given
    row = _queued()
    fake_graph.expect_request(MESSAGES_PATH, method="POST").respond_with_json(
        {"error": {"message": "Service unavailable", "code": 2}}, status=503
    )
    # when
    send_messages_task.delay([row.pk])
    # then
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED
    assert row.error_code == 2
    assert row.attempts == MAX_SEND_ATTEMPTS
    assert len(_requests(fake_graph)) == MAX_SEND_ATTEMPTS


def test_a_failed_message_does_not_block_the_rest_of_the_turn(fake_graph):
    # given
    customer = CustomerFactory(wa_id=WA_ID, last_inbound_at=timezone.now())
    rows = outbound_send(customer=customer, messages=[Text(body="first"), Text(body="second")])
    fake_graph.expect_ordered_request(MESSAGES_PATH, method="POST").respond_with_json(
        {"error": {"message": "Invalid parameter", "code": 100}}, status=400
    )
    fake_graph.expect_ordered_request(MESSAGES_PATH, method="POST").respond_with_json(
        _ok("wamid.SECOND")
    )
    # when
    send_messages_task.delay([r.pk for r in rows])
    # then
    statuses = [Message.objects.get(pk=r.pk).status for r in rows]
    assert statuses == [DeliveryStatus.FAILED, DeliveryStatus.SENT]
    bodies = [r.get_json()["text"]["body"] for r in _requests(fake_graph)]
    assert bodies == ["first", "second"]


def test_a_turn_is_sent_in_order_after_commit(graph, django_capture_on_commit_callbacks):
    # given
    customer = CustomerFactory(wa_id=WA_ID, last_inbound_at=timezone.now())
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = outbound_send(
            customer=customer,
            messages=[
                Text(body="one"),
                ReplyButtons(
                    body="two", buttons=tuple(Button(id=f"b{i}", title=f"B{i}") for i in range(4))
                ),
            ],
        )
    sent_before_commit = len(graph.requests)
    for callback in callbacks:
        callback()
    # then
    assert sent_before_commit == 0
    assert len(rows) == 3  # the four buttons became two messages
    assert [b["type"] for b in graph.sends] == ["text", "interactive", "interactive"]
    assert graph.texts() == ["one", "two", "More options:"]
    assert [Message.objects.get(pk=r.pk).status for r in rows] == [DeliveryStatus.SENT] * 3


def test_retry_sweep_resends_messages_left_queued_by_a_broker_outage(fake_graph):
    # given
    row = _queued("stuck")
    Message.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - timezone.timedelta(hours=1)
    )
    fake_graph.expect_request(MESSAGES_PATH, method="POST").respond_with_json(_ok("wamid.LATE"))
    # when
    swept = retry_failed_task()
    # then
    row.refresh_from_db()
    assert swept == 1
    assert row.status == DeliveryStatus.SENT
    assert len(_requests(fake_graph)) == 1


def test_an_opted_out_customer_is_never_sent_free_form_messages():
    # given
    customer = CustomerFactory(opted_out=True, last_inbound_at=timezone.now())
    # when / then
    with pytest.raises(CustomerOptedOut):
        text_send(customer=customer, text="hello")
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


def test_a_stored_body_with_a_to_is_still_sent_to_the_chats_customer_only(fake_graph):
    # given: a queued row whose body was altered to name another recipient and extra fields
    row = _queued("hello")
    Message.objects.filter(pk=row.pk).update(
        body={
            "to": "15550001111",
            "type": "text",
            "text": {"body": "hello", "preview_url": False},
            "recipient_type": "group",
            "context": {"message_id": "wamid.X"},
        }
    )
    fake_graph.expect_request(MESSAGES_PATH, method="POST").respond_with_json(_ok("wamid.TO"))
    # when
    send_messages_task.delay([row.pk])
    # then: exactly the request of a clean body, to the chat's customer
    (request,) = _requests(fake_graph)
    _assert_send_request(request, "hello")


def test_a_stored_body_graph_would_not_accept_is_failed_without_a_request(fake_graph):
    # given
    row = _queued()
    Message.objects.filter(pk=row.pk).update(body={"to": "15550001111", "type": "payment"})
    # when
    send_messages_task.delay([row.pk])
    # then
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED
    assert "not a message Graph accepts" in row.error_title
    assert _requests(fake_graph) == []


def test_a_message_queued_before_the_customer_opted_out_is_not_sent(fake_graph):
    # given
    row = _queued("a reminder")
    Customer.objects.filter(pk=row.chat.customer_id).update(opted_out=True)
    # when
    send_messages_task.delay([row.pk])
    # then
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED
    assert row.error_title == OPTED_OUT_TITLE
    assert row.wamid is None
    assert _requests(fake_graph) == []


def test_the_retry_sweep_does_not_send_queued_messages_to_an_opted_out_customer(fake_graph):
    # given
    row = _queued("stuck")
    Message.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - timezone.timedelta(hours=1)
    )
    Customer.objects.filter(pk=row.chat.customer_id).update(opted_out=True)
    # when
    retry_failed_task()
    # then
    row.refresh_from_db()
    assert (row.status, row.error_title) == (DeliveryStatus.FAILED, OPTED_OUT_TITLE)
    assert _requests(fake_graph) == []


def test_the_opt_out_confirmation_still_reaches_an_opted_out_customer(fake_graph):
    # given
    customer = CustomerFactory(wa_id=WA_ID, opted_out=True, last_inbound_at=timezone.now())
    (row,) = outbound_send(
        customer=customer, messages=[Text(body="You are opted out.")], allow_opted_out=True
    )
    fake_graph.expect_request(MESSAGES_PATH, method="POST").respond_with_json(_ok("wamid.BYE"))
    # when
    send_messages_task.delay([row.pk])
    # then
    row.refresh_from_db()
    assert row.allow_opted_out is True
    assert row.status == DeliveryStatus.SENT
    (request,) = _requests(fake_graph)
    _assert_send_request(request, "You are opted out.")


def test_free_form_messages_outside_the_service_window_are_refused():
    # given
    customer = CustomerFactory(last_inbound_at=timezone.now() - timezone.timedelta(hours=25))
    # when / then
    with pytest.raises(OutsideServiceWindow):
        text_send(customer=customer, text="hello")


def test_without_a_bearer_token_messages_go_to_the_console_transport(settings):
    # given
    settings.WA_BEARER_TOKEN = ""
    row = _queued()
    # when
    send_messages_task.delay([row.pk])
    # then
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT
    assert row.wamid.startswith("console.")


@pytest.mark.django_db
def test_a_wamid_graph_repeats_never_leaves_the_message_unsent() -> None:
    # given: a message already holds the wamid that Graph will return again
    chat = Chat.objects.create(customer=CustomerFactory())
    Message.objects.create(
        chat=chat, direction=Direction.OUTBOUND, status="sent", wamid="wamid.dup"
    )
    queued = Message.objects.create(
        chat=chat,
        direction=Direction.OUTBOUND,
        status="sending",
        lease_until=timezone.now() + timezone.timedelta(seconds=30),
    )
    # when
    _mark_sent(queued, "wamid.dup")
    # then: sent (so no drain sends it again), without the duplicate id
    queued.refresh_from_db()
    assert (queued.status, queued.wamid) == (DeliveryStatus.SENT, None)


@pytest.mark.parametrize(("language", "more"), [("en", "More options:"), ("ar", "خيارات أخرى:")])
def test_buttons_past_the_third_follow_with_a_body_in_the_customers_language(language, more):
    # given
    customer = CustomerFactory(language=language, last_inbound_at=timezone.now())
    buttons = tuple(Button(id=f"b{i}", title=f"Option {i}") for i in range(5))
    # when
    rows = outbound_send(customer=customer, messages=[ReplyButtons(body="Pick", buttons=buttons)])
    # then
    assert [row.body["interactive"]["body"]["text"] for row in rows] == ["Pick", more]
