"""On MariaDB (row locks, real concurrency): the webhook and the reconcile task racing
on one payment pay it once; and a real Celery worker through Redis processes a webhook
delivered three times into one payment and one message (the MariaDB + Redis CI leg)."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conversation_log.models import DeliveryStatus, Direction, Message
from orders.models import OrderEvent, OrderStatus, OrderUpdate
from payments.models import Payment, PaymentEvent, PaymentStatus
from payments.services import payment_checkout_link
from payments.settlement import payment_reconcile
from payments.webhooks import payment_event_process
from tests.services import at_once
from tests.test_worker_pipeline import worker  # noqa: F401 - fixture

from .fake_stripe import SECRET_KEY, SUCCESS_URL, WEBHOOK_SECRET, stripe_signature
from .helpers import card_order


@pytest.mark.mysql_only
@pytest.mark.django_db(transaction=True)
def test_the_webhook_and_the_reconcile_task_racing_pay_once(fake_stripe, graph):
    for round_number in range(3):
        # given: a paid session, its event stored, the payment old enough to reconcile
        order = card_order(wa_id=f"96653000090{round_number}")
        payment = payment_checkout_link(order=order)
        session = fake_stripe.pay(payment.provider_session_id)
        Payment.objects.filter(pk=payment.pk).update(
            created_at=timezone.now() - timedelta(minutes=30)
        )
        event = PaymentEvent.objects.create(
            provider="stripe",
            event_id=f"evt_race_{round_number}",
            event_type="checkout.session.completed",
            payload=json.loads(fake_stripe.event("checkout.session.completed", session)),
        )
        # when: the event's task and the sweep run at the same moment
        results = at_once(
            [
                lambda event=event: payment_event_process(event_pk=event.pk),
                lambda payment=payment: payment_reconcile(payment_id=payment.pk),
            ],
            raise_errors=False,
        )
        errors = [result for result in results if isinstance(result, BaseException)]
        # then
        assert errors == []
        assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PAID
        assert OrderEvent.objects.filter(order=order, to_status=OrderStatus.PAID).count() == 1
        assert OrderUpdate.objects.filter(order=order, status=OrderStatus.PAID).count() == 1
    assert len(graph.sends) == 3


@pytest.fixture
def stripe_env(fake_stripe, monkeypatch):
    """The worker process reads its Stripe settings from the environment."""
    for name, value in {
        "PAYMENT_PROVIDER": "stripe",
        "STRIPE_SECRET_KEY": SECRET_KEY,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": fake_stripe.server.url_for("").rstrip("/"),
        "STRIPE_SUCCESS_URL": SUCCESS_URL,
    }.items():
        monkeypatch.setenv(name, value)
    return fake_stripe


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_pays_a_thrice_delivered_webhook_once_and_tells_the_customer_once(
    stripe_env,
    worker,  # noqa: F811
    httpserver,
):
    # given: Graph accepts sends; a card order with its Checkout Session, paid at Stripe
    httpserver.expect_request("/v21.0/4242/messages", method="POST").respond_with_json(
        {"messaging_product": "whatsapp", "messages": [{"id": "wamid.paid.1"}]}
    )
    order = card_order(wa_id="966530000999")
    payment = payment_checkout_link(order=order)
    body = stripe_env.event(
        "checkout.session.completed", stripe_env.pay(payment.provider_session_id)
    )
    # when: Stripe delivers the signed event three times
    for _ in range(3):
        response = Client().post(
            reverse("payments:stripe_webhook"),
            data=body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=stripe_signature(body),
        )
        assert response.status_code == 200
    # then: the worker paid it and the customer's one message reached Graph
    deadline = time.monotonic() + 60
    sent = None
    while time.monotonic() < deadline and worker.poll() is None:
        sent = Message.objects.filter(
            direction=Direction.OUTBOUND, status=DeliveryStatus.SENT
        ).first()
        if sent is not None:
            break
        time.sleep(0.2)
    assert worker.poll() is None, "the worker process died"
    assert sent is not None, "no message was sent within 60 s"
    time.sleep(1)  # any duplicate would be on its way by now
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PAID
    assert order.__class__.objects.get(pk=order.pk).status == OrderStatus.PAID
    assert PaymentEvent.objects.get().processed_at is not None
    sends = [json.loads(r.data) for r, _ in httpserver.log if r.path.endswith("/messages")]
    sends = [s for s in sends if s.get("type")]
    assert len(sends) == 1
    assert "We received your payment" in json.dumps(sends[0], ensure_ascii=False)
