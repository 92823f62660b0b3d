"""`sync_products()` against a fake Admin API (a real local HTTP server)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from pytest_httpserver import HTTPServer
from werkzeug import Response

from brandkit.models import Brand, SpecDefinition, SpecType
from connectors.shopify_admin.client import ShopifyAuthError, ShopifyError
from connectors.shopify_admin.models import SyncRun, SyncStatus
from connectors.shopify_admin.product_sync import INCREMENTAL_OVERLAP, sync_products
from inventory.models import Category, Product
from recos.models import ProductEmbedding
from tests.factories import BrandFactory, CategoryFactory, ProductFactory

from .fake_shopify import REST_PATH, GraphQLShop, RestShop, graphql_node, product

pytestmark = pytest.mark.django_db

MALFORMED = {"id": "bad", "title": None}


def _rest_sync(client, **kwargs):
    return sync_products(client=client, api="rest", **kwargs)


def test_three_pages_with_a_429_and_a_5xx_import_every_product(
    httpserver: HTTPServer, client
) -> None:
    # given
    shop = RestShop(
        httpserver,
        [[product(1), product(2)], [product(3)], [product(4)]],
        failures={
            2: Response("slow down", status=429, headers={"Retry-After": "3"}),
            4: Response("oops", status=502),
        },
    )
    # when
    result = _rest_sync(client, full=True)
    # then
    assert (result.created, result.updated, result.errors) == (4, 0, [])
    assert len(shop.calls) == 5  # 3 pages + the 429 + the 502
    assert 3.0 in client.sleeps
    assert SyncRun.objects.get().status == SyncStatus.SUCCESS


def test_variant_fields_map_to_the_product(httpserver: HTTPServer, client) -> None:
    # given
    RestShop(httpserver, [[product(1, price="100.00", compare_at="120.00", stock=5)]])
    # when
    _rest_sync(client, full=True)
    # then
    p = Product.objects.get(sku="SKU-1")
    assert (p.price, p.compare_at_price, p.stock) == (Decimal("100.00"), Decimal("120.00"), 5)
    assert p.name_en == "Phone 1"  # "Default Title" is not appended
    assert p.description_en == "Fast & light"
    assert (p.brand.slug, p.brand.name_en) == ("acme-labs", "Acme Labs")
    assert p.category.slug == "shopify-unmapped"  # no local "phones", no mapping
    assert p.image_url == "https://cdn.example.com/1.jpg"
    assert (p.shopify_product_id, p.shopify_variant_id, p.active) == (1, 10, True)


def test_each_variant_is_one_product_named_with_its_title(httpserver: HTTPServer, client) -> None:
    # given
    raw = product(1)
    raw["variants"].append({**raw["variants"][0], "id": 11, "sku": "SKU-1-B", "title": "Blue"})
    RestShop(httpserver, [[raw]])
    # when
    result = _rest_sync(client, full=True)
    # then
    assert result.created == 2
    assert Product.objects.get(shopify_variant_id=11).name_en == "Phone 1 - Blue"


def test_blank_sku_gets_a_stable_shopify_sku(httpserver: HTTPServer, client) -> None:
    # given
    RestShop(httpserver, [[product(2, sku=None)]])
    # when
    _rest_sync(client, full=True)
    # then
    assert Product.objects.get(shopify_variant_id=20).sku == "shopify-20"


def test_malformed_product_is_skipped_and_reported_and_the_rest_imported(
    httpserver: HTTPServer, client
) -> None:
    # given
    RestShop(httpserver, [[product(1), MALFORMED, product(2, price="not money")]])
    # when
    result = _rest_sync(client, full=True)
    # then
    assert result.created == 1
    reasons = [s["reason"] for s in result.skipped]
    assert any("integer id" in r for r in reasons) and any("price" in r for r in reasons)
    run = SyncRun.objects.get()
    assert run.status == SyncStatus.SUCCESS and len(run.skipped) == 2


def test_archived_and_draft_products_are_imported_inactive(httpserver: HTTPServer, client) -> None:
    # given
    RestShop(httpserver, [[product(1, status="archived"), product(2, status="draft")]])
    # when
    _rest_sync(client, full=True)
    # then
    assert not Product.objects.filter(active=True).exists()
    assert Product.objects.count() == 2


def test_archiving_deactivates_an_existing_product(httpserver: HTTPServer, client) -> None:
    # given
    RestShop(httpserver, [[product(1)]])
    _rest_sync(client, full=True)
    httpserver.clear()
    RestShop(httpserver, [[product(1, status="archived")]])
    # when
    result = _rest_sync(client, full=True)
    # then
    assert (result.deactivated, result.updated) == (1, 0)
    assert Product.objects.get(sku="SKU-1").active is False


def test_compare_at_below_price_is_ignored_and_negative_stock_is_zero(
    httpserver: HTTPServer, client
) -> None:
    # given
    RestShop(httpserver, [[product(1, price="100.00", compare_at="80.00", stock=-3)]])
    # when
    _rest_sync(client, full=True)
    # then
    p = Product.objects.get(sku="SKU-1")
    assert (p.compare_at_price, p.stock) == (None, 0)


def test_second_run_changes_nothing(httpserver: HTTPServer, client) -> None:
    # given
    RestShop(httpserver, [[product(1), product(2, sku=None)], [product(3, status="archived")]])
    _rest_sync(client, full=True)
    stamps = dict(Product.objects.values_list("sku", "updated_at"))
    # when
    second = _rest_sync(client, full=True)
    # then
    assert (second.created, second.updated, second.deactivated) == (0, 0, 0)
    assert second.unchanged == 3
    assert dict(Product.objects.values_list("sku", "updated_at")) == stamps


def test_incremental_run_sends_updated_at_min_from_the_last_success(
    httpserver: HTTPServer, client
) -> None:
    # given
    shop = RestShop(httpserver, [[product(1)]])
    _rest_sync(client, full=True)
    first = SyncRun.objects.get()
    # when
    _rest_sync(client)
    # then
    assert "updated_at_min" not in shop.calls[0].args
    expected = (first.started_at - INCREMENTAL_OVERLAP).isoformat()
    assert shop.calls[1].args["updated_at_min"] == expected


def test_first_run_without_history_is_full(httpserver: HTTPServer, client) -> None:
    # given
    shop = RestShop(httpserver, [[product(1)]])
    # when
    _rest_sync(client)
    # then
    assert "updated_at_min" not in shop.calls[0].args
    assert SyncRun.objects.get().full is True


def test_failed_page_fails_the_run_and_keeps_the_incremental_start(
    httpserver: HTTPServer, client
) -> None:
    # given: a successful run, then one whose second page keeps failing
    RestShop(httpserver, [[product(1)]])
    _rest_sync(client, full=True)
    success = SyncRun.objects.get()
    httpserver.clear()
    down = {n: Response("down", status=503) for n in range(2, 2 + client.max_retries + 1)}
    RestShop(httpserver, [[product(1, price="90.00")], [product(2)]], failures=down)
    # when
    with pytest.raises(ShopifyError, match="503"):
        _rest_sync(client)
    # then
    failed = SyncRun.objects.exclude(pk=success.pk).get()
    assert failed.status == SyncStatus.FAILED and "503" in failed.error
    httpserver.clear()
    shop = RestShop(httpserver, [[product(2)]])
    _rest_sync(client)
    expected = (success.started_at - INCREMENTAL_OVERLAP).isoformat()
    assert shop.calls[0].args["updated_at_min"] == expected


def test_unauthorised_token_fails_clearly_and_is_not_a_success(
    httpserver: HTTPServer, client
) -> None:
    # given
    httpserver.expect_request(REST_PATH).respond_with_data("no", status=401)
    # when / then
    with pytest.raises(ShopifyAuthError, match="access token"):
        _rest_sync(client, full=True)
    run = SyncRun.objects.get()
    assert run.status == SyncStatus.FAILED and "401" in run.error


def test_price_change_is_an_update(httpserver: HTTPServer, client) -> None:
    # given
    RestShop(httpserver, [[product(1)]])
    _rest_sync(client, full=True)
    httpserver.clear()
    RestShop(httpserver, [[product(1, price="90.00")]])
    # when
    result = _rest_sync(client, full=True)
    # then
    assert result.updated == 1
    assert Product.objects.get(sku="SKU-1").price == Decimal("90.00")


def test_full_run_deactivates_products_gone_from_shopify(httpserver: HTTPServer, client) -> None:
    # given
    RestShop(httpserver, [[product(1), product(2)]])
    _rest_sync(client, full=True)
    httpserver.clear()
    RestShop(httpserver, [[product(1)]])
    # when
    result = _rest_sync(client, full=True)
    # then
    assert result.deactivated == 1
    assert Product.objects.get(sku="SKU-2").active is False  # never deleted


def test_full_run_keeps_a_product_that_is_malformed_now_but_still_in_shopify(
    httpserver: HTTPServer, client
) -> None:
    # given: product 2 imported, then served with a broken price
    RestShop(httpserver, [[product(1), product(2)]])
    _rest_sync(client, full=True)
    httpserver.clear()
    RestShop(httpserver, [[product(1), product(2, price="n/a")]])
    # when
    result = _rest_sync(client, full=True)
    # then: skipped and reported, but not treated as deleted
    assert result.deactivated == 0 and result.skipped[0]["id"] == 2
    assert Product.objects.get(sku="SKU-2").active is True


def test_incremental_run_does_not_deactivate_unseen_products(
    httpserver: HTTPServer, client
) -> None:
    # given
    RestShop(httpserver, [[product(1), product(2)]])
    _rest_sync(client, full=True)
    httpserver.clear()
    RestShop(httpserver, [[product(1, price="90.00")]])
    # when
    result = _rest_sync(client)
    # then
    assert result.deactivated == 0
    assert Product.objects.get(sku="SKU-2").active is True


def test_local_product_with_the_same_sku_is_linked_not_duplicated(
    httpserver: HTTPServer, client
) -> None:
    # given
    local = ProductFactory(sku="SKU-1", category=CategoryFactory(slug="phones"))
    RestShop(httpserver, [[product(1)]])
    # when
    result = _rest_sync(client, full=True)
    # then
    local.refresh_from_db()
    assert (result.created, result.updated) == (0, 1)
    assert local.shopify_variant_id == 10
    assert Product.objects.filter(sku="SKU-1").count() == 1


def test_arabic_name_set_locally_is_kept(httpserver: HTTPServer, client) -> None:
    # given
    local = ProductFactory(sku="SKU-1", name_ar="هاتف واحد")
    RestShop(httpserver, [[product(1)]])
    # when
    _rest_sync(client, full=True)
    # then
    local.refresh_from_db()
    assert (local.name_en, local.name_ar) == ("Phone 1", "هاتف واحد")


def test_duplicate_sku_in_shopify_skips_the_second_variant_with_a_reason(
    httpserver: HTTPServer, client
) -> None:
    # given: two Shopify variants sharing one SKU (Shopify allows it, our catalog does not)
    RestShop(httpserver, [[product(1, sku="DUP")], [product(2, sku="DUP")]])
    # when
    result = _rest_sync(client, full=True)
    # then
    assert result.created == 1
    assert result.skipped[0]["variant_id"] == 20 and "DUP" in result.skipped[0]["reason"]
    assert Product.objects.get(sku="DUP").shopify_variant_id == 10


def test_existing_brand_and_category_are_reused(httpserver: HTTPServer, client) -> None:
    # given
    brand = BrandFactory(slug="acme-labs", name_en="ACME")
    category = CategoryFactory(slug="phones")
    RestShop(httpserver, [[product(1)]])
    # when
    _rest_sync(client, full=True)
    # then
    p = Product.objects.get(sku="SKU-1")
    assert (p.brand, p.category) == (brand, category)
    assert Brand.objects.count() == 1 and Category.objects.count() == 1


def test_product_without_type_goes_to_the_unmapped_category(httpserver: HTTPServer, client) -> None:
    # given
    RestShop(httpserver, [[product(1, product_type="")]])
    # when
    _rest_sync(client, full=True)
    # then
    assert Product.objects.get(sku="SKU-1").category.slug == "shopify-unmapped"


def _ram_spec() -> SpecDefinition:
    CategoryFactory(slug="phones")  # the local taxonomy the "Phones" type resolves to
    return SpecDefinition.objects.create(
        key="ram_gb",
        label_en="RAM",
        label_ar="الذاكرة",
        unit="GB",
        value_type=SpecType.INTEGER,
        categories=["phones"],
        min_value=1,
        max_value=64,
    )


def test_spec_tags_of_the_taxonomy_become_specs(httpserver: HTTPServer, client) -> None:
    # given
    _ram_spec()
    RestShop(httpserver, [[product(1, tags="ram_gb:8, sale")]])
    # when
    result = _rest_sync(client, full=True)
    # then
    assert Product.objects.get(sku="SKU-1").specs == {"ram_gb": 8}
    assert result.specs_dropped == 0


def test_invalid_spec_is_dropped_with_a_reason_and_the_product_kept(
    httpserver: HTTPServer, client
) -> None:
    # given: a value out of range and a key outside the taxonomy
    _ram_spec()
    RestShop(httpserver, [[product(1, tags="ram_gb:512, colour:red")]])
    # when
    result = _rest_sync(client, full=True)
    # then
    assert Product.objects.get(sku="SKU-1").specs == {}
    reasons = {d["spec"]: d["reason"] for d in result.spec_drops}
    assert "at most" in reasons["ram_gb"] and "not a spec" in reasons["colour"]
    assert SyncRun.objects.get().counts["specs_dropped"] == 2


def test_graphql_sync_imports_pages_after_a_throttle(httpserver: HTTPServer, client) -> None:
    # given
    pages = [
        [graphql_node(product(1))],
        [graphql_node(product(2, status="archived"))],
        [graphql_node(product(3, sku=None)), {"legacyResourceId": None, "title": "bad"}],
    ]
    shop = GraphQLShop(httpserver, pages, throttled_calls=1)
    # when
    result = sync_products(full=True, client=client, api="graphql")
    # then
    assert (result.created, len(result.skipped)) == (3, 1)
    assert len(shop.calls) == 4  # throttled + 3 pages
    assert Product.objects.get(sku="SKU-2").active is False
    assert Product.objects.filter(sku="shopify-30").exists()


def test_graphql_metafields_become_specs(httpserver: HTTPServer, client) -> None:
    # given
    _ram_spec()
    node = graphql_node(
        product(1, tags=""), metafields=[{"namespace": "specs", "key": "ram_gb", "value": "12"}]
    )
    GraphQLShop(httpserver, [[node]])
    # when
    sync_products(full=True, client=client, api="graphql")
    # then
    assert Product.objects.get(sku="SKU-1").specs == {"ram_gb": 12}


def test_graphql_second_run_changes_nothing(httpserver: HTTPServer, client) -> None:
    # given
    GraphQLShop(httpserver, [[graphql_node(product(1))], [graphql_node(product(2))]])
    sync_products(full=True, client=client, api="graphql")
    # when
    second = sync_products(full=True, client=client, api="graphql")
    # then
    assert (second.created, second.updated, second.deactivated, second.unchanged) == (0, 0, 0, 2)


def test_graphql_run_since_a_time_filters_by_updated_at(httpserver: HTTPServer, client) -> None:
    # given
    shop = GraphQLShop(httpserver, [[graphql_node(product(1))]])
    since = timezone.now() - timedelta(days=1)
    # when
    sync_products(since=since, client=client, api="graphql")
    # then
    assert shop.calls[0]["variables"]["query"] == f"updated_at:>='{since.isoformat()}'"


def test_changed_products_are_queued_for_embedding_training(httpserver: HTTPServer, client) -> None:
    # given (Celery runs eagerly in tests, so the queued training runs at once)
    RestShop(httpserver, [[product(1), product(2)]])
    # when
    _rest_sync(client, full=True)
    # then
    assert set(ProductEmbedding.objects.values_list("product__sku", flat=True)) == {
        "SKU-1",
        "SKU-2",
    }
