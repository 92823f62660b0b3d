"""The webhook's HTTP contract: verification, signatures, body size, malformed bodies."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from wa_gateway.models import InboundEvent
from wa_gateway.signatures import signature_header

from . import payloads

pytestmark = pytest.mark.django_db

HOOK_URLS = ["wa_gateway:webhook", "wa_gateway:verify"]


@pytest.mark.parametrize("url_name", HOOK_URLS)
def test_verify_with_the_right_token_echoes_the_challenge_as_text(client, settings, url_name):
    # given
    params = {
        "hub.mode": "subscribe",
        "hub.verify_token": settings.WA_VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    # when
    response = client.get(reverse(url_name), params)
    # then
    assert response.status_code == 200
    assert response.content == b"1158201444"
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize("url_name", HOOK_URLS)
@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": "test-verify-token", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
        {},
    ],
)
def test_verify_with_a_wrong_token_or_mode_is_forbidden(client, settings, url_name, params):
    # given
    settings.WA_VERIFY_TOKEN = "test-verify-token"
    # when
    response = client.get(reverse(url_name), params)
    # then
    assert response.status_code == 403
    assert b"1" not in response.content


def test_correctly_signed_webhook_is_accepted_and_stored(post_webhook, graph):
    # given
    payload = payloads.text_message("966500000001", "hi", wamid="wamid.SIGNED")
    # when
    response = post_webhook(payload)
    # then
    assert response.status_code == 200
    assert InboundEvent.objects.filter(wamid="wamid.SIGNED").exists()


@pytest.mark.parametrize(
    "signature",
    [
        "sha256=" + "0" * 64,  # bad
        None,  # missing
        "sha1=0123456789abcdef0123456789abcdef01234567",  # the legacy header's algorithm
        "sha256=",  # empty digest
        "garbage",
    ],
    ids=["bad", "missing", "sha1", "empty", "garbage"],
)
def test_webhook_with_a_bad_missing_or_sha1_signature_is_forbidden(post_webhook, signature):
    # given
    payload = payloads.text_message("966500000002", "hi", wamid="wamid.FORGED")
    # when
    response = post_webhook(payload, signature=signature, sign=signature is not None)
    # then
    assert response.status_code == 403
    assert not InboundEvent.objects.exists()


@pytest.mark.parametrize(
    "signature",
    [
        "sha256=" + "\u00e9" * 64,  # Latin-1, as a WSGI server decodes header bytes
        "sha256=" + "\u0663" * 64,  # Arabic-Indic digits
        "sha256=\u00ff",
        "sha256=" + "a" * 63 + "\udcff",  # a lone surrogate (surrogateescape'd bytes)
    ],
    ids=["latin1", "arabic-digits", "short", "surrogate"],
)
def test_webhook_with_a_non_ascii_signature_is_forbidden_not_an_error(post_webhook, signature):
    # given
    payload = payloads.text_message("966500000002", "hi", wamid="wamid.NONASCII")
    # when
    response = post_webhook(payload, signature=signature)
    # then
    assert response.status_code == 403
    assert not InboundEvent.objects.exists()


def test_signature_of_a_different_body_is_forbidden(post_webhook, settings):
    # given: a valid signature of another body (a replayed header)
    other = json.dumps(payloads.text_message("966500000003", "other")).encode()
    header = signature_header(body=other, secret=settings.WA_APP_SECRET)
    # when
    response = post_webhook(payloads.text_message("966500000003", "mine"), signature=header)
    # then
    assert response.status_code == 403


def test_sha1_signature_of_the_right_body_is_still_forbidden(post_webhook, settings):
    # given: an HMAC-SHA1 computed correctly over the body
    import hashlib
    import hmac

    body = json.dumps(payloads.text_message("966500000004", "hi")).encode()
    digest = hmac.new(settings.WA_APP_SECRET.encode(), body, hashlib.sha1).hexdigest()
    # when
    response = post_webhook(body, signature=f"sha1={digest}")
    # then
    assert response.status_code == 403


def test_malformed_json_is_a_bad_request(post_webhook):
    # when
    response = post_webhook(b'{"object": "whatsapp_business_account", "entry": [')
    # then
    assert response.status_code == 400
    assert not InboundEvent.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"hello": "world"},
        [1, 2, 3],
        {"object": "page", "entry": []},
        {"object": "whatsapp_business_account", "entry": "nope"},
        {"object": "whatsapp_business_account", "entry": [{"changes": [{"value": 3}]}]},
        {
            "object": "whatsapp_business_account",
            "entry": [{"changes": [{"value": {"messages": [{"type": "text"}]}}]}],
        },
    ],
    ids=["other-json", "array", "other-object", "entry-not-list", "bad-change", "no-id"],
)
def test_json_that_is_not_a_whatsapp_webhook_is_a_bad_request(post_webhook, body):
    # when
    response = post_webhook(body)
    # then
    assert response.status_code == 400
    assert not InboundEvent.objects.exists()


def test_three_megabyte_signed_body_is_accepted(post_webhook, graph):
    # given: a real message plus 3 MB of fields Meta may add and we ignore
    payload = payloads.text_message("966500000005", "hi", wamid="wamid.BIG")
    payload["padding"] = "x" * (3 * 1024 * 1024)
    # when
    response = post_webhook(payload)
    # then
    assert response.status_code == 200
    assert InboundEvent.objects.filter(wamid="wamid.BIG").exists()


def test_five_megabyte_body_is_rejected_as_too_large(post_webhook):
    # given
    payload = payloads.text_message("966500000006", "hi", wamid="wamid.HUGE")
    payload["padding"] = "x" * (5 * 1024 * 1024)
    # when
    response = post_webhook(payload)
    # then
    assert response.status_code == 413
    assert not InboundEvent.objects.exists()


def test_methods_other_than_get_and_post_are_not_allowed(client):
    # when
    response = client.put(reverse("wa_gateway:webhook"), data=b"{}")
    # then
    assert response.status_code == 405
