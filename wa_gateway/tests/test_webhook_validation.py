"""The webhook checks its whole input before storing anything: signed but malformed bodies
are a 400 with nothing stored (never a 500), a valid batch is stored whole, and changes for
another phone number are acknowledged and ignored."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from conversation_log.models import EarlyStatus
from users.models import Customer
from wa_gateway.models import InboundEvent
from wa_gateway.parsing import InvalidWebhook, parse_webhook, webhook_decode

from . import payloads

pytestmark = pytest.mark.django_db


def _nothing_stored() -> bool:
    return not (
        InboundEvent.objects.exists() or Customer.objects.exists() or EarlyStatus.objects.exists()
    )


def _assert_refused(response) -> None:
    assert response.status_code == 400
    assert response.json()["error"].startswith("not a WhatsApp webhook")
    assert len(response.content) < 400
    assert _nothing_stored()


def _value(body: dict[str, Any]) -> dict[str, Any]:
    return body["entry"][0]["changes"][0]["value"]


def _texts(*senders: str) -> dict[str, Any]:
    """One valid batch: a text message from each sender, plus a status callback."""
    body = payloads.webhook(
        messages=[
            payloads.message(wa_id=wa_id, kind="text", content={"body": "hi"}) for wa_id in senders
        ]
    )
    _value(body)["statuses"] = [
        {"id": "wamid.OUT.V1", "status": "delivered", "timestamp": "1700000000"}
    ]
    return body


def test_deep_nesting_is_a_bad_request_not_a_recursion_error(post_webhook):
    # given: a signed body nested 100,000 levels deep (json.loads would recurse that far)
    body = (
        b'{"object": "whatsapp_business_account", "entry": ['
        + b"[" * 100_000
        + b"]" * 100_000
        + b"]}"
    )
    # when
    response = post_webhook(body)
    # then
    _assert_refused(response)


def test_nesting_up_to_the_limit_decodes_and_one_level_more_is_refused(settings):
    # given: brackets inside strings do not nest
    settings.WEBHOOK_MAX_DEPTH = 4
    at_limit = b'{"a": [{"b": ["[[[{{{\\"]]]"]}]}'
    too_deep = b'{"a": [{"b": [[1]]}]}'
    # when
    decoded = webhook_decode(at_limit)
    # then
    assert decoded == {"a": [{"b": ['[[[{{{"]]]']}]}
    with pytest.raises(InvalidWebhook, match="nested deeper than 4"):
        webhook_decode(too_deep)


@pytest.mark.parametrize("key", ["messages", "contacts", "statuses"])
@pytest.mark.parametrize("wrong", [{"0": {}}, "[]", 1, None], ids=["dict", "str", "int", "null"])
def test_messages_contacts_or_statuses_not_a_list_is_a_bad_request(post_webhook, key, wrong):
    # given
    body = _texts("966500100001")
    _value(body)[key] = wrong
    # when
    response = post_webhook(body)
    # then
    _assert_refused(response)


@pytest.mark.parametrize(
    "sender", [["966500100002"], {"wa_id": "966500100002"}, 9.665e11, True, -5, ""]
)
def test_a_sender_that_is_not_a_string_of_an_id_is_a_bad_request(post_webhook, sender):
    # given
    body = _texts("966500100002")
    _value(body)["messages"][0]["from"] = sender
    # when
    response = post_webhook(body)
    # then
    _assert_refused(response)


def test_a_sender_sent_as_an_integer_is_stored_as_its_digits(post_webhook, graph):
    # given: Meta sends strings; a non-negative integer is the same id, losslessly
    body = _texts("966500100003")
    _value(body)["messages"][0]["from"] = 966500100003
    # when
    response = post_webhook(body)
    # then
    assert response.status_code == 200
    assert InboundEvent.objects.filter(customer__wa_id="966500100003").count() == 1


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_a_timestamp_that_is_not_a_finite_number_is_a_bad_request(post_webhook, constant):
    # given: json.loads would accept NaN and Infinity, and read 1e400 as infinity
    body = json.dumps(_texts("966500100004")).replace(
        '"timestamp": "1700000000"', f'"timestamp": {constant}'
    )
    assert constant in body
    # when
    response = post_webhook(body.encode())
    # then
    _assert_refused(response)


@pytest.mark.parametrize("timestamp", ["soon", "1.7e9", 1.7e9, "", -1, 10**15])
def test_a_timestamp_that_is_not_digits_or_in_range_is_a_bad_request(post_webhook, timestamp):
    # given
    body = _texts("966500100005")
    _value(body)["messages"][0]["timestamp"] = timestamp
    # when
    response = post_webhook(body)
    # then
    _assert_refused(response)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_a_latitude_that_is_not_a_finite_number_is_a_bad_request(post_webhook, constant):
    # given
    body = json.dumps(payloads.location("966500100006", 24.5, 46.5)).replace(
        '"latitude": 24.5', f'"latitude": {constant}'
    )
    assert constant in body
    # when
    response = post_webhook(body.encode())
    # then
    _assert_refused(response)


@pytest.mark.parametrize("latitude", ["24.5", 91, [24.5], True])
def test_a_latitude_that_is_not_a_coordinate_is_a_bad_request(post_webhook, latitude):
    # given
    body = payloads.location("966500100007", 24.5, 46.5)
    _value(body)["messages"][0]["location"]["latitude"] = latitude
    # when
    response = post_webhook(body)
    # then
    _assert_refused(response)


@pytest.mark.parametrize(
    "where",
    ["text", "id", "name", "key", "extra field"],
)
def test_a_lone_surrogate_anywhere_is_a_bad_request(post_webhook, where):
    # given: "\ud800" cannot be stored in utf8mb4 (json.dumps escapes it as \ud800)
    body = _texts("966500100008")
    message = _value(body)["messages"][0]
    if where == "text":
        message["text"]["body"] = "hi \ud800"
    elif where == "id":
        message["id"] = "wamid.\udfff"
    elif where == "name":
        _value(body)["contacts"][0]["profile"]["name"] = "Sara \udbff"
    elif where == "key":
        message["\ud800"] = "x"
    else:
        body["entry"][0]["meta_added"] = ["ok", {"deep": "\ud83d"}]
    # when
    response = post_webhook(body)
    # then
    _assert_refused(response)


def test_an_encoded_surrogate_or_other_invalid_utf8_is_a_bad_request(post_webhook):
    # given: the UTF-8-style bytes of a surrogate, which json.loads would let through
    body = json.dumps(_texts("966500100009"), ensure_ascii=False).replace("hi", "hi \ud800")
    # when
    response = post_webhook(body.encode("utf-8", "surrogatepass"))
    # then
    _assert_refused(response)


def test_a_surrogate_pair_is_an_emoji_and_is_stored(post_webhook, graph):
    # given: json.dumps writes 😀 as the pair \ud83d\ude00
    body = payloads.text_message("966500100010", "hi \U0001f600", wamid="wamid.EMOJI")
    # when
    response = post_webhook(body)
    # then
    assert response.status_code == 200
    event = InboundEvent.objects.get(wamid="wamid.EMOJI")
    assert event.payload["text"]["body"] == "hi \U0001f600"


@pytest.mark.parametrize("code", ["131047", 1.5, True, None, [131047], 2**31])
def test_a_status_error_code_that_is_not_an_integer_is_a_bad_request(post_webhook, code):
    # given
    body = payloads.status("wamid.OUT.E1", "failed", "966500100011", error_code=131047)
    _value(body)["statuses"][0]["errors"][0]["code"] = code
    # when
    response = post_webhook(body)
    # then
    if code is None:  # an error without a code is an error without a code
        assert response.status_code == 200
    else:
        _assert_refused(response)


def test_more_messages_and_statuses_than_the_cap_is_a_bad_request(post_webhook, settings):
    # given: 3 messages + 3 statuses over two changes, the cap at 5
    settings.WEBHOOK_MAX_ITEMS = 5
    body = _texts("966500100012", "966500100013")
    _value(body)["statuses"] = [
        {"id": f"wamid.OUT.C{i}", "status": "delivered", "timestamp": "1700000000"}
        for i in range(2)
    ]
    body["entry"].append(_texts("966500100014")["entry"][0])
    # when
    response = post_webhook(body)
    # then
    _assert_refused(response)
    assert "more than 5" in response.json()["error"]


def test_a_batch_at_the_cap_is_stored(post_webhook, graph, settings):
    # given: 2 messages + 3 statuses, the cap at 5
    settings.WEBHOOK_MAX_ITEMS = 5
    body = _texts("966500100015", "966500100016")
    _value(body)["statuses"] = [
        {"id": f"wamid.OUT.D{i}", "status": "delivered", "timestamp": "1700000000"}
        for i in range(3)
    ]
    # when
    response = post_webhook(body)
    # then
    assert response.status_code == 200
    assert InboundEvent.objects.count() == 2
    assert EarlyStatus.objects.count() == 3


def test_a_bad_item_late_in_a_batch_stores_nothing_of_the_batch(post_webhook):
    # given: 20 good messages and statuses, then one message whose sender is a list
    senders = [f"9665001002{i:02d}" for i in range(10)]
    body = _texts(*senders)
    _value(body)["statuses"] = [
        {"id": f"wamid.OUT.L{i}", "status": "sent", "timestamp": "1700000000"} for i in range(10)
    ]
    late = payloads.text_message("966500100299", "hi")
    late["entry"][0]["changes"][0]["value"]["messages"][0]["from"] = ["966500100299"]
    body["entry"].append(late["entry"][0])
    # when
    response = post_webhook(body)
    # then
    _assert_refused(response)
    assert "entry.1.changes.0.value.messages.0.from" in response.json()["error"]


def test_an_unknown_message_type_is_stored_and_answered(post_webhook, graph):
    # given: a type we do not know, carrying fields we do not know
    raw = payloads.message(
        wa_id="966500100017", kind="hologram", content={"shape": [1, 2]}, wamid="wamid.HOLO"
    )
    # when
    response = post_webhook(payloads.webhook(messages=[raw]))
    # then
    assert response.status_code == 200
    assert InboundEvent.objects.get(wamid="wamid.HOLO").msg_type == "hologram"
    assert len(graph.sends) == 1


def test_another_phone_numbers_change_is_acknowledged_and_ignored_ours_is_stored(
    post_webhook, graph, caplog
):
    # given: one body, two entries: one for another number of the business, one for ours
    foreign = payloads.text_message("966500100018", "secret text", wamid="wamid.FOREIGN")
    _value(foreign)["metadata"]["phone_number_id"] = "999000111"
    _value(foreign)["statuses"] = [
        {"id": "wamid.OUT.F1", "status": "read", "timestamp": "1700000000"}
    ]
    ours = payloads.text_message("966500100019", "hi", wamid="wamid.OURS")
    body = {"object": "whatsapp_business_account", "entry": foreign["entry"] + ours["entry"]}
    # when
    with caplog.at_level(logging.WARNING, logger="wa_gateway.parsing"):
        response = post_webhook(body)
    # then
    assert response.status_code == 200
    assert list(InboundEvent.objects.values_list("wamid", flat=True)) == ["wamid.OURS"]
    assert not Customer.objects.filter(wa_id="966500100018").exists()
    assert not EarlyStatus.objects.exists()
    assert [send["to"] for send in graph.sends] == ["966500100019"]
    (record,) = [r for r in caplog.records if r.name == "wa_gateway.parsing"]
    assert record.levelno == logging.WARNING
    logged = record.getMessage()
    assert "2 messages/statuses" in logged
    for private in ("966500100018", "999000111", "secret text"):
        assert private not in logged


def test_without_our_phone_number_id_configured_every_change_is_ours(settings):
    # given: dev and tests leave WA_PHONE_ID empty
    settings.WA_PHONE_ID = ""
    body = payloads.text_message("966500100020", "hi")
    _value(body)["metadata"]["phone_number_id"] = "999000111"
    # when
    parsed = parse_webhook(body)
    # then
    assert len(parsed.messages) == 1 and parsed.foreign == 0


def test_a_change_without_metadata_is_not_ours_when_our_id_is_configured(settings):
    # given
    settings.WA_PHONE_ID = "123"
    body = payloads.text_message("966500100021", "hi")
    del _value(body)["metadata"]
    # when
    parsed = parse_webhook(body)
    # then
    assert parsed.messages == [] and parsed.foreign == 1


def test_a_duplicate_wamid_inside_a_valid_batch_is_stored_once(post_webhook, graph):
    # given: Meta repeats a message inside one batch, next to two others
    first = payloads.message(
        wa_id="966500100022", kind="text", content={"body": "hi"}, wamid="wamid.TWICE"
    )
    other = payloads.message(
        wa_id="966500100023", kind="text", content={"body": "hello"}, wamid="wamid.ONCE"
    )
    repeat = dict(first)
    later = payloads.message(
        wa_id="966500100022", kind="text", content={"body": "menu"}, wamid="wamid.AFTER"
    )
    body = payloads.webhook(messages=[first, other, repeat, later])
    # when
    response = post_webhook(body)
    # then
    assert response.status_code == 200
    assert sorted(InboundEvent.objects.values_list("wamid", flat=True)) == [
        "wamid.AFTER",
        "wamid.ONCE",
        "wamid.TWICE",
    ]


def test_a_whole_batch_redelivered_is_a_no_op(post_webhook, graph):
    # given
    body = _texts("966500100024", "966500100025")
    assert post_webhook(body).status_code == 200
    sends = len(graph.sends)
    # when
    response = post_webhook(body)
    # then
    assert response.status_code == 200
    assert InboundEvent.objects.count() == 2
    assert len(graph.sends) == sends
