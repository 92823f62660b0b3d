"""Arabic titles and descriptions from Shopify's translations; local edits win while
Shopify's value is unchanged."""

from __future__ import annotations

import pytest

from connectors.shopify_admin.models import TranslationState
from connectors.shopify_admin.tasks import sync_products_task
from connectors.shopify_admin.translations import translations_sync
from inventory.models import Product

from .fake_admin import product_payload
from .fake_shopify import RestShop

pytestmark = pytest.mark.django_db

TITLE_AR = "هاتف ١"
BODY_AR = "<p>سريع <b>وخفيف</b></p>"


@pytest.fixture
def synced(httpserver, fake_admin):
    """Product 1 imported with two variants (Default and Blue)."""
    raw = product_payload(1)
    raw["variants"].append({**raw["variants"][0], "id": 11, "sku": "SKU-1-B", "title": "Blue"})
    RestShop(httpserver, [[raw]])
    from connectors.shopify_admin.product_sync import sync_products

    sync_products(full=True, api="rest")
    fake_admin.translations = {
        1: {"title": "Phone 1", "ar": {"title": TITLE_AR, "body_html": BODY_AR}}
    }
    return fake_admin


def test_arabic_translations_fill_name_ar_and_description_ar(synced) -> None:
    # when
    result = translations_sync()
    # then
    assert Product.objects.get(shopify_variant_id=10).name_ar == TITLE_AR
    assert Product.objects.get(shopify_variant_id=11).name_ar == f"{TITLE_AR} - Blue"
    assert Product.objects.get(shopify_variant_id=10).description_ar == "سريع وخفيف"
    assert result.applied == 4


def test_a_local_arabic_edit_wins_while_shopify_is_unchanged(synced) -> None:
    # given
    translations_sync()
    Product.objects.filter(shopify_variant_id=10).update(name_ar="هاتف رقم ١ الجديد")
    # when
    result = translations_sync()
    # then
    assert Product.objects.get(shopify_variant_id=10).name_ar == "هاتف رقم ١ الجديد"
    assert result.applied == 0 and result.kept_local == 4


def test_a_changed_shopify_translation_replaces_the_local_one(synced) -> None:
    # given
    translations_sync()
    Product.objects.filter(shopify_variant_id=10).update(name_ar="محلي")
    # when
    synced.translations[1]["ar"]["title"] = "هاتف ١ برو"
    translations_sync()
    # then
    assert Product.objects.get(shopify_variant_id=10).name_ar == "هاتف ١ برو"
    assert TranslationState.objects.get(key="title").value == "هاتف ١ برو"


def test_a_product_without_an_arabic_translation_keeps_its_local_name(synced) -> None:
    # given
    Product.objects.filter(shopify_variant_id=10).update(name_ar="اسم محلي")
    synced.translations = {1: {"title": "Phone 1", "ar": {}}}
    # when
    translations_sync()
    # then
    assert Product.objects.get(shopify_variant_id=10).name_ar == "اسم محلي"
    assert not TranslationState.objects.exists()


def test_translations_are_read_across_pages(httpserver, fake_admin) -> None:
    # given: 60 products (two pages of 50)
    RestShop(httpserver, [[product_payload(pid) for pid in range(1, 61)]])
    from connectors.shopify_admin.product_sync import sync_products

    sync_products(full=True, api="rest")
    fake_admin.translations = {
        pid: {"title": f"Phone {pid}", "ar": {"title": f"هاتف {pid}"}} for pid in range(1, 61)
    }
    # when
    result = translations_sync()
    # then
    assert result.products == 60
    assert Product.objects.get(shopify_variant_id=600).name_ar == "هاتف 60"


def test_the_scheduled_task_applies_translations_after_the_products(
    httpserver, fake_admin, settings
) -> None:
    # given
    settings.SHOPIFY_SYNC_TRANSLATIONS = True
    RestShop(httpserver, [[product_payload(1)]])
    fake_admin.translations = {1: {"title": "Phone 1", "ar": {"title": TITLE_AR}}}
    # when
    counts = sync_products_task(full=True)
    # then
    assert counts["translations_applied"] == 1
    assert Product.objects.get(shopify_variant_id=10).name_ar == TITLE_AR
