"""Orders placed on WhatsApp are created in Shopify once: after commit, across retries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from connectors.shopify_admin import order_push as order_push_module
from connectors.shopify_admin.models import OrderPush, PushStatus
from connectors.shopify_admin.order_push import PushRetryable, order_push
from connectors.shopify_admin.tasks import order_push_task
from orders.models import OrderStatus
from orders.services import order_transition

from .orders_setup import place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def pushing(fake_admin, settings):
    settings.SHOPIFY_PUSH_ORDERS = True
    return fake_admin


def test_an_order_placed_in_the_chat_is_created_in_shopify_after_commit(
    pushing, django_capture_on_commit_callbacks
) -> None:
    # when
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(quantity=2)
    # then
    [created] = pushing.orders
    sent = created["input"]
    assert sent["lineItems"] == [
        {
            "quantity": 2,
            "priceSet": {"shopMoney": {"amount": "99.99", "currencyCode": order.currency}},
            "variantId": "gid://shopify/ProductVariant/10",
        }
    ]
    assert sent["phone"] == f"+{order.contact_phone}"  # E.164
    assert sent["tags"] == [f"whatsapp-{order.order_number}"]
    assert {"key": "order_number", "value": order.order_number} in sent["customAttributes"]
    assert sent["financialStatus"] == "PENDING"
    assert sent["shippingAddress"]["address1"] == "12 Palm Street, Riyadh"
    assert created["options"]["inventoryBehaviour"] == "DECREMENT_OBEYING_POLICY"
    push = OrderPush.objects.get(order=order)
    assert (push.status, push.shopify_order_id, push.attempts) == (
        PushStatus.PUSHED,
        created["id"],
        1,
    )


def test_a_push_whose_response_was_lost_is_linked_on_retry_not_created_twice(
    pushing, django_capture_on_commit_callbacks
) -> None:
    # given: Shopify stores the order but the answer is lost (502)
    pushing.fail_after_create = 1
    order = place_order()
    OrderPush.objects.create(order=order)
    with pytest.raises(PushRetryable):
        order_push(order_id=order.pk)
    assert OrderPush.objects.get(order=order).status == PushStatus.RETRYING
    # when: the task runs again
    outcome = order_push(order_id=order.pk)
    # then
    assert "found in Shopify" in outcome
    assert len(pushing.orders) == 1
    push = OrderPush.objects.get(order=order)
    assert (push.status, push.shopify_order_id) == (PushStatus.PUSHED, pushing.orders[0]["id"])


def test_the_eager_task_retries_after_a_lost_response_and_shopify_has_one_order(
    pushing, django_capture_on_commit_callbacks
) -> None:
    # given
    pushing.fail_after_create = 1
    # when: placing runs the task, which fails once and is retried by Celery
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order()
    # then
    assert len(pushing.orders) == 1
    push = OrderPush.objects.get(order=order)
    assert (push.status, push.attempts) == (PushStatus.PUSHED, 2)


def test_a_pushed_order_is_never_pushed_again(pushing, django_capture_on_commit_callbacks) -> None:
    # given
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order()
    # when: a duplicate task and a sweep-style re-run
    outcome = order_push(order_id=order.pk)
    # then
    assert outcome.startswith("nothing to push")
    assert len(pushing.orders) == 1


def test_shopify_refusing_the_order_is_a_visible_failure_staff_can_retry(
    pushing, django_capture_on_commit_callbacks, django_user_model
) -> None:
    # given
    pushing.user_errors = [{"field": ["order", "lineItems"], "message": "Variant is unavailable"}]
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order()
    push = OrderPush.objects.get(order=order)
    assert push.status == PushStatus.FAILED
    assert "Variant is unavailable" in push.last_error
    # when: staff fix it in Shopify and retry from the admin
    pushing.user_errors = []
    staff = django_user_model.objects.create_superuser("boss", "b@example.com", "pw")
    from django.test import Client

    web = Client()
    web.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(
            reverse("admin:shopify_admin_orderpush_changelist"),
            {"action": "retry_push", "_selected_action": [push.pk]},
        )
    # then
    assert response.status_code == 302
    push.refresh_from_db()
    assert push.status == PushStatus.PUSHED and len(pushing.orders) == 1


def test_orders_are_not_pushed_unless_enabled(
    fake_admin, django_capture_on_commit_callbacks
) -> None:
    # when
    with django_capture_on_commit_callbacks(execute=True):
        place_order()
    # then
    assert not OrderPush.objects.exists() and fake_admin.graphql_calls == []


def test_a_product_not_in_shopify_goes_as_a_custom_line(
    pushing, django_capture_on_commit_callbacks
) -> None:
    # when
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(variant_id=None, quantity=1)
    # then
    [line] = pushing.orders[0]["input"]["lineItems"]
    item = order.items.get()
    assert "variantId" not in line
    assert (line["title"], line["sku"]) == (item.name_en, item.sku)


def test_an_order_paid_after_the_push_is_marked_paid_in_shopify(
    pushing, django_capture_on_commit_callbacks
) -> None:
    # given: pushed while awaiting payment
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order()
    assert pushing.orders[0]["input"]["financialStatus"] == "PENDING"
    # when: the customer pays
    with django_capture_on_commit_callbacks(execute=True):
        order_transition(order=order, to_status=OrderStatus.PAID, actor="stripe")
    # then
    marks = [c for c in pushing.graphql_calls if "orderMarkAsPaid" in c["query"]]
    assert [m["variables"]["input"]["id"] for m in marks] == [
        f"gid://shopify/Order/{pushing.orders[0]['id']}"
    ]
    assert pushing.orders[0]["paid"] is True
    assert OrderPush.objects.get(order=order).paid_pushed_at is not None


def test_an_order_paid_before_the_push_is_created_paid_and_not_marked_again(
    pushing, fake_admin
) -> None:
    # given: paid before any push ran
    order = place_order()
    order_transition(order=order, to_status=OrderStatus.PAID, actor="stripe")
    OrderPush.objects.create(order=order)
    # when
    order_push(order_id=order.pk)
    # then
    assert pushing.orders[0]["input"]["financialStatus"] == "PAID"
    assert not [c for c in pushing.graphql_calls if "orderMarkAsPaid" in c["query"]]
    assert OrderPush.objects.get(order=order).paid_pushed_at is not None


def test_an_order_paid_while_its_push_was_queued_ends_paid_in_shopify(
    pushing, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    # given: the customer pays right after the push built its (pending) input
    order = place_order()
    OrderPush.objects.create(order=order)
    original = order_push_module.order_create_input

    def built_before_payment(o):
        data = original(o)
        order_transition(order=o, to_status=OrderStatus.PAID, actor="stripe")
        return data

    monkeypatch.setattr(order_push_module, "order_create_input", built_before_payment)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        order_push_task.delay(order.pk)
    # then
    assert pushing.orders[0]["input"]["financialStatus"] == "PENDING"
    assert pushing.orders[0]["paid"] is True
