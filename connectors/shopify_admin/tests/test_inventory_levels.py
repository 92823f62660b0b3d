"""Stock from inventory levels at the configured locations (SHOPIFY_LOCATION_IDS)."""

from __future__ import annotations

import pytest

from connectors.shopify_admin.models import InventoryLevel
from connectors.shopify_admin.product_sync import sync_products
from inventory.models import Product

from .fake_admin import post_signed, product_payload
from .fake_shopify import RestShop

pytestmark = pytest.mark.django_db

ITEM = 100  # product_payload(1)'s inventory item
SHOP, WAREHOUSE, POPUP = 11, 22, 33


def _level(location: int, available: int, at: str = "2026-11-02T10:00:00Z") -> dict:
    return {
        "inventory_item_id": ITEM,
        "location_id": location,
        "available": available,
        "updated_at": at,
        "admin_graphql_api_id": f"gid://shopify/InventoryLevel/{location}?inventory_item_id={ITEM}",
    }


@pytest.fixture
def post(web, fake_admin, django_capture_on_commit_callbacks):
    def send(topic: str, payload: dict, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post_signed(web, topic, payload, **kwargs)

    return send


def test_stock_counts_only_the_configured_locations(post, fake_admin, settings) -> None:
    # given: the product exists (variant total 12 across three locations)
    settings.SHOPIFY_LOCATION_IDS = [SHOP, WAREHOUSE]
    fake_admin.levels = [_level(SHOP, 3), _level(WAREHOUSE, 4), _level(POPUP, 5)]
    post("products/create", product_payload(1, stock=12))
    # when: the shop's level changes
    post("inventory_levels/update", _level(SHOP, 2, at="2026-11-02T11:00:00Z"))
    # then: shop 2 + warehouse 4 (read once from the API); the pop-up store is not counted
    assert Product.objects.get(shopify_variant_id=10).stock == 6
    assert fake_admin.level_calls == [
        {"inventory_item_ids": str(ITEM), "limit": "250", "location_ids": f"{SHOP},{WAREHOUSE}"}
    ]


def test_a_level_at_a_location_not_counted_changes_nothing(post, fake_admin, settings) -> None:
    # given
    settings.SHOPIFY_LOCATION_IDS = [SHOP]
    post("products/create", product_payload(1, stock=7))
    # when
    post("inventory_levels/update", _level(POPUP, 0))
    # then
    assert Product.objects.get(shopify_variant_id=10).stock == 7
    assert not InventoryLevel.objects.exists() and fake_admin.level_calls == []


def test_an_older_level_arriving_late_is_dropped(post, fake_admin, settings) -> None:
    # given
    settings.SHOPIFY_LOCATION_IDS = [SHOP]
    post("products/create", product_payload(1, stock=9))
    post("inventory_levels/update", _level(SHOP, 1, at="2026-11-02T12:00:00Z"))
    # when
    post("inventory_levels/update", _level(SHOP, 8, at="2026-11-02T09:00:00Z"))
    # then
    assert Product.objects.get(shopify_variant_id=10).stock == 1


def test_with_every_location_counted_the_item_levels_are_read_once_then_summed(
    post, fake_admin
) -> None:
    # given
    fake_admin.levels = [_level(SHOP, 3), _level(WAREHOUSE, 4)]
    post("products/create", product_payload(1, stock=7))
    # when
    post("inventory_levels/update", _level(WAREHOUSE, 1, at="2026-11-02T11:00:00Z"))
    post("inventory_levels/update", _level(SHOP, 0, at="2026-11-02T12:00:00Z"))
    # then
    assert Product.objects.get(shopify_variant_id=10).stock == 1
    assert len(fake_admin.level_calls) == 1
    assert "location_ids" not in fake_admin.level_calls[0]


def test_the_sync_takes_stock_from_the_configured_locations(
    httpserver, fake_admin, settings
) -> None:
    # given: a total of 12 but only 3 + 4 at the counted locations
    settings.SHOPIFY_LOCATION_IDS = [SHOP, WAREHOUSE]
    fake_admin.levels = [_level(SHOP, 3), _level(WAREHOUSE, 4), _level(POPUP, 5)]
    RestShop(httpserver, [[product_payload(1, stock=12)]])
    # when
    sync_products(full=True, api="rest")
    # then
    assert Product.objects.get(shopify_variant_id=10).stock == 7


def test_a_graphql_sync_links_variants_to_their_inventory_items(
    httpserver, shopify_settings
) -> None:
    # given: the products query answers with each variant's inventory item
    from connectors.shopify_admin.models import VariantLink

    from .fake_shopify import GraphQLShop, graphql_node, product

    node = graphql_node(product(1))
    node["variants"]["nodes"][0]["inventoryItem"] = {"legacyResourceId": "4242"}
    GraphQLShop(httpserver, [[node]])
    # when
    sync_products(full=True, api="graphql")
    # then
    assert VariantLink.objects.get().inventory_item_id == 4242
