"""The one rule for messages the shop starts: free-form inside the 24-hour window, the
approved template outside it, recorded as not sent when neither is possible; marketing
needs consent; opted-out customers get nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from conversation_log.models import DeliveryStatus, Direction, Message
from conversation_log.tests.template_factory import approved_template
from message_bus.proactive import (
    FREE_FORM,
    NO_CONSENT,
    NOT_SENT,
    OPTED_OUT,
    TEMPLATE,
    Cta,
    proactive_send,
)
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _inside(**fields):
    return CustomerFactory(last_inbound_at=timezone.now() - timedelta(hours=1), **fields)


def _outside(**fields):
    return CustomerFactory(last_inbound_at=timezone.now() - timedelta(hours=30), **fields)


def _paid_template(language: str = "en", **overrides):
    fields = {
        "name": "order_paid",
        "purpose": "order_paid",
        "language": language,
        "body": "Payment received for {{1}}.",
        "slot_map": {"body.1": "order_number"},
    }
    fields.update(overrides)
    return approved_template(**fields)


def _outbound() -> list[Message]:
    return list(Message.objects.filter(direction=Direction.OUTBOUND))


def test_inside_the_window_the_message_is_free_form_in_the_customers_language(
    graph, django_capture_on_commit_callbacks
):
    # given
    customer = _inside(language="ar")
    _paid_template()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        result = proactive_send(
            customer=customer,
            purpose="order_paid",
            text=translation.get_language,
            values={"order_number": "ORD-1"},
        )
    # then
    assert result.outcome == FREE_FORM
    assert [s["type"] for s in graph.sends] == ["text"]
    assert graph.texts() == ["ar"]


def test_inside_the_window_a_link_goes_as_a_cta_url_button(
    graph, django_capture_on_commit_callbacks
):
    # given
    customer = _inside()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        proactive_send(
            customer=customer,
            purpose="order_shipped",
            text="Your order is on its way.",
            cta=Cta(label="Track order", url="https://track.example/AX1"),
        )
    # then
    [send] = graph.sends
    assert send["interactive"]["type"] == "cta_url"
    assert send["interactive"]["action"]["parameters"] == {
        "display_text": "Track order",
        "url": "https://track.example/AX1",
    }


def test_outside_the_window_the_approved_template_is_sent(
    graph, django_capture_on_commit_callbacks
):
    # given
    customer = _outside()
    _paid_template()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        result = proactive_send(
            customer=customer,
            purpose="order_paid",
            text="free-form is not allowed now",
            values={"order_number": "ORD-7"},
        )
    # then
    assert result.outcome == TEMPLATE
    [send] = graph.sends
    assert send["template"]["name"] == "order_paid"
    assert send["template"]["language"] == {"code": "en"}
    assert send["template"]["components"][0]["parameters"] == [{"type": "text", "text": "ORD-7"}]


def test_outside_the_window_the_template_in_the_customers_language_wins():
    # given
    customer = _outside(language="ar")
    _paid_template("en")
    _paid_template("ar")
    # when
    result = proactive_send(
        customer=customer, purpose="order_paid", text="x", values={"order_number": "ORD-7"}
    )
    # then
    assert result.messages[0].body["template"]["language"]["code"] == "ar"


def test_outside_the_window_the_fallback_language_is_used(settings):
    # given
    settings.WA_TEMPLATE_FALLBACK_LANGUAGE = "en"
    customer = _outside(language="ar")
    _paid_template("en_US")
    # when
    result = proactive_send(
        customer=customer, purpose="order_paid", text="x", values={"order_number": "ORD-7"}
    )
    # then
    assert result.outcome == TEMPLATE
    assert result.messages[0].body["template"]["language"]["code"] == "en_US"


def test_outside_the_window_without_a_template_it_is_recorded_as_not_sent(graph):
    # given
    customer = _outside()
    _paid_template(status="PENDING")
    # when
    result = proactive_send(customer=customer, purpose="order_paid", text="Payment received.")
    # then
    assert result.outcome == NOT_SENT
    [row] = _outbound()
    assert row.status == DeliveryStatus.FAILED
    assert row.error_title.startswith("not sent: outside the 24-hour window")
    assert row.text == "Payment received."
    assert graph.sends == []


def test_a_template_whose_slots_cannot_be_filled_is_recorded_as_not_sent():
    # given
    customer = _outside()
    _paid_template()
    # when
    result = proactive_send(customer=customer, purpose="order_paid", text="x", values={})
    # then
    assert result.outcome == NOT_SENT
    assert "no order_number" in result.reason
    assert _outbound()[0].error_title.startswith("not sent: template order_paid")


def test_an_opted_out_customer_gets_nothing():
    # given
    customer = _inside(opted_out=True)
    # when
    result = proactive_send(customer=customer, purpose="order_paid", text="x")
    # then
    assert (result.outcome, result.reason) == (NOT_SENT, OPTED_OUT)
    assert [m.status for m in _outbound()] == [DeliveryStatus.FAILED]


def test_marketing_needs_consent_inside_the_window_too():
    # given
    customer = _inside()
    # when
    result = proactive_send(customer=customer, purpose="back_in_stock", text="It is back.")
    # then
    assert (result.outcome, result.reason) == (NOT_SENT, NO_CONSENT)


def test_marketing_goes_out_with_consent():
    # given
    customer = _inside(marketing_consent_at=timezone.now())
    # when
    result = proactive_send(customer=customer, purpose="back_in_stock", text="It is back.")
    # then
    assert result.outcome == FREE_FORM


def test_a_later_no_withdraws_marketing_consent():
    # given
    now = timezone.now()
    customer = _inside(
        marketing_consent_at=now - timedelta(days=2), marketing_opt_out_at=now - timedelta(days=1)
    )
    # when
    result = proactive_send(customer=customer, purpose="cart_reminder", text="Your cart")
    # then
    assert result.reason == NO_CONSENT


def test_a_dry_run_decides_without_writing():
    # given
    customer = _outside()
    # when
    result = proactive_send(customer=customer, purpose="order_paid", text="x", dry_run=True)
    # then
    assert result.outcome == NOT_SENT
    assert _outbound() == []
