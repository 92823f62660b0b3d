"""Asking for a back-in-stock alert asks for marketing consent (without it the alert is
never sent); the customer's Yes / No is recorded."""

from __future__ import annotations

import pytest

from tests.factories import CustomerFactory, ProductFactory
from users.models import Customer
from wa_gateway.tests import payloads
from wa_gateway.tests.fixtures import graph, post_webhook  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

WA_ID = "966530000077"


def _button_ids(send: dict) -> list[str]:
    return [b["reply"]["id"] for b in send["interactive"]["action"]["buttons"]]


def test_a_stock_alert_without_consent_asks_for_it(post_webhook, graph):  # noqa: F811
    # given
    CustomerFactory(wa_id=WA_ID)
    ProductFactory(sku="SOLD-OUT-1", stock=0)
    # when
    post_webhook(payloads.button_reply(WA_ID, "ntf:SOLD-OUT-1", "Notify me"))
    # then
    last = graph.sends[-1]
    assert _button_ids(last) == ["mkt:yes", "mkt:no"]
    assert "May we message you" in last["interactive"]["body"]["text"]


def test_yes_records_marketing_consent(post_webhook, graph):  # noqa: F811
    # given
    CustomerFactory(wa_id=WA_ID)
    # when
    post_webhook(payloads.button_reply(WA_ID, "mkt:yes", "Yes, message me"))
    # then
    customer = Customer.objects.get(wa_id=WA_ID)
    assert customer.marketing_consent is True


def test_no_records_the_refusal(post_webhook, graph):  # noqa: F811
    # given
    CustomerFactory(wa_id=WA_ID)
    # when
    post_webhook(payloads.button_reply(WA_ID, "mkt:no", "No, thanks"))
    # then
    customer = Customer.objects.get(wa_id=WA_ID)
    assert customer.marketing_consent is False
    assert customer.marketing_opt_out_at is not None


def test_a_customer_who_consented_is_not_asked_again(post_webhook, graph):  # noqa: F811
    # given
    from django.utils import timezone

    CustomerFactory(wa_id=WA_ID, marketing_consent_at=timezone.now())
    ProductFactory(sku="SOLD-OUT-2", stock=0)
    # when
    post_webhook(payloads.button_reply(WA_ID, "ntf:SOLD-OUT-2", "Notify me"))
    # then
    assert "mkt:yes" not in _button_ids(graph.sends[-1])
