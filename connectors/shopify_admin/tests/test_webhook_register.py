"""`manage.py shopify_webhooks_register URL` subscribes every handled topic, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from connectors.shopify_admin.webhook_inbox import TOPICS

pytestmark = pytest.mark.django_db

URL = "https://shop.example.com/shopify/webhooks/"


def test_every_topic_is_subscribed_to_the_public_url(fake_admin) -> None:
    # when
    out = StringIO()
    call_command("shopify_webhooks_register", URL, stdout=out)
    # then
    assert sorted(s["topic"] for s in fake_admin.subscriptions) == sorted(
        t.replace("/", "_").upper() for t in TOPICS
    )
    assert {s["address"] for s in fake_admin.subscriptions} == {URL}
    assert "PRODUCTS_UPDATE" in {s["topic"] for s in fake_admin.subscriptions}
    sent = fake_admin.graphql_calls[0]["variables"]["webhookSubscription"]
    assert sent == {"callbackUrl": URL, "format": "JSON"}  # API 2025-07
    assert out.getvalue().count(": created") == len(TOPICS)


def test_registering_twice_reports_the_existing_subscriptions_and_succeeds(fake_admin) -> None:
    # given
    call_command("shopify_webhooks_register", URL, stdout=StringIO())
    # when
    out = StringIO()
    call_command("shopify_webhooks_register", URL, stdout=out)
    # then
    assert len(fake_admin.subscriptions) == len(TOPICS)
    assert out.getvalue().count("already been taken") == len(TOPICS)


def test_a_url_that_is_not_https_is_refused_before_calling_shopify(fake_admin) -> None:
    # when / then
    with pytest.raises(CommandError, match="https"):
        call_command("shopify_webhooks_register", "http://shop.example.com/hook/")
    assert fake_admin.graphql_calls == []
