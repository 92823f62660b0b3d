"""Staff roles: the groups exist after migrate with exactly the table's permissions, and
each role can do its job in admin and nothing of the others'."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from bootstrap.roles import (
    CATALOG,
    ORDERS_MANAGER,
    ROLES,
    SUPPORT,
    UnknownPermission,
    roles_sync,
)
from orders.models import Order, OrderStatus
from orders.services import Address, cart_add_item, order_place
from tests.admin_staff import post_action
from tests.factories import (
    ChatFactory,
    CustomerFactory,
    PaymentOptionFactory,
    ProductFactory,
    ShippingOptionFactory,
)

pytestmark = pytest.mark.django_db

ORDERS = "admin:orders_order_changelist"
SUPERUSER_ONLY_APPS = {"auth", "contenttypes", "admin", "sessions", "django_celery_beat", "axes"}


def _group_permissions(role: str) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=role).permissions.select_related("content_type")
    }


def _member_client(role: str) -> Client:
    user = get_user_model().objects.create_user(
        username=f"member-{role}".replace(" ", "-"), password="pw", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


def _placed_order() -> Order:
    customer = CustomerFactory()
    cart_add_item(customer=customer, product=ProductFactory(stock=5), quantity=1)
    return order_place(
        customer=customer,
        contact_name="Sara",
        address=Address(text="1 Main St"),
        shipping_option=ShippingOptionFactory(),
        payment_option=PaymentOptionFactory(),
    )


def test_the_role_groups_exist_after_migrate_with_exactly_the_table():
    # given: the test database was built by migrate, which ran the post_migrate sync
    # then
    for role, permissions in ROLES.items():
        assert _group_permissions(role) == permissions


def test_no_role_gets_user_group_permission_or_schedule_management():
    # then
    for permissions in ROLES.values():
        assert {name.split(".")[0] for name in permissions}.isdisjoint(SUPERUSER_ONLY_APPS)


def test_sync_removes_permissions_no_longer_listed_and_adds_missing_ones():
    # given: a group edited by hand
    group = Group.objects.get(name=SUPPORT)
    group.permissions.add(Permission.objects.get(codename="change_order"))
    group.permissions.remove(Permission.objects.get(codename="view_chat"))
    # when
    report = roles_sync()
    # then
    assert _group_permissions(SUPPORT) == ROLES[SUPPORT]
    assert report.removed == {SUPPORT: ["orders.change_order"]}
    assert report.added == {SUPPORT: ["conversation_log.view_chat"]}


def test_sync_twice_changes_nothing_the_second_time():
    # given
    Group.objects.filter(name=CATALOG).delete()
    roles_sync()
    # when
    report = roles_sync()
    # then
    assert (report.created, report.added, report.removed) == ([], {}, {})
    assert Group.objects.filter(name__in=ROLES).count() == len(ROLES)
    assert _group_permissions(CATALOG) == ROLES[CATALOG]


def test_an_unknown_permission_fails_naming_it_and_changes_nothing():
    # given
    roles = {**ROLES, SUPPORT: ROLES[SUPPORT] | {"orders.refund_everything"}}
    Group.objects.get(name=SUPPORT).permissions.clear()
    # when
    with pytest.raises(UnknownPermission, match=r"orders\.refund_everything"):
        roles_sync(roles=roles)
    # then
    assert _group_permissions(SUPPORT) == set()


def test_setup_roles_command_syncs_and_reports():
    # given
    Group.objects.filter(name=ORDERS_MANAGER).delete()
    out = StringIO()
    # when
    call_command("setup_roles", stdout=out)
    # then
    assert "created group 'Orders manager'" in out.getvalue()
    assert _group_permissions(ORDERS_MANAGER) == ROLES[ORDERS_MANAGER]


def test_setup_roles_command_fails_on_an_unknown_permission(monkeypatch):
    # given
    monkeypatch.setitem(ROLES, CATALOG, ROLES[CATALOG] | {"inventory.teleport_product"})
    # when / then
    with pytest.raises(CommandError, match=r"inventory\.teleport_product"):
        call_command("setup_roles", stdout=StringIO())


def test_support_views_a_chat_and_its_transcript():
    # given
    client = _member_client(SUPPORT)
    chat = ChatFactory()
    # when
    change = client.get(reverse("admin:conversation_log_chat_change", args=[chat.pk]))
    transcript = client.get(reverse("admin:conversation_log_chat_transcript", args=[chat.pk]))
    # then
    assert change.status_code == 200
    assert transcript.status_code == 200 and transcript.context["can_change"] is True


def test_support_gets_403_on_an_order_page_and_on_mark_paid():
    # given
    client = _member_client(SUPPORT)
    order = _placed_order()
    # when
    page = client.get(reverse("admin:orders_order_change", args=[order.pk]))
    action = post_action(client, ORDERS, "mark_paid", [order.pk])
    # then
    assert page.status_code == 403
    assert action.status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED


def test_catalog_changes_a_product_but_cannot_mark_an_order_paid():
    # given
    client = _member_client(CATALOG)
    product = ProductFactory(stock=1)
    order = _placed_order()
    # when
    edit = client.get(reverse("admin:inventory_product_change", args=[product.pk]))
    view_order = client.get(reverse("admin:orders_order_change", args=[order.pk]))
    post_action(client, ORDERS, "mark_paid", [order.pk])
    # then
    assert edit.status_code == 200 and edit.context["has_change_permission"] is True
    assert view_order.status_code == 200 and view_order.context["has_change_permission"] is False
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED


def test_orders_manager_marks_paid_but_cannot_change_a_product_or_a_user():
    # given
    client = _member_client(ORDERS_MANAGER)
    order = _placed_order()
    product = ProductFactory()
    user = get_user_model().objects.create_user(username="someone", password="pw")
    # when
    action = post_action(client, ORDERS, "mark_paid", [order.pk])
    product_page = client.get(reverse("admin:inventory_product_change", args=[product.pk]))
    user_page = client.get(reverse("admin:auth_user_change", args=[user.pk]))
    # then
    assert action.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert product_page.status_code == 403
    assert user_page.status_code == 403
