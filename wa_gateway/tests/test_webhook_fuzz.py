"""Fuzzing the webhook with signed bodies: arbitrary JSON, valid payloads with one node
replaced or removed, and raw bytes. Whatever arrives, the answer is 200 or 400, never a
500; a 400 stores nothing; what a 200 stores, the inbox drain can read."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conversation_log.models import EarlyStatus
from users.models import Customer
from wa_gateway.models import InboundEvent
from wa_gateway.services import inbound_event_incoming
from wa_gateway.signatures import signature_header

from . import payloads

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Keys the webhook reads, so that generated dicts often hit them.
KEYS = [
    "object",
    "entry",
    "changes",
    "value",
    "metadata",
    "phone_number_id",
    "contacts",
    "wa_id",
    "profile",
    "name",
    "messages",
    "statuses",
    "id",
    "from",
    "type",
    "timestamp",
    "text",
    "body",
    "interactive",
    "button_reply",
    "location",
    "latitude",
    "errors",
    "code",
]

# Every Unicode category, lone surrogates (Cs) included. They are a tiny share of the code
# points (and a union of `characters` is drawn by code point), so a second kind of text
# mixes in surrogates drawn on their own.
characters = st.characters(categories=["L", "M", "N", "P", "S", "Z", "Cc", "Cf", "Co", "Cs", "Cn"])
surrogates = st.integers(min_value=0xD800, max_value=0xDFFF).map(chr)
text = st.text(alphabet=characters, max_size=12)
lone_surrogate_text = st.text(alphabet=characters | surrogates, min_size=1, max_size=4)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | text
    | lone_surrogate_text
    | st.sampled_from(["whatsapp_business_account", "123", "966500000001", "1700000000"])
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | text | lone_surrogate_text, children, max_size=4)
    ),
    max_leaves=12,
)

NOW = 1_700_000_000


def _valid_bodies() -> list[dict[str, Any]]:
    """Valid payloads of every kind we read, with fixed ids (examples are replayed)."""
    text_batch = payloads.webhook(
        messages=[
            payloads.message(
                wa_id="966500900001", kind="text", content={"body": "hi"}, wamid="wamid.Z1", ts=NOW
            ),
            payloads.message(
                wa_id="966500900002",
                kind="interactive",
                content={"type": "button_reply", "button_reply": {"id": "menu", "title": "Menu"}},
                wamid="wamid.Z2",
                ts=NOW,
            ),
        ]
    )
    location = payloads.location("966500900003", 24.7, 46.6, "Home", wamid="wamid.Z3", ts=NOW)
    media = payloads.webhook(
        messages=[
            payloads.message(
                wa_id="966500900004",
                kind="image",
                content={"id": "M1", "caption": "pic"},
                wamid="wamid.Z4",
                ts=NOW,
            )
        ]
    )
    failed = payloads.status(
        "wamid.OUT.Z5", "failed", "966500900005", ts=NOW, error_code=131047, error_title="x"
    )
    return [text_batch, location, media, failed]


VALID = _valid_bodies()


def _paths(node: Any, path: tuple = ()) -> Iterator[tuple]:
    yield path
    if isinstance(node, dict | list):
        for key, child in node.items() if isinstance(node, dict) else enumerate(node):
            yield from _paths(child, (*path, key))


@st.composite
def mutated_bodies(draw) -> Any:
    """A valid payload with one node replaced by an arbitrary value, or removed."""
    body = copy.deepcopy(draw(st.sampled_from(VALID)))
    path = draw(st.sampled_from(list(_paths(body))))
    if not path:
        return draw(json_values)
    parent = body
    for key in path[:-1]:
        parent = parent[key]
    if draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:  # a leaf more often than a tree: a bad value where a good one was
        parent[path[-1]] = draw(scalars | json_values)
    return body


def _encoded(value: Any, *, ascii_only: bool) -> bytes:
    """As json.dumps writes it: NaN and Infinity as bare words; surrogates escaped, or
    (ascii_only False) as the UTF-8-style bytes no valid UTF-8 holds."""
    return json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


def _stored() -> tuple[int, int, int]:
    return InboundEvent.objects.count(), Customer.objects.count(), EarlyStatus.objects.count()


def _post_signed(body: bytes):
    client = Client(raise_request_exception=False)
    return client.post(
        reverse("wa_gateway:webhook"),
        data=body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature_header(body=body, secret=django_settings.WA_APP_SECRET),
    )


def _assert_200_or_400_with_nothing_stored(body: bytes) -> None:
    before = _stored()
    newest = InboundEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = _post_signed(body)
    event(f"HTTP {response.status_code}")
    assert response.status_code in {200, 400}, response.content[:300]
    if response.status_code == 400:
        assert _stored() == before
        assert len(response.content) < 400
        return
    for stored in InboundEvent.objects.filter(pk__gt=newest):
        inbound_event_incoming(event=stored)  # what is accepted, the drain can read


@pytest.fixture
def ours(settings) -> None:
    """Our phone number id is set, so foreign changes are exercised too."""
    settings.WA_PHONE_ID = payloads.PHONE_NUMBER_ID


@FUZZ
@given(value=json_values, ascii_only=st.booleans())
def test_arbitrary_json_is_accepted_or_refused_never_an_error(ours, value, ascii_only):
    _assert_200_or_400_with_nothing_stored(_encoded(value, ascii_only=ascii_only))


@FUZZ
@given(
    value=st.builds(
        lambda entry: {"object": "whatsapp_business_account", "entry": entry}, json_values
    ),
    ascii_only=st.booleans(),
)
def test_arbitrary_entries_are_accepted_or_refused_never_an_error(ours, value, ascii_only):
    _assert_200_or_400_with_nothing_stored(_encoded(value, ascii_only=ascii_only))


@settings(parent=FUZZ, max_examples=800)
@given(body=mutated_bodies(), ascii_only=st.booleans())
def test_a_valid_payload_with_one_node_changed_is_accepted_or_refused(ours, body, ascii_only):
    _assert_200_or_400_with_nothing_stored(_encoded(body, ascii_only=ascii_only))


@FUZZ
@given(body=st.binary(max_size=300))
def test_random_bytes_are_refused_never_an_error(ours, body):
    _assert_200_or_400_with_nothing_stored(body)


@FUZZ
@given(
    body=st.sampled_from(VALID).map(lambda v: json.dumps(v).encode()),
    data=st.data(),
)
def test_a_truncated_or_corrupted_valid_payload_is_refused_never_an_error(ours, body, data):
    # given: cut short, or with random bytes (often not UTF-8) spliced in
    at = data.draw(st.integers(min_value=0, max_value=len(body)))
    if data.draw(st.booleans()):
        corrupted = body[:at]
    else:
        corrupted = body[:at] + data.draw(st.binary(min_size=1, max_size=8)) + body[at:]
    # then
    _assert_200_or_400_with_nothing_stored(corrupted)


@FUZZ
@given(depth=st.integers(min_value=0, max_value=5000), opener=st.sampled_from(["[", '{"a":']))
def test_nesting_of_any_depth_is_accepted_or_refused_never_an_error(ours, depth, opener):
    closer = "]" if opener == "[" else "}"
    nested = opener * depth + "1" + closer * depth
    body = f'{{"object": "whatsapp_business_account", "entry": [{{"x": {nested}}}]}}'
    _assert_200_or_400_with_nothing_stored(body.encode())
