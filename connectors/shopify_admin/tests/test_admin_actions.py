"""Who may push a failed order to Shopify, or cancel it there, again from the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from bootstrap.roles import ORDERS_MANAGER, roles_sync
from connectors.shopify_admin.models import CancelPushStatus, OrderPush, PushStatus

from .orders_setup import place_order

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:shopify_admin_orderpush_changelist"


def _staff(django_user_model, username: str, *, group: str | None = None, perms=()) -> Client:
    user = django_user_model.objects.create_user(username, password="pw", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    for codename in perms:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client = Client()
    client.force_login(user)
    return client


def _failed_push() -> OrderPush:
    return OrderPush.objects.create(
        order=place_order(), status=PushStatus.FAILED, last_error="422 line items invalid"
    )


def _push_again(client: Client, push: OrderPush):
    return client.post(reverse(CHANGELIST), {"action": "retry_push", "_selected_action": [push.pk]})


def test_an_orders_manager_pushes_a_failed_order_again(
    django_user_model, django_capture_on_commit_callbacks
):
    # given
    roles_sync()
    manager = _staff(django_user_model, "manager", group=ORDERS_MANAGER)
    push = _failed_push()
    # when: the task it enqueues after commit is not run here
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _push_again(manager, push)
    # then
    assert response.status_code == 302
    push.refresh_from_db()
    assert (push.status, push.last_error) == (PushStatus.PENDING, "")
    assert len(callbacks) == 1


def test_staff_who_may_only_view_pushes_cannot_push_again(
    django_user_model, django_capture_on_commit_callbacks
):
    # given
    viewer = _staff(django_user_model, "viewer", perms=["view_orderpush"])
    push = _failed_push()
    # when: the action is posted anyway (it is not offered to them)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _push_again(viewer, push)
    # then: nothing changed and nothing was enqueued
    push.refresh_from_db()
    assert push.status == PushStatus.FAILED
    assert callbacks == []


def test_staff_who_may_only_view_pushes_cannot_cancel_in_shopify_again(
    django_user_model, django_capture_on_commit_callbacks
):
    # given: a cancellation Shopify refused
    viewer = _staff(django_user_model, "viewer", perms=["view_orderpush"])
    push = _failed_push()
    OrderPush.objects.filter(pk=push.pk).update(
        status=PushStatus.PUSHED, cancel_status=CancelPushStatus.FAILED
    )
    # when: the action is posted anyway (it is not offered to them)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        viewer.post(reverse(CHANGELIST), {"action": "retry_cancel", "_selected_action": [push.pk]})
    # then: nothing changed and nothing was enqueued
    push.refresh_from_db()
    assert push.cancel_status == CancelPushStatus.FAILED
    assert callbacks == []


def test_an_orders_manager_cancels_in_shopify_again(
    django_user_model, django_capture_on_commit_callbacks
):
    # given: a cancellation Shopify refused
    roles_sync()
    manager = _staff(django_user_model, "manager", group=ORDERS_MANAGER)
    push = _failed_push()
    OrderPush.objects.filter(pk=push.pk).update(
        status=PushStatus.PUSHED, cancel_status=CancelPushStatus.FAILED
    )
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        manager.post(reverse(CHANGELIST), {"action": "retry_cancel", "_selected_action": [push.pk]})
    # then: pending again, its task enqueued after commit
    push.refresh_from_db()
    assert push.cancel_status == CancelPushStatus.PENDING
    assert len(callbacks) == 1
