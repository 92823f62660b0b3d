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


# --- option values: a variant's Arabic name ---------------------------------------------

HEADPHONES_AR = "سماعة إكس"


def _variant(pid: int, vid: int, title: str) -> dict:
    return {
        "admin_graphql_api_id": f"gid://shopify/ProductVariant/{vid}",
        "id": vid,
        "product_id": pid,
        "title": title,
        "price": "59.00",
        "sku": f"HP-{vid}",
        "compare_at_price": None,
        "inventory_item_id": vid * 10,
        "inventory_quantity": 4,
        "updated_at": "2026-11-01T10:00:00-05:00",
    }


def _options(*, blue: str | None = "أزرق", large: str | None = "كبير") -> list[dict]:
    """Color (Blue, Black) and Size (Large, "Small / Travel"); None: no Arabic in Shopify."""

    def value(vid: int, name: str, ar: str | None) -> dict:
        return {"id": vid, "name": name, **({"ar": ar} if ar else {})}

    return [
        {
            "name": "Color",
            "ar": "اللون",
            "values": [value(701, "Blue", blue), value(702, "Black", "أسود")],
        },
        {
            "name": "Size",
            "ar": "الحجم",
            "values": [value(703, "Large", large), value(704, "Small / Travel", "صغير / للسفر")],
        },
    ]


@pytest.fixture
def headphones(httpserver, fake_admin):
    """Product 2 "Headphones X" imported with three variants over two options."""
    raw = product_payload(2, title="Headphones X")
    raw["variants"] = [
        _variant(2, 21, "Blue / Large"),
        _variant(2, 22, "Black / Large"),
        _variant(2, 23, "Blue / Small / Travel"),
    ]
    RestShop(httpserver, [[raw]])
    from connectors.shopify_admin.product_sync import sync_products

    sync_products(full=True, api="rest")
    fake_admin.translations = {
        2: {"title": "Headphones X", "ar": {"title": HEADPHONES_AR}, "options": _options()}
    }
    return fake_admin


def _name_ar(variant_id: int) -> str:
    return Product.objects.get(shopify_variant_id=variant_id).name_ar


def test_a_variant_name_ar_uses_shopify_arabic_option_values(headphones) -> None:
    # when
    translations_sync()
    # then
    assert _name_ar(21) == f"{HEADPHONES_AR} - أزرق / كبير"
    assert _name_ar(22) == f"{HEADPHONES_AR} - أسود / كبير"
    # a value that itself holds " / " is still one value
    assert _name_ar(23) == f"{HEADPHONES_AR} - أزرق / صغير / للسفر"
    assert TranslationState.objects.get(key="option_value/701").value == "أزرق"


def test_an_option_value_without_arabic_keeps_its_english_name(headphones) -> None:
    # given: Shopify has no Arabic for "Large"
    headphones.translations[2]["options"] = _options(large=None)
    # when
    translations_sync()
    # then
    assert _name_ar(21) == f"{HEADPHONES_AR} - أزرق / Large"
    assert not TranslationState.objects.filter(key="option_value/703").exists()


def test_an_arabic_option_value_added_later_replaces_the_english_fallback(headphones) -> None:
    # given
    headphones.translations[2]["options"] = _options(large=None)
    translations_sync()
    # when: a translator adds it in Shopify
    headphones.translations[2]["options"] = _options()
    result = translations_sync()
    # then: the Large variants change, the other one is left as it is
    assert _name_ar(21) == f"{HEADPHONES_AR} - أزرق / كبير"
    assert _name_ar(22) == f"{HEADPHONES_AR} - أسود / كبير"
    assert result.applied == 2 and result.kept_local == 1


def test_a_local_variant_name_wins_while_its_shopify_translations_are_unchanged(
    headphones,
) -> None:
    # given
    translations_sync()
    Product.objects.filter(shopify_variant_id=21).update(name_ar="سماعة إكس زرقاء كبيرة")
    # when
    result = translations_sync()
    # then
    assert _name_ar(21) == "سماعة إكس زرقاء كبيرة"
    assert result.applied == 0 and result.kept_local == 3


def test_a_changed_option_value_overrides_the_local_names_of_its_variants_only(
    headphones,
) -> None:
    # given: staff edited two variant names here
    translations_sync()
    Product.objects.filter(shopify_variant_id=21).update(name_ar="محلي أزرق")
    Product.objects.filter(shopify_variant_id=22).update(name_ar="محلي أسود")
    # when: "Blue" is translated differently in Shopify
    headphones.translations[2]["options"] = _options(blue="كحلي")
    translations_sync()
    # then
    assert _name_ar(21) == f"{HEADPHONES_AR} - كحلي / كبير"
    assert _name_ar(23) == f"{HEADPHONES_AR} - كحلي / صغير / للسفر"
    assert _name_ar(22) == "محلي أسود"
    assert TranslationState.objects.get(key="option_value/701").value == "كحلي"


def test_option_value_translations_are_read_across_pages(headphones) -> None:
    # given: Shopify answers at most 3 option values a page (4 are asked for)
    headphones.resources_page_cap = 3
    # when
    translations_sync()
    # then
    pages = [c for c in headphones.graphql_calls if "OptionValueTranslations" in c["query"]]
    assert [c["variables"]["after"] for c in pages] == [None, "3"]
    assert _name_ar(23) == f"{HEADPHONES_AR} - أزرق / صغير / للسفر"


def test_products_without_variants_cost_no_option_requests(synced) -> None:
    # given: product 1's only other variant ("Blue") is gone
    Product.objects.filter(shopify_variant_id=11).delete()
    # when
    translations_sync()
    # then
    assert [c for c in synced.graphql_calls if "ProductOptions" in c["query"]] == []
    assert _name_ar(10) == TITLE_AR
