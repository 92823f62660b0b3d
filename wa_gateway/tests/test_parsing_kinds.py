"""The richer inbound kinds: their fields are checked when the webhook is validated, and
`message_content` turns each into what the dialog reads."""

from __future__ import annotations

import pytest

from wa_gateway.parsing import InvalidWebhook, message_content, parse_webhook

from . import payloads

PHONE_ID = payloads.PHONE_NUMBER_ID


def _parse(raw: dict) -> None:
    parse_webhook(payloads.webhook(messages=[raw]), phone_number_id=PHONE_ID)


def _raw(kind: str, content, **extra) -> dict:
    raw = payloads.message(wa_id="966500000001", kind=kind, content=content)
    raw.update(extra)
    return raw


@pytest.mark.parametrize(
    ("kind", "content", "extra"),
    [
        ("order", {"product_items": [{"product_retailer_id": "A", "quantity": "two"}]}, {}),
        ("order", {"product_items": [{"product_retailer_id": "", "quantity": 1}]}, {}),
        ("order", {"product_items": [{"product_retailer_id": "A", "quantity": -1}]}, {}),
        ("order", {"product_items": {"product_retailer_id": "A"}}, {}),
        ("system", {"type": "user_changed_number", "wa_id": "9" * 40}, {}),
        ("reaction", {"message_id": 5, "emoji": "👍"}, {}),
        ("audio", {"id": "M", "voice": "yes"}, {}),
        ("edit", {"original_message_id": "w", "message": {"type": "text", "text": "hi"}}, {}),
        ("text", {"body": "hi"}, {"context": {"referred_product": {"product_retailer_id": 7}}}),
    ],
    ids=[
        "quantity not a number",
        "empty retailer id",
        "negative quantity",
        "items not a list",
        "new wa_id too long",
        "reacted id not a string",
        "voice not a boolean",
        "edited text not an object",
        "referred product id not a string",
    ],
)
def test_a_malformed_field_of_a_richer_kind_refuses_the_webhook(kind, content, extra):
    with pytest.raises(InvalidWebhook):
        _parse(_raw(kind, content, **extra))


def test_an_order_reads_its_lines_with_string_or_number_quantities():
    # given
    raw = _raw(
        "order",
        {
            "catalog_id": 12345,
            "text": "for my son",
            "product_items": [
                {"product_retailer_id": "A-1", "quantity": "2", "item_price": "9.5"},
                {"product_retailer_id": "B-2", "quantity": 1, "item_price": 3, "currency": "USD"},
            ],
        },
    )
    _parse(raw)
    # when
    content = message_content(raw)
    # then
    assert content["order_items"] == [("A-1", 2), ("B-2", 1)]
    assert content["text"] == "for my son"


def test_an_edit_reads_as_the_message_it_now_is():
    # given
    raw = _raw(
        "edit",
        {
            "original_message_id": "wamid.OLD",
            "message": {"type": "image", "image": {"id": "M1", "caption": "this one"}},
        },
    )
    _parse(raw)
    # when
    content = message_content(raw)
    # then
    assert content["kind"] == "image" and content["edited"] is True
    assert content["text"] == "this one" and content["refers_to"] == "wamid.OLD"


def test_a_voice_note_a_reaction_a_deletion_and_a_number_change():
    # given
    voice = _raw("audio", {"id": "V1", "mime_type": "audio/ogg; codecs=opus", "voice": True})
    reaction = _raw("reaction", {"message_id": "wamid.OURS", "emoji": ""})
    revoke = _raw("revoke", {"original_message_id": "wamid.GONE"})
    system = _raw(
        "system",
        {"body": "Sara changed from 1 to 2", "wa_id": 966500000002, "type": "user_changed_number"},
    )
    for raw in (voice, reaction, revoke, system):
        _parse(raw)
    # then
    assert message_content(voice)["voice"] is True
    assert message_content(voice)["mime_type"] == "audio/ogg; codecs=opus"
    assert message_content(reaction)["refers_to"] == "wamid.OURS"
    assert message_content(reaction)["text"] == ""  # an empty emoji: the reaction removed
    assert message_content(revoke)["refers_to"] == "wamid.GONE"
    number = message_content(system)
    assert number["system_type"] == "user_changed_number"
    assert number["new_wa_id"] == "966500000002"
    assert number["text"] == ""  # Meta's sentence is not the customer's words


def test_a_referred_product_is_read_from_the_context():
    # given
    raw = _raw(
        "text",
        {"body": "is it waterproof?"},
        context={"referred_product": {"catalog_id": "C1", "product_retailer_id": " W-9 "}},
    )
    _parse(raw)
    # then
    assert message_content(raw)["referred_sku"] == "W-9"
