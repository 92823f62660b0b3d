"""Parsing Graph webhook bodies into messages and statuses, and message content."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from wa_gateway.parsing import InvalidWebhook, message_content, parse_webhook
from wa_gateway.signatures import signature_header, signature_valid

from . import payloads


def test_parse_reads_sender_profile_type_and_meta_timestamp():
    # given
    body = payloads.webhook(
        messages=[
            payloads.message(
                wa_id="966500000001",
                kind="text",
                content={"body": "hi"},
                wamid="wamid.P1",
                ts=1_700_000_000,
            )
        ],
        names={"966500000001": "Sara"},
    )
    # when
    (message,) = parse_webhook(body).messages
    # then
    assert message.wamid == "wamid.P1"
    assert message.wa_id == "966500000001"
    assert message.profile_name == "Sara"
    assert message.msg_type == "text"
    assert message.timestamp == datetime.fromtimestamp(1_700_000_000, tz=UTC)


def test_parse_reads_every_entry_and_change_not_just_the_first():
    # given
    first = payloads.text_message("1", "a", wamid="wamid.E1")
    second = payloads.text_message("2", "b", wamid="wamid.E2")
    third = payloads.status("wamid.OUT", "read", "3")
    first["entry"][0]["changes"].extend(third["entry"][0]["changes"])
    first["entry"].extend(second["entry"])
    # when
    parsed = parse_webhook(first)
    # then
    assert [m.wamid for m in parsed.messages] == ["wamid.E1", "wamid.E2"]
    assert [s.wamid for s in parsed.statuses] == ["wamid.OUT"]


def test_parse_keeps_a_failed_statuses_error_code_and_details():
    # given
    body = payloads.status("wamid.F", "failed", "1", error_code=131047, error_title="Re-engage")
    # when
    (status,) = parse_webhook(body).statuses
    # then
    assert (status.status, status.error_code, status.error_title) == ("failed", 131047, "Re-engage")


def test_a_message_without_a_type_is_unsupported():
    # given
    raw = payloads.message(wa_id="1", kind="text", content={"body": "x"})
    del raw["type"]
    # when
    (message,) = parse_webhook(payloads.webhook(messages=[raw])).messages
    # then
    assert message.msg_type == "unsupported"


def test_a_change_without_messages_or_statuses_parses_to_nothing():
    # given
    body = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "account_update", "value": {"x": 1}}]}],
    }
    # when
    parsed = parse_webhook(body)
    # then
    assert parsed.messages == [] and parsed.statuses == []


@pytest.mark.parametrize(
    "body", [None, "text", {"object": "page"}, {"object": "whatsapp_business_account"}]
)
def test_parse_rejects_what_is_not_a_whatsapp_webhook(body):
    with pytest.raises(InvalidWebhook):
        parse_webhook(body)


@pytest.mark.parametrize(
    ("wamid", "sender"), [("wamid." + "x" * 200, "966500000001"), ("wamid.OK", "9" * 40)]
)
def test_parse_rejects_ids_too_long_to_store(wamid, sender):
    # given: a message whose id or sender no column could hold (every retry would fail)
    body = payloads.text_message(sender, "hi", wamid=wamid)
    # when / then
    with pytest.raises(InvalidWebhook, match="too long"):
        parse_webhook(body)


def test_the_length_limits_are_the_columns():
    from users.models import Customer
    from wa_gateway.models import InboundEvent
    from wa_gateway.parsing import WA_ID_MAX, WAMID_MAX

    assert InboundEvent._meta.get_field("wamid").max_length == WAMID_MAX
    assert Customer._meta.get_field("wa_id").max_length == WA_ID_MAX


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"type": "text", "text": {"body": "hello"}}, {"text": "hello"}),
        (
            {
                "type": "interactive",
                "interactive": {
                    "type": "button_reply",
                    "button_reply": {"id": "add:S1", "title": "Add"},
                },
            },
            {"reply_id": "add:S1", "reply_title": "Add"},
        ),
        (
            {
                "type": "interactive",
                "interactive": {
                    "type": "list_reply",
                    "list_reply": {"id": "prd:S1", "title": "S1"},
                },
            },
            {"reply_id": "prd:S1", "reply_title": "S1"},
        ),
        (
            {"type": "button", "button": {"payload": "menu", "text": "Menu"}},
            {"reply_id": "menu", "reply_title": "Menu", "text": "Menu"},
        ),
        (
            {"type": "image", "image": {"id": "M1", "caption": "pic"}},
            {"media_id": "M1", "text": "pic"},
        ),
        ({"type": "audio", "audio": {"id": "M2"}}, {"media_id": "M2", "text": ""}),
        ({"type": "video", "video": {"id": "M3"}}, {"media_id": "M3"}),
        ({"type": "document", "document": {"id": "M4", "caption": "doc"}}, {"media_id": "M4"}),
        ({"type": "sticker", "sticker": {"id": "M5"}}, {"media_id": "M5"}),
        ({"type": "reaction", "reaction": {"emoji": "👍"}}, {"text": "👍"}),
        ({"type": "order", "order": {"text": "my order"}}, {"text": "my order"}),
        ({"type": "contacts", "contacts": []}, {"text": "", "reply_id": ""}),
        ({"type": "foo", "foo": {}}, {"text": "", "reply_id": "", "media_id": ""}),
    ],
    ids=[
        "text",
        "button_reply",
        "list_reply",
        "button",
        "image",
        "audio",
        "video",
        "document",
        "sticker",
        "reaction",
        "order",
        "contacts",
        "unknown",
    ],
)
def test_message_content_extracts_what_the_dialog_needs(raw, expected):
    # when
    content = message_content(raw)
    # then
    assert {key: content[key] for key in expected} == expected


def test_message_content_reads_a_location_as_decimals():
    # when
    content = message_content(
        {
            "type": "location",
            "location": {"latitude": 24.7136, "longitude": 46.6753, "name": "Home"},
        }
    )
    # then
    assert content["location"] == {
        "latitude": Decimal("24.7136"),
        "longitude": Decimal("46.6753"),
        "name": "Home",
        "address": "",
    }


def test_a_location_without_coordinates_is_none():
    assert message_content({"type": "location", "location": {}})["location"] is None


def test_signature_header_round_trips_and_rejects_other_secrets():
    # given
    body = b'{"a": 1}'
    header = signature_header(body=body, secret="s3cret")
    # then
    assert signature_valid(body=body, header=header, secret="s3cret")
    assert signature_valid(
        body=body, header=header.upper().replace("SHA256=", "sha256="), secret="s3cret"
    )
    assert not signature_valid(body=body, header=header, secret="other")
    assert not signature_valid(body=body + b" ", header=header, secret="s3cret")
    assert not signature_valid(body=body, header="", secret="s3cret")
