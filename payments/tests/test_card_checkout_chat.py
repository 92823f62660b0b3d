"""Done when: a WhatsApp customer checks out with card through the real webhook and
engine, receives the link button, the signed Stripe webhook arrives (three times), and the
order is paid and the customer told exactly once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Order, OrderStatus, OrderUpdate
from orders.services import cart_add_item
from payments.models import Payment, PaymentEvent, PaymentStatus
from tests.factories import (
    CustomerFactory,
    PaymentOptionFactory,
    ProductFactory,
    ShippingOptionFactory,
)
from wa_gateway.tests import payloads

from .helpers import card_option, post_stripe

pytestmark = pytest.mark.django_db

WA_ID = "966530000888"


@pytest.fixture
def card_shop():
    product = ProductFactory(sku="PHONE-CARD", name_en="Galaxy Card", price=Decimal("49.99"))
    ShippingOptionFactory(code="std", price=Decimal("15.00"))
    PaymentOptionFactory(code="cod")
    card_option()
    customer = CustomerFactory(wa_id=WA_ID, last_inbound_at=timezone.now())
    cart_add_item(customer=customer, product=product, quantity=1)


def _check_out_by_card(post_webhook) -> None:
    post_webhook(payloads.button_reply(WA_ID, "checkout:start", "Checkout"))
    post_webhook(payloads.text_message(WA_ID, "Sara Ahmed"))
    post_webhook(payloads.text_message(WA_ID, "12 King Fahd Road, Riyadh"))
    post_webhook(payloads.list_reply(WA_ID, "checkout:ship:std", "Standard delivery"))
    post_webhook(payloads.list_reply(WA_ID, "checkout:pay:card", "Card (pay online)"))
    post_webhook(payloads.button_reply(WA_ID, "checkout:confirm", "Confirm order"))


def _cta_sends(graph) -> list[dict]:
    return [
        body["interactive"]
        for body in graph.sends
        if body["type"] == "interactive" and body["interactive"]["type"] == "cta_url"
    ]


def test_a_card_checkout_is_paid_by_a_thrice_delivered_webhook_and_told_once(
    post_webhook, graph, fake_stripe, card_shop, django_capture_on_commit_callbacks
):
    # given: the customer checks out by card in the chat
    _check_out_by_card(post_webhook)
    order = Order.objects.get()
    payment = Payment.objects.get(order=order)
    # then: the Pay now button opens the Checkout Session, with a way to get a new link
    (cta,) = _cta_sends(graph)
    assert cta["action"]["parameters"]["display_text"] == "Pay now"
    assert cta["action"]["parameters"]["url"] == payment.provider_url
    assert payment.provider_url == fake_stripe.sessions[payment.provider_session_id]["url"]
    assert f"Your order {order.order_number} is placed" in cta["body"]["text"]
    follow_up = graph.sends[-1]["interactive"]
    ids = [b["reply"]["id"] for b in follow_up["action"]["buttons"]]
    assert ids[0] == f"checkout:paylink:{order.order_number}"
    sent_before = len(graph.sends)
    # when: the customer pays and Stripe delivers the signed event three times
    body = fake_stripe.event(
        "checkout.session.completed", fake_stripe.pay(payment.provider_session_id)
    )
    for _ in range(3):
        assert post_stripe(body, capture=django_capture_on_commit_callbacks).status_code == 200
    # then: paid once, told once
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PAID
    assert PaymentEvent.objects.count() == 1
    told = graph.texts()[sent_before:]
    assert told == [
        f"We received your payment for order {order.order_number}. We are preparing it."
    ]
    assert OrderUpdate.objects.filter(order=order, status=OrderStatus.PAID).count() == 1
    assert len(fake_stripe.sessions) == 1


def test_a_second_confirm_tap_sends_no_second_session(post_webhook, graph, fake_stripe, card_shop):
    # when
    _check_out_by_card(post_webhook)
    post_webhook(payloads.button_reply(WA_ID, "checkout:confirm", "Confirm order"))
    # then
    assert Order.objects.count() == 1
    assert len(fake_stripe.sessions) == 1
    assert "is already placed" in graph.texts()[-1]


def test_after_the_link_expires_the_customer_taps_new_payment_link_and_gets_a_new_session(
    post_webhook, graph, fake_stripe, card_shop, django_capture_on_commit_callbacks
):
    # given: the first link lapsed
    _check_out_by_card(post_webhook)
    order = Order.objects.get()
    first = Payment.objects.get(order=order)
    post_stripe(
        fake_stripe.event(
            "checkout.session.expired", fake_stripe.expire(first.provider_session_id)
        ),
        capture=django_capture_on_commit_callbacks,
    )
    # when
    post_webhook(
        payloads.button_reply(WA_ID, f"checkout:paylink:{order.order_number}", "New payment link")
    )
    # then
    second = Payment.objects.get(order=order, attempt=2)
    assert Payment.objects.get(pk=first.pk).status == PaymentStatus.EXPIRED
    ctas = _cta_sends(graph)
    assert len(ctas) == 2
    assert ctas[-1]["action"]["parameters"]["url"] == second.provider_url != first.provider_url


def test_a_paid_order_has_no_new_link_to_give(
    post_webhook, graph, fake_stripe, card_shop, django_capture_on_commit_callbacks
):
    # given
    _check_out_by_card(post_webhook)
    order = Order.objects.get()
    payment = Payment.objects.get(order=order)
    post_stripe(
        fake_stripe.event(
            "checkout.session.completed", fake_stripe.pay(payment.provider_session_id)
        ),
        capture=django_capture_on_commit_callbacks,
    )
    # when
    post_webhook(
        payloads.button_reply(WA_ID, f"checkout:paylink:{order.order_number}", "New payment link")
    )
    # then
    assert f"Order {order.order_number} has nothing left to pay." in graph.texts()[-1]
    assert len(fake_stripe.sessions) == 1


def test_when_stripe_is_down_the_order_is_placed_and_a_new_link_can_be_asked_for(
    post_webhook, graph, fake_stripe, card_shop, settings
):
    # given: Stripe answers 500 at Confirm
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    fake_stripe.fail_next = 1
    # when
    _check_out_by_card(post_webhook)
    order = Order.objects.get()
    # then
    assert "could not create your card payment link" in graph.texts()[-1]
    assert _cta_sends(graph) == []
    # when: the customer taps New payment link once Stripe is back
    post_webhook(
        payloads.button_reply(WA_ID, f"checkout:paylink:{order.order_number}", "New payment link")
    )
    # then
    (cta,) = _cta_sends(graph)
    assert cta["action"]["parameters"]["url"] == Payment.objects.get(order=order).provider_url


def test_cash_on_delivery_is_unchanged_with_stripe_configured(
    post_webhook, graph, fake_stripe, card_shop
):
    # when
    post_webhook(payloads.button_reply(WA_ID, "checkout:start", "Checkout"))
    post_webhook(payloads.text_message(WA_ID, "Sara Ahmed"))
    post_webhook(payloads.text_message(WA_ID, "12 King Fahd Road, Riyadh"))
    post_webhook(payloads.list_reply(WA_ID, "checkout:ship:std", "Standard delivery"))
    post_webhook(payloads.list_reply(WA_ID, "checkout:pay:cod", "Cash on delivery"))
    post_webhook(payloads.button_reply(WA_ID, "checkout:confirm", "Confirm order"))
    # then
    assert fake_stripe.requests == []
    assert _cta_sends(graph) == []
    assert Payment.objects.get().provider == ""
    assert "Pay the courier in cash." in graph.texts()[-1]
