"""Staff edit a brand's aliases on the brand's own page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from brandkit.models import BrandAlias, BrandAliasKind
from tests.factories import BrandFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(django_user_model) -> Client:
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("boss", "b@example.com", "pw"))
    return client


def test_brand_page_adds_an_alias_inline(client: Client) -> None:
    # given
    brand = BrandFactory(slug="samsung", name_en="Samsung", name_ar="سامسونج")
    data = {
        "slug": "samsung",
        "name_en": "Samsung",
        "name_ar": "سامسونج",
        "logo_url": "",
        "description": "",
        "active": "on",
        "aliases-TOTAL_FORMS": "1",
        "aliases-INITIAL_FORMS": "0",
        "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
        "aliases-0-alias": "جلاكسي",
        "aliases-0-kind": BrandAliasKind.LINE,
    }

    # when
    response = client.post(reverse("admin:brandkit_brand_change", args=[brand.pk]), data)

    # then
    assert response.status_code == 302
    assert list(BrandAlias.objects.values_list("brand__slug", "alias", "kind")) == [
        ("samsung", "جلاكسي", "line")
    ]


def test_brand_search_finds_a_brand_by_its_alias(client: Client) -> None:
    # given
    brand = BrandFactory(slug="sony", name_en="Sony")
    BrandAlias.objects.create(brand=brand, alias="playstation", kind=BrandAliasKind.LINE)
    BrandFactory(slug="apple", name_en="Apple")

    # when
    response = client.get(reverse("admin:brandkit_brand_changelist"), {"q": "playstation"})

    # then
    assert [b.slug for b in response.context["cl"].result_list] == ["sony"]
