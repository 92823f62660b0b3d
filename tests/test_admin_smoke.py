"""Staff work in admin: every registered model lists, searches and opens its add form."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.admin_staff import offered_actions
from tests.admin_staff import staff_client as limited_staff_client
from tests.factories import (
    CustomerFactory,
    FAQFactory,
    PaymentOptionFactory,
    ProductFactory,
    ShippingOptionFactory,
)

pytestmark = pytest.mark.django_db

MODELS = sorted((model._meta.app_label, model._meta.model_name) for model in admin.site._registry)


@pytest.fixture
def staff_client(django_user_model) -> Client:
    user = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
    client = Client()
    client.force_login(user)
    ProductFactory()
    CustomerFactory()
    FAQFactory()
    ShippingOptionFactory()
    PaymentOptionFactory()
    return client


@pytest.mark.parametrize(("app_label", "model_name"), MODELS)
def test_changelist_lists_and_searches(
    staff_client: Client, app_label: str, model_name: str
) -> None:
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    assert staff_client.get(url).status_code == 200
    model_admin = next(
        ma
        for m, ma in admin.site._registry.items()
        if (m._meta.app_label, m._meta.model_name) == (app_label, model_name)
    )
    if model_admin.search_fields:
        assert staff_client.get(url, {"q": "phone 1"}).status_code == 200


@pytest.mark.parametrize(("app_label", "model_name"), MODELS)
def test_add_form_opens_or_is_disabled(
    staff_client: Client, app_label: str, model_name: str
) -> None:
    response = staff_client.get(reverse(f"admin:{app_label}_{model_name}_add"))
    assert response.status_code in (200, 403)


@pytest.mark.parametrize(("app_label", "model_name"), MODELS)
def test_a_view_only_user_is_offered_no_action(app_label: str, model_name: str) -> None:
    # given: every action changes something, so each must require more than viewing
    viewer = limited_staff_client(f"{app_label}.view_{model_name}")
    # when
    offered = offered_actions(viewer, f"admin:{app_label}_{model_name}_changelist")
    # then
    assert offered == set()


def test_every_domain_model_is_registered_in_admin() -> None:
    registered = {m._meta.label for m in admin.site._registry}
    expected = {
        "site_config.SiteConfig",
        "users.Customer",
        "brandkit.Brand",
        "brandkit.SpecDefinition",
        "inventory.Category",
        "inventory.Product",
        "orders.ShippingOption",
        "orders.Cart",
        "orders.Order",
        "payments.PaymentOption",
        "payments.Payment",
        "conversation_log.Chat",
        "conversation_log.Message",
        "helpdesk.FAQ",
    }
    assert expected <= registered
