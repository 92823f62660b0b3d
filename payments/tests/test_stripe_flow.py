"""Stripe card payments against a fake Stripe (real local HTTP, the official SDK pointed
at it) and signed webhooks through the real endpoint."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Order, OrderEvent, OrderStatus, OrderUpdate
from orders.services import order_cancel
from payments.models import Payment, PaymentEvent, PaymentStatus
from payments.providers import PaymentProviderError
from payments.services import payment_checkout_link
from payments.tasks import payment_reconcile_task

from .fake_stripe import stripe_signature
from .helpers import card_order, post_stripe

pytestmark = pytest.mark.django_db


def _linked(order: Order) -> Payment:
    payment = payment_checkout_link(order=order)
    assert payment is not None
    return payment


def _paid_events(order: Order) -> int:
    return OrderEvent.objects.filter(order=order, to_status=OrderStatus.PAID).count()


# --- the checkout link ----------------------------------------------------------------------
def test_a_checkout_session_carries_the_order_total_in_minor_units_and_the_order_number(
    fake_stripe,
):
    # given
    order = card_order(price=Decimal("49.99"))
    # when
    payment = _linked(order)
    # then
    ((_method, _path, params, key),) = fake_stripe.session_creates
    assert params["line_items[0][price_data][unit_amount]"] == "6499"
    assert params["line_items[0][price_data][currency]"] == "usd"
    assert params["line_items[0][quantity]"] == "1"
    assert params["client_reference_id"] == order.order_number
    assert params["metadata[order_number]"] == order.order_number
    assert params["metadata[payment_reference]"] == payment.reference
    assert params["payment_intent_data[metadata][payment_reference]"] == payment.reference
    assert key == f"checkout-{order.order_number}-1"
    expires = int(params["expires_at"])
    assert 59 * 60 <= expires - timezone.now().timestamp() <= 60 * 60 + 5
    assert payment.provider == "stripe"
    assert payment.provider_url.startswith("https://checkout.stripe.test/c/pay/cs_test_")
    assert payment.status == PaymentStatus.PENDING


def test_a_three_decimal_currency_is_sent_in_thousandths(fake_stripe):
    # given: 12.500 KWD + 15.000 shipping
    order = card_order(price=Decimal("12.50"), currency="KWD")
    # when
    _linked(order)
    # then
    params = fake_stripe.session_creates[0][2]
    assert params["line_items[0][price_data][unit_amount]"] == "27500"
    assert params["line_items[0][price_data][currency]"] == "kwd"


def test_asking_twice_for_the_link_creates_one_session(fake_stripe):
    # given
    order = card_order()
    # when: a retried Confirm, a second tap
    first = _linked(order)
    second = _linked(order)
    # then
    assert first.pk == second.pk
    assert first.provider_session_id == second.provider_session_id
    assert len(fake_stripe.sessions) == 1
    assert Payment.objects.filter(order=order).count() == 1


def test_a_retry_after_a_lost_answer_reuses_the_idempotency_key_and_gets_the_same_session(
    fake_stripe,
):
    # given: Stripe created the session but our process died before storing it
    order = card_order()
    first = _linked(order)
    Payment.objects.filter(pk=first.pk).update(provider_session_id=None, provider_url="")
    # when
    again = _linked(order)
    # then: same key, same parameters (the expiry was fixed before the first call)
    keys = [r[3] for r in fake_stripe.session_creates]
    assert keys == [f"checkout-{order.order_number}-1"] * 2
    assert len(fake_stripe.sessions) == 1
    assert again.provider_session_id == first.provider_session_id


def test_without_a_provider_a_payment_link_option_keeps_its_static_link(settings, fake_stripe):
    # given
    settings.PAYMENT_PROVIDER = "none"
    order = card_order()
    # when / then
    assert payment_checkout_link(order=order) is None
    assert fake_stripe.requests == []
    assert Payment.objects.get(order=order).provider == ""


# --- webhooks -----------------------------------------------------------------------------
def test_a_completed_session_pays_the_payment_and_the_order_and_tells_the_customer_once(
    fake_stripe, graph, django_capture_on_commit_callbacks
):
    # given
    order = card_order()
    payment = _linked(order)
    session = fake_stripe.pay(payment.provider_session_id)
    body = fake_stripe.event("checkout.session.completed", session)
    # when
    response = post_stripe(body, capture=django_capture_on_commit_callbacks)
    # then
    assert response.status_code == 200
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.provider_payment_intent == session["payment_intent"]
    assert order.status == OrderStatus.PAID
    assert OrderEvent.objects.get(order=order, to_status=OrderStatus.PAID).actor == "stripe"
    update = OrderUpdate.objects.get(order=order, status=OrderStatus.PAID)
    assert update.outcome == "free_form"
    assert graph.texts() == [
        f"We received your payment for order {order.order_number}. We are preparing it."
    ]
    event = PaymentEvent.objects.get()
    assert event.payment_id == payment.pk and event.outcome == "paid"


def test_a_redelivered_event_is_stored_once_and_pays_once(
    fake_stripe, graph, django_capture_on_commit_callbacks
):
    # given
    order = card_order()
    payment = _linked(order)
    body = fake_stripe.event(
        "checkout.session.completed", fake_stripe.pay(payment.provider_session_id)
    )
    # when: Stripe delivers it three times
    responses = [post_stripe(body, capture=django_capture_on_commit_callbacks) for _ in range(3)]
    # then
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert [r.json()["duplicate"] for r in responses] == [False, True, True]
    assert PaymentEvent.objects.count() == 1
    assert _paid_events(order) == 1
    assert len(graph.sends) == 1


def test_the_payment_intent_event_and_the_session_event_pay_once_together(
    fake_stripe, graph, django_capture_on_commit_callbacks
):
    # given
    order = card_order()
    payment = _linked(order)
    session = fake_stripe.pay(payment.provider_session_id)
    intent = fake_stripe.intents[session["payment_intent"]]
    # when: both events arrive, the intent first
    post_stripe(
        fake_stripe.event("payment_intent.succeeded", intent),
        capture=django_capture_on_commit_callbacks,
    )
    post_stripe(
        fake_stripe.event("checkout.session.completed", session),
        capture=django_capture_on_commit_callbacks,
    )
    # then
    assert _paid_events(order) == 1
    assert len(graph.sends) == 1
    assert list(PaymentEvent.objects.values_list("outcome", flat=True)) == ["paid", "already paid"]


@pytest.mark.parametrize(
    "signature",
    [
        "t=1,v1=deadbeef",
        "",
        "garbage",
        stripe_signature(b"{}"),  # signed, but another body
        stripe_signature(b"x", secret="whsec_other"),
    ],
)
def test_a_bad_signature_is_refused_and_nothing_is_stored(
    fake_stripe, django_capture_on_commit_callbacks, signature
):
    # given
    order = card_order()
    payment = _linked(order)
    body = fake_stripe.event(
        "checkout.session.completed", fake_stripe.pay(payment.provider_session_id)
    )
    # when
    response = post_stripe(body, capture=django_capture_on_commit_callbacks, signature=signature)
    # then
    assert response.status_code == 400
    assert not PaymentEvent.objects.exists()
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING


def test_a_replayed_old_signature_is_refused(fake_stripe, django_capture_on_commit_callbacks):
    # given: a correctly signed body, ten minutes old (tolerance 5 minutes)
    body = fake_stripe.event("checkout.session.expired", {"id": "cs_test_x", "metadata": {}})
    stale = stripe_signature(body, at=int(timezone.now().timestamp()) - 600)
    # when
    response = post_stripe(body, capture=django_capture_on_commit_callbacks, signature=stale)
    # then
    assert response.status_code == 400
    assert not PaymentEvent.objects.exists()


def test_without_a_webhook_secret_every_webhook_is_refused(
    fake_stripe, settings, django_capture_on_commit_callbacks
):
    # given
    settings.STRIPE_WEBHOOK_SECRET = ""
    body = fake_stripe.event("checkout.session.expired", {"id": "cs_test_x", "metadata": {}})
    # when
    response = post_stripe(body, capture=django_capture_on_commit_callbacks)
    # then
    assert response.status_code == 400
    assert not PaymentEvent.objects.exists()


def test_a_signed_event_without_an_object_is_refused(
    fake_stripe, django_capture_on_commit_callbacks
):
    # given
    body = b'{"id": "evt_1", "type": "checkout.session.completed", "data": {}}'
    # when
    response = post_stripe(body, capture=django_capture_on_commit_callbacks)
    # then
    assert response.status_code == 400
    assert not PaymentEvent.objects.exists()


@pytest.mark.parametrize(("amount", "currency"), [(100, "usd"), (6499, "eur")])
def test_an_amount_or_currency_that_differs_is_never_paid_but_flagged(
    fake_stripe, graph, django_capture_on_commit_callbacks, amount, currency
):
    # given: the session at Stripe says something else than the order (6499 usd)
    order = card_order()
    payment = _linked(order)
    session = fake_stripe.pay(payment.provider_session_id, amount=amount, currency=currency)
    # when
    post_stripe(
        fake_stripe.event("checkout.session.completed", session),
        capture=django_capture_on_commit_callbacks,
    )
    # then
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert payment.needs_review and "not marked paid" in payment.review_reason
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PLACED
    assert graph.sends == []
    # and the reconcile task does not pay it either
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(hours=1))
    payment_reconcile_task()
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING


def test_a_refund_before_the_completion_leaves_the_payment_refunded_and_never_paid(
    fake_stripe, graph, django_capture_on_commit_callbacks
):
    # given: the customer paid and was refunded at Stripe; the refund event comes first
    order = card_order()
    payment = _linked(order)
    session = fake_stripe.pay(payment.provider_session_id)
    refunded = fake_stripe.charge_refunded(session["payment_intent"])
    completed = fake_stripe.event("checkout.session.completed", session)
    # when
    post_stripe(
        fake_stripe.event("charge.refunded", refunded), capture=django_capture_on_commit_callbacks
    )
    post_stripe(completed, capture=django_capture_on_commit_callbacks)
    # then: the charge named only its PaymentIntent; its metadata found the payment
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refunded_amount == Decimal("64.99")
    assert payment.needs_review
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PLACED
    assert _paid_events(order) == 0
    assert graph.sends == []
    outcomes = list(PaymentEvent.objects.order_by("id").values_list("outcome", flat=True))
    assert outcomes == ["refunded", "already refunded: not marked paid"]


def test_an_expired_link_expires_the_payment_and_a_new_link_is_a_new_attempt(
    fake_stripe, django_capture_on_commit_callbacks
):
    # given
    order = card_order()
    first = _linked(order)
    expired = fake_stripe.expire(first.provider_session_id)
    # when
    post_stripe(
        fake_stripe.event("checkout.session.expired", expired),
        capture=django_capture_on_commit_callbacks,
    )
    second = _linked(order)
    # then
    first.refresh_from_db()
    assert first.status == PaymentStatus.EXPIRED
    assert second.pk != first.pk and second.attempt == 2
    assert second.status == PaymentStatus.PENDING
    assert second.provider_session_id != first.provider_session_id
    keys = [r[3] for r in fake_stripe.session_creates]
    assert keys == [f"checkout-{order.order_number}-1", f"checkout-{order.order_number}-2"]


def test_a_link_past_its_expiry_is_replaced_even_before_the_expiry_webhook(fake_stripe):
    # given
    order = card_order()
    first = _linked(order)
    Payment.objects.filter(pk=first.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    # when
    second = _linked(order)
    # then
    assert Payment.objects.get(pk=first.pk).status == PaymentStatus.EXPIRED
    assert second.attempt == 2 and len(fake_stripe.sessions) == 2


# --- refunds ------------------------------------------------------------------------------
def test_cancelling_a_paid_order_refunds_it_through_stripe_once(
    fake_stripe, graph, django_capture_on_commit_callbacks
):
    # given: a paid card order
    order = card_order()
    payment = _linked(order)
    session = fake_stripe.pay(payment.provider_session_id)
    post_stripe(
        fake_stripe.event("checkout.session.completed", session),
        capture=django_capture_on_commit_callbacks,
    )
    # when: staff cancel it
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=Order.objects.get(pk=order.pk), actor="staff")
    # then: one refund of the full amount, keyed by the payment
    refunds = [r for r in fake_stripe.requests if r[1] == "/v1/refunds"]
    assert len(refunds) == 1
    _method, _path, params, key = refunds[0]
    assert params == {
        "payment_intent": session["payment_intent"],
        "amount": "6499",
        "reason": "requested_by_customer",
        "metadata[reason]": f"order {order.order_number} cancelled",
    }
    assert key == f"refund-{payment.reference}"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refund_status == "succeeded" and payment.refund_id.startswith("re_")
    assert payment.refunded_amount == Decimal("64.99")
    # and Stripe's charge.refunded event afterwards changes nothing more
    post_stripe(
        fake_stripe.event(
            "charge.refunded", fake_stripe.charge_refunded(session["payment_intent"])
        ),
        capture=django_capture_on_commit_callbacks,
    )
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.REFUNDED


def test_a_refund_stripe_cannot_take_now_stays_requested_and_the_reconcile_task_sends_it(
    fake_stripe, settings, django_capture_on_commit_callbacks
):
    # given: a paid card order; Stripe fails (500) long enough to exhaust the SDK's retries
    order = card_order()
    payment = _linked(order)
    session = fake_stripe.pay(payment.provider_session_id)
    post_stripe(
        fake_stripe.event("checkout.session.completed", session),
        capture=django_capture_on_commit_callbacks,
    )
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    fake_stripe.fail_next = 100
    # when
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=Order.objects.get(pk=order.pk), actor="staff")
    # then
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.REFUNDING
    # when: Stripe is back and the beat task runs
    fake_stripe.fail_next = 0
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(hours=1))
    payment_reconcile_task()
    # then: refunded, by the same idempotency key
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.REFUNDED
    keys = {r[3] for r in fake_stripe.requests if r[1] == "/v1/refunds"}
    assert keys == {f"refund-{payment.reference}"}


def test_cancelling_an_unpaid_card_order_closes_its_link(
    fake_stripe, django_capture_on_commit_callbacks
):
    # given
    order = card_order()
    payment = _linked(order)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, actor="customer")
    # then
    assert fake_stripe.sessions[payment.provider_session_id]["status"] == "expired"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CANCELLED
    assert not [r for r in fake_stripe.requests if r[1] == "/v1/refunds"]


def test_money_taken_for_an_order_cancelled_meanwhile_is_refunded_and_flagged(
    fake_stripe, django_capture_on_commit_callbacks
):
    # given: the customer pays while the order is being cancelled
    order = card_order()
    payment = _linked(order)
    session = fake_stripe.pay(payment.provider_session_id)
    order_cancel(order=order, actor="staff")  # its link-closing task never ran
    # when
    post_stripe(
        fake_stripe.event("checkout.session.completed", session),
        capture=django_capture_on_commit_callbacks,
    )
    # then
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert "refund requested" in payment.review_reason
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED


# --- reconciliation -----------------------------------------------------------------------
def test_the_reconcile_task_pays_a_payment_whose_webhook_never_came(
    fake_stripe, graph, django_capture_on_commit_callbacks
):
    # given: paid at Stripe twenty minutes ago, no webhook
    order = card_order()
    payment = _linked(order)
    fake_stripe.pay(payment.provider_session_id)
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(minutes=20))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        summary = payment_reconcile_task()
    # then
    assert summary["paid"] == 1
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PAID
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID
    assert len(graph.sends) == 1


def test_the_reconcile_task_leaves_young_payments_to_their_webhook(fake_stripe):
    # given
    order = card_order()
    payment = _linked(order)
    fake_stripe.pay(payment.provider_session_id)
    # when
    summary = payment_reconcile_task()
    # then
    assert summary["checked"] == 0
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING


def test_the_reconcile_task_expires_a_lapsed_session(fake_stripe):
    # given
    order = card_order()
    payment = _linked(order)
    fake_stripe.expire(payment.provider_session_id)
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(hours=2))
    # when
    payment_reconcile_task()
    # then
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.EXPIRED


def test_webhook_and_reconcile_in_either_order_pay_once(
    fake_stripe, graph, django_capture_on_commit_callbacks
):
    # given: two paid orders, the webhook and the sweep meet on each in another order
    for wa_id, webhook_first in (("966530000101", True), ("966530000102", False)):
        order = card_order(wa_id=wa_id)
        payment = _linked(order)
        session = fake_stripe.pay(payment.provider_session_id)
        Payment.objects.filter(pk=payment.pk).update(
            created_at=timezone.now() - timedelta(minutes=20)
        )
        body = fake_stripe.event("checkout.session.completed", session)
        steps = [
            lambda body=body: post_stripe(body, capture=django_capture_on_commit_callbacks),
            lambda: payment_reconcile_task(),
        ]
        # when
        with django_capture_on_commit_callbacks(execute=True):
            for step in steps if webhook_first else reversed(steps):
                step()
        # then
        assert _paid_events(order) == 1
        assert OrderUpdate.objects.filter(order=order, status=OrderStatus.PAID).count() == 1
    assert len(graph.sends) == 2


def test_a_card_payment_marked_paid_by_hand_then_paid_at_stripe_is_flagged_not_paid_twice(
    fake_stripe, graph, django_capture_on_commit_callbacks
):
    # given: the customer pays at the moment staff mark the order paid by hand
    from orders.services import order_mark_paid

    order = card_order()
    payment = _linked(order)
    session = fake_stripe.pay(payment.provider_session_id)
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order=order, actor="staff")  # closing the link fails: it is paid
    # when: Stripe's confirmation arrives
    post_stripe(
        fake_stripe.event("checkout.session.completed", session),
        capture=django_capture_on_commit_callbacks,
    )
    # then
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert "double payment" in payment.review_reason
    assert _paid_events(order) == 1


def test_stripe_without_its_keys_fails_the_system_check(settings):
    # given
    from payments.checks import payment_provider_check

    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    settings.STRIPE_SUCCESS_URL = ""
    # when
    errors = payment_provider_check()
    # then
    assert {e.id for e in errors} == {"payments.E002"} and len(errors) == 3
    settings.PAYMENT_PROVIDER = "none"
    assert payment_provider_check() == []
    settings.PAYMENT_PROVIDER = "paypal"
    assert [e.id for e in payment_provider_check()] == ["payments.E001"]


def test_marking_a_card_order_paid_by_hand_closes_its_open_link(
    fake_stripe, graph, django_capture_on_commit_callbacks
):
    # given
    from orders.services import order_mark_paid

    order = card_order()
    payment = _linked(order)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order=order, actor="staff")
    # then
    assert fake_stripe.sessions[payment.provider_session_id]["status"] == "expired"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PAID


def test_personal_details_in_an_event_are_not_stored(
    fake_stripe, django_capture_on_commit_callbacks
):
    # given
    order = card_order()
    payment = _linked(order)
    session = dict(fake_stripe.pay(payment.provider_session_id))
    session["customer_details"] = {"email": "sara@example.com", "phone": "+966530000777"}
    # when
    post_stripe(
        fake_stripe.event("checkout.session.completed", session),
        capture=django_capture_on_commit_callbacks,
    )
    # then
    stored = PaymentEvent.objects.get()
    assert "customer_details" not in stored.payload["data"]["object"]
    assert "sara@example.com" not in str(stored.payload)
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PAID


def test_an_event_whose_task_was_lost_is_processed_by_the_reconcile_sweep(fake_stripe):
    # given: stored three minutes ago, its task never ran (the broker was down)
    order = card_order()
    payment = _linked(order)
    body = fake_stripe.event(
        "checkout.session.completed", fake_stripe.pay(payment.provider_session_id)
    )
    event = PaymentEvent.objects.create(
        provider="stripe",
        event_id="evt_lost",
        event_type="checkout.session.completed",
        payload=json.loads(body),
    )
    PaymentEvent.objects.filter(pk=event.pk).update(
        received_at=timezone.now() - timedelta(minutes=3)
    )
    # when
    summary = payment_reconcile_task()
    # then
    assert summary["events"] == 1
    assert PaymentEvent.objects.get(pk=event.pk).outcome == "paid"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PAID


def test_a_body_far_larger_than_any_stripe_event_is_refused(fake_stripe, client):
    # when
    response = client.post(
        "/payments/stripe/webhook/",
        data=b"{" + b" " * (600 * 1024) + b"}",
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE="t=1,v1=x",
    )
    # then
    assert response.status_code == 413
    assert not PaymentEvent.objects.exists()


def test_a_payment_for_an_order_staff_shipped_unpaid_is_recorded_not_refunded(
    fake_stripe, graph, django_capture_on_commit_callbacks
):
    # given
    from orders.services import order_ship

    order = card_order()
    payment = _linked(order)
    order_ship(order=order, actor="staff")
    # when
    post_stripe(
        fake_stripe.event(
            "checkout.session.completed", fake_stripe.pay(payment.provider_session_id)
        ),
        capture=django_capture_on_commit_callbacks,
    )
    # then
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and not payment.needs_review
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SHIPPED
    assert not [r for r in fake_stripe.requests if r[1] == "/v1/refunds"]


def test_a_link_asked_for_again_long_after_stripe_failed_is_a_new_attempt_with_a_new_key(
    fake_stripe, settings
):
    # given: the first request failed at Stripe; the customer asks again an hour later
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    order = card_order()
    fake_stripe.fail_next = 1
    with pytest.raises(PaymentProviderError):
        payment_checkout_link(order=order)
    Payment.objects.filter(order=order).update(expires_at=timezone.now() + timedelta(minutes=5))
    # when
    payment = _linked(order)
    # then: never the first key with another expiry (Stripe would refuse it)
    assert payment.attempt == 2
    keys = [r[3] for r in fake_stripe.session_creates]
    assert keys == [f"checkout-{order.order_number}-1", f"checkout-{order.order_number}-2"]
