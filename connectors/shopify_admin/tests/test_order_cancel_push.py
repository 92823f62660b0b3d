"""Orders cancelled here are cancelled in Shopify once: after commit, across retries;
never echoed back when Shopify cancelled them, never created when cancelled first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from connectors.shopify_admin.models import CancelPushStatus, OrderPush, PushStatus
from connectors.shopify_admin.order_cancel_push import order_cancel_input, order_cancel_push
from connectors.shopify_admin.order_push import PushRetryable, order_push
from connectors.shopify_admin.tasks import order_push_task, shopify_sweep_task
from orders.models import Order, OrderStatus
from orders.services import order_cancel, order_transition
from wa_gateway.tests.fixtures import graph  # noqa: F401 - the fake Graph API fixture

from .fake_admin import post_signed
from .orders_setup import place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def pushing(fake_admin, settings, graph):  # noqa: F811
    """Orders are pushed; the customer's order updates go to the fake Graph API."""
    settings.SHOPIFY_PUSH_ORDERS = True
    return fake_admin


@pytest.fixture
def pushed(pushing, django_capture_on_commit_callbacks) -> Order:
    """An order placed in the chat and created in Shopify."""
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order()
    assert OrderPush.objects.get(order=order).status == PushStatus.PUSHED
    return order


def _cancel(order: Order, capture, *, actor: str = "customer", note: str = "") -> None:
    with capture(execute=True):
        order_cancel(order=order, actor=actor, note=note)


def _push(order: Order) -> OrderPush:
    return OrderPush.objects.get(order=order)


def test_an_order_cancelled_in_the_chat_is_cancelled_in_shopify_after_commit(
    pushing, pushed, django_capture_on_commit_callbacks
) -> None:
    # when
    _cancel(pushed, django_capture_on_commit_callbacks, note="cancelled in WhatsApp")
    # then
    [sent] = pushing.cancel_calls()
    assert sent == {
        "orderId": f"gid://shopify/Order/{pushing.orders[0]['id']}",
        "reason": "CUSTOMER",
        "restock": True,
        "notifyCustomer": False,
        "refundMethod": {"originalPaymentMethodsRefund": False},
        "staffNote": f"WhatsApp order {pushed.order_number} cancelled by the customer: "
        "cancelled in WhatsApp",
    }
    push = _push(pushed)
    assert (push.cancel_status, push.cancel_attempts) == (CancelPushStatus.DONE, 1)
    assert push.cancel_pushed_at is not None


def test_a_cancelled_order_is_never_cancelled_twice(
    pushing, pushed, django_capture_on_commit_callbacks
) -> None:
    # given
    _cancel(pushed, django_capture_on_commit_callbacks)
    # when: a duplicate task and the sweep
    outcome = order_cancel_push(order_id=pushed.pk)
    swept = shopify_sweep_task()
    # then
    assert outcome.startswith("nothing to cancel")
    assert swept["order_cancels"] == 0
    assert len(pushing.cancel_calls()) == 1


def test_a_cancel_whose_answer_was_lost_is_not_sent_again_by_the_retried_task(
    pushing, pushed, django_capture_on_commit_callbacks
) -> None:
    # given: Shopify cancels the order but the answer is lost (502)
    pushing.fail_after_cancel = 1
    # when: the eager task fails once and Celery retries it
    _cancel(pushed, django_capture_on_commit_callbacks)
    # then: the retry asked Shopify first and found it cancelled
    assert len(pushing.cancel_calls()) == 1
    asked = [c for c in pushing.graphql_calls if "OrderCancelledAt" in c["query"]]
    assert len(asked) == 1
    push = _push(pushed)
    assert (push.cancel_status, push.cancel_attempts) == (CancelPushStatus.DONE, 2)


def test_staff_cancelling_in_admin_is_sent_with_their_reason(
    pushing, pushed, django_capture_on_commit_callbacks
) -> None:
    # when
    with django_capture_on_commit_callbacks(execute=True):
        order_transition(
            order=pushed, to_status=OrderStatus.CANCELLED, actor="boss", note="out of stock"
        )
    # then
    [sent] = pushing.cancel_calls()
    assert sent["reason"] == "OTHER"
    assert sent["staffNote"].endswith("cancelled by staff: out of stock")


def test_a_cancellation_from_shopify_is_not_sent_back(
    pushing, pushed, web, django_capture_on_commit_callbacks
) -> None:
    # when: Shopify's orders/cancelled webhook cancels the local order
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(web, "orders/cancelled", {"id": pushing.orders[0]["id"]})
    # then
    pushed.refresh_from_db()
    assert pushed.status == OrderStatus.CANCELLED
    assert _push(pushed).cancel_status == CancelPushStatus.FROM_SHOPIFY
    assert pushing.cancel_calls() == []
    assert shopify_sweep_task()["order_cancels"] == 0


def test_shopify_confirming_a_cancel_whose_task_was_lost_settles_it(
    pushing, pushed, web, django_capture_on_commit_callbacks
) -> None:
    # given: cancelled here, the task never ran (broker down), staff cancelled in Shopify
    order_cancel(order=pushed, actor="customer")
    from connectors.shopify_admin.order_cancel_push import order_cancel_push_request

    assert order_cancel_push_request(order_id=pushed.pk) == "cancel"
    # when
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(web, "orders/cancelled", {"id": pushing.orders[0]["id"]})
    # then
    assert _push(pushed).cancel_status == CancelPushStatus.DONE
    assert order_cancel_push(order_id=pushed.pk).startswith("nothing to cancel")
    assert pushing.cancel_calls() == []


def test_the_sweep_sends_a_cancellation_whose_task_was_lost(pushing, pushed) -> None:
    # given: the cancel was recorded but its task never enqueued
    order_cancel(order=pushed, actor="customer")
    from connectors.shopify_admin.order_cancel_push import order_cancel_push_request

    order_cancel_push_request(order_id=pushed.pk)
    OrderPush.objects.filter(order=pushed).update(
        cancel_requested_at=timezone.now() - timedelta(minutes=5)
    )
    # when
    swept = shopify_sweep_task()
    # then
    assert swept["order_cancels"] == 1
    assert _push(pushed).cancel_status == CancelPushStatus.DONE
    assert len(pushing.cancel_calls()) == 1


def test_an_order_cancelled_before_its_push_ran_is_never_created_in_shopify(
    pushing, django_capture_on_commit_callbacks
) -> None:
    # given: placed and recorded for pushing, but the push task has not run yet
    order = place_order()
    OrderPush.objects.create(order=order)
    # when: the customer cancels, then the queued push task arrives
    _cancel(order, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        order_push_task.delay(order.pk)
    # then
    push = _push(order)
    assert (push.status, push.cancel_status) == (PushStatus.SKIPPED, CancelPushStatus.NONE)
    assert pushing.orders == [] and pushing.cancel_calls() == []


def test_a_push_that_failed_before_the_cancel_ends_skipped_when_shopify_has_no_order(
    pushing, django_capture_on_commit_callbacks
) -> None:
    # given: Shopify refused the order (nothing created), staff had not retried yet
    pushing.user_errors = [{"field": ["order"], "message": "Variant is unavailable"}]
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order()
    assert _push(order).status == PushStatus.FAILED
    pushing.user_errors = []
    # when: the order is cancelled here
    _cancel(order, django_capture_on_commit_callbacks)
    # then: the push looked for it once, found nothing and created nothing
    push = _push(order)
    assert (push.status, push.cancel_status) == (PushStatus.SKIPPED, CancelPushStatus.NONE)
    assert pushing.orders == []
    assert [c for c in pushing.graphql_calls if "OrderByTag" in c["query"]]


def test_an_order_created_by_a_lost_attempt_then_cancelled_is_linked_and_cancelled(
    pushing, django_capture_on_commit_callbacks
) -> None:
    # given: the first push created the order in Shopify but its answer was lost
    pushing.fail_after_create = 1
    order = place_order()
    OrderPush.objects.create(order=order)
    with pytest.raises(PushRetryable):
        order_push(order_id=order.pk)
    # when: cancelled here while the push waits for its retry, then the retry runs
    _cancel(order, django_capture_on_commit_callbacks)
    assert _push(order).cancel_status == CancelPushStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        order_push_task.delay(order.pk)
    # then: one order in Shopify, linked, and cancelled there once
    [created] = pushing.orders
    assert created["cancelledAt"] is not None
    push = _push(order)
    assert (push.status, push.shopify_order_id) == (PushStatus.PUSHED, created["id"])
    assert push.cancel_status == CancelPushStatus.DONE
    assert len(pushing.cancel_calls()) == 1


def test_shopify_refusing_the_cancel_is_a_visible_failure_staff_can_retry(
    pushing, pushed, django_capture_on_commit_callbacks, django_user_model
) -> None:
    # given: Shopify refuses (e.g. a fulfilment in progress there)
    refusal = {"field": ["orderId"], "message": "Order has an open fulfillment", "code": "INVALID"}
    pushing.cancel_errors = [[refusal]]
    _cancel(pushed, django_capture_on_commit_callbacks)
    push = _push(pushed)
    assert push.cancel_status == CancelPushStatus.FAILED
    assert push.last_error == "cancelling: Shopify refused: Order has an open fulfillment"
    staff = django_user_model.objects.create_superuser("boss", "b@example.com", "pw")
    web = Client()
    web.force_login(staff)
    listing = web.get(
        reverse("admin:shopify_admin_orderpush_changelist"), {"cancel_status__exact": "failed"}
    )
    assert pushed.order_number in listing.content.decode()
    assert "Order has an open fulfillment" in listing.content.decode()
    # when: staff settle it in Shopify and try again from the admin
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(
            reverse("admin:shopify_admin_orderpush_changelist"),
            {"action": "retry_cancel", "_selected_action": [push.pk]},
        )
    # then
    assert response.status_code == 302
    push.refresh_from_db()
    assert (push.cancel_status, push.last_error) == (CancelPushStatus.DONE, "")
    assert pushing.orders[0]["cancelledAt"] is not None


def test_a_shopify_internal_error_is_retried_until_the_cancel_goes_through(
    pushing, pushed, django_capture_on_commit_callbacks
) -> None:
    # given
    pushing.cancel_errors = [[{"field": None, "message": "Try again", "code": "INTERNAL_ERROR"}]]
    # when
    _cancel(pushed, django_capture_on_commit_callbacks)
    # then
    push = _push(pushed)
    assert (push.cancel_status, push.cancel_attempts) == (CancelPushStatus.DONE, 2)
    assert push.last_error == ""  # the first attempt's error is over
    assert len(pushing.cancel_calls()) == 2  # the first one was refused, nothing cancelled


def test_a_cancel_failing_on_every_retry_ends_failed_for_staff(
    pushing, pushed, django_capture_on_commit_callbacks
) -> None:
    # given: Shopify answers INTERNAL_ERROR to every attempt
    internal = {"field": None, "message": "Try again", "code": "INTERNAL_ERROR"}
    pushing.cancel_errors = [[internal] for _ in range(10)]
    # when
    _cancel(pushed, django_capture_on_commit_callbacks)
    # then
    push = _push(pushed)
    assert push.cancel_status == CancelPushStatus.FAILED
    assert push.cancel_attempts == 7  # the first run and six retries
    assert "Try again" in push.last_error


def test_api_versions_before_2025_07_send_the_refund_flag(pushed) -> None:
    # when
    variables = order_cancel_input(pushed, api_version="2025-04")
    # then
    assert variables["refund"] is False and "refundMethod" not in variables
