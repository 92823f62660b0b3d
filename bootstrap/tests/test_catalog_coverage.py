"""The curated catalog answers what customers actually ask (filters and text the search
legs use), so the embeddings evaluation has good hits to find."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Q

from inventory.models import Product
from inventory.selectors import category_get, product_list

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _seeded() -> None:
    call_command("seed", stdout=StringIO(), stderr=StringIO(), verbosity=0)


def test_gaming_laptops_under_1500_exist_in_stock() -> None:
    hits = product_list(
        category=category_get(slug="gaming-laptops"), price_max=Decimal("1500"), in_stock=True
    )
    assert hits.count() >= 4
    assert all("RTX" in p.specs["gpu"] for p in hits)


def test_android_phones_under_300_exist_in_stock() -> None:
    hits = product_list(
        category=category_get(slug="android-phones"), price_max=Decimal("300"), in_stock=True
    )
    assert hits.count() >= 4


def test_bluetooth_headphones_are_described_in_english_and_arabic() -> None:
    headphones = product_list(category=category_get(slug="headphones"))
    assert headphones.filter(description_en__icontains="bluetooth").count() >= 8
    assert headphones.filter(description_ar__contains="بلوتوث").count() >= 8


def test_noise_cancelling_headphones_are_flagged_in_specs() -> None:
    headphones = list(product_list(category=category_get(slug="headphones")))
    assert sum(1 for p in headphones if p.specs.get("noise_cancelling")) >= 10


def test_4k_tvs_exist() -> None:
    assert product_list(category=category_get(slug="tvs"), text="4K").count() >= 6


def test_power_banks_exist_in_stock() -> None:
    assert product_list(category=category_get(slug="power-banks"), in_stock=True).count() >= 4


def test_running_smartwatches_have_gps() -> None:
    watches = product_list(category=category_get(slug="smartwatches")).filter(
        Q(description_en__icontains="running") & Q(description_ar__contains="جري")
    )
    assert watches.count() >= 3
    assert all(p.specs["gps"] for p in watches)


def test_skus_look_like_brand_prefixed_codes() -> None:
    skus = list(Product.objects.values_list("sku", flat=True))
    assert all(sku == sku.upper() and "-" in sku and " " not in sku for sku in skus)
