"""Staff's view of card payments: provider state, links, the event log and the
permission-checked refund action."""

from __future__ import annotations

import pytest
from django.urls import reverse

from payments.models import Payment, PaymentStatus
from tests.admin_staff import offered_actions, post_action, staff_client

from .helpers import card_order, post_stripe

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:payments_payment_changelist"


@pytest.fixture
def paid_payment(fake_stripe, django_capture_on_commit_callbacks) -> Payment:
    from payments.services import payment_checkout_link

    payment = payment_checkout_link(order=card_order())
    session = fake_stripe.pay(payment.provider_session_id)
    post_stripe(
        fake_stripe.event("checkout.session.completed", session),
        capture=django_capture_on_commit_callbacks,
    )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    return payment


def test_the_refund_action_is_offered_only_with_the_refund_permission(paid_payment):
    # given
    viewer = staff_client("payments.view_payment", "payments.change_payment", username="v")
    refunder = staff_client("payments.view_payment", "payments.refund_payment", username="r")
    # when / then
    assert "refund_through_provider" not in offered_actions(viewer, CHANGELIST)
    assert "refund_through_provider" in offered_actions(refunder, CHANGELIST)


def test_a_forged_refund_post_without_the_permission_refunds_nothing(
    paid_payment, fake_stripe, django_capture_on_commit_callbacks
):
    # given
    viewer = staff_client("payments.view_payment", "payments.change_payment", username="v")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        post_action(viewer, CHANGELIST, "refund_through_provider", [paid_payment.pk])
    # then
    assert Payment.objects.get(pk=paid_payment.pk).status == PaymentStatus.PAID
    assert not [r for r in fake_stripe.requests if r[1] == "/v1/refunds"]


def test_the_refund_action_refunds_through_stripe(
    paid_payment, fake_stripe, django_capture_on_commit_callbacks
):
    # given
    refunder = staff_client("payments.view_payment", "payments.refund_payment", username="r")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(refunder, CHANGELIST, "refund_through_provider", [paid_payment.pk])
    # then
    assert response.status_code == 302
    payment = Payment.objects.get(pk=paid_payment.pk)
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refund_status == "succeeded"
    assert len([r for r in fake_stripe.requests if r[1] == "/v1/refunds"]) == 1


def test_the_payment_page_shows_the_provider_state_the_links_and_the_event_log(paid_payment):
    # given
    viewer = staff_client("payments.view_payment", username="v")
    # when
    response = viewer.get(reverse("admin:payments_payment_change", args=[paid_payment.pk]))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert paid_payment.provider_session_id in html
    assert paid_payment.provider_payment_intent in html
    assert f"https://dashboard.stripe.com/payments/{paid_payment.provider_payment_intent}" in html
    assert "checkout.session.completed" in html  # the event log inline
    assert "complete/paid" in html
