"""Collections and the category mapping: products land in the local taxonomy staff chose;
unmapped types wait in a visible "unmapped" category and are listed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from connectors.shopify_admin.collections import (
    UNMAPPED_SLUG,
    collection_product_ids,
    collections_sync,
)
from connectors.shopify_admin.models import (
    CategoryMapping,
    Collection,
    CollectionRole,
    UnmappedProductType,
)
from connectors.shopify_admin.product_sync import sync_products
from connectors.shopify_admin.tasks import sync_products_task
from inventory.models import Category, Product
from tests.factories import CategoryFactory

from .fake_admin import product_payload
from .fake_shopify import RestShop

pytestmark = pytest.mark.django_db


@pytest.fixture
def audio() -> Category:
    """A local category with a parent and an Arabic name."""
    parent = CategoryFactory(slug="audio", name_en="Audio", name_ar="صوتيات")
    return CategoryFactory(slug="headphones", name_en="Headphones", name_ar="سماعات", parent=parent)


def _headphones(pid: int) -> dict:
    return {**product_payload(pid), "product_type": "Over-Ear Cans"}


def test_a_mapped_product_type_lands_in_its_category_with_parent_and_arabic_name(
    httpserver, fake_admin, audio
) -> None:
    # given
    CategoryMapping.objects.create(product_type="over-ear cans", category=audio)
    RestShop(httpserver, [[_headphones(1)]])
    # when
    sync_products(full=True, api="rest")
    # then
    category = Product.objects.get(shopify_variant_id=10).category
    assert (category, category.parent.slug, category.name_ar) == (audio, "audio", "سماعات")
    assert not Category.objects.filter(slug="over-ear-cans").exists()


def test_an_unmapped_type_goes_to_the_unmapped_category_and_is_listed_for_staff(
    httpserver, fake_admin
) -> None:
    # given
    RestShop(httpserver, [[_headphones(1), _headphones(2)]])
    # when
    sync_products(full=True, api="rest")
    # then
    unmapped = Category.objects.get(slug=UNMAPPED_SLUG)
    assert unmapped.parent is None and unmapped.name_ar
    assert set(Product.objects.values_list("category__slug", flat=True)) == {UNMAPPED_SLUG}
    listed = UnmappedProductType.objects.get()
    assert (listed.product_type, listed.products) == ("Over-Ear Cans", 2)
    assert Category.objects.count() == 1  # no top-level category made from the type


def test_mapping_a_listed_type_moves_its_products_on_the_next_sync(
    httpserver, fake_admin, audio
) -> None:
    # given
    RestShop(httpserver, [[_headphones(1)]])
    sync_products(full=True, api="rest")
    # when
    CategoryMapping.objects.create(product_type="Over-Ear Cans", category=audio)
    sync_products(full=True, api="rest")
    # then
    assert Product.objects.get(shopify_variant_id=10).category == audio
    assert not UnmappedProductType.objects.exists()


def test_a_mapped_collection_wins_over_the_product_type(httpserver, fake_admin, audio) -> None:
    # given: product 1 is in the "Gaming headsets" collection, mapped to its own category
    gaming = CategoryFactory(slug="gaming-headsets", name_ar="سماعات ألعاب", parent=audio)
    fake_admin.collections = [{"id": 77, "title": "Gaming headsets", "product_ids": [1]}]
    collections_sync()
    CategoryMapping.objects.create(product_type="Over-Ear Cans", category=audio)
    CategoryMapping.objects.create(collection=Collection.objects.get(), category=gaming)
    RestShop(httpserver, [[_headphones(1), _headphones(2)]])
    # when
    sync_products(full=True, api="rest")
    # then
    assert Product.objects.get(shopify_variant_id=10).category == gaming
    assert Product.objects.get(shopify_variant_id=20).category == audio


def test_collections_are_stored_with_every_product_across_pages(fake_admin) -> None:
    # given: 7 collections (two pages), one with 230 products (three product pages)
    fake_admin.collections = [
        {"id": 100 + i, "title": f"C{i}", "handle": f"c{i}", "product_ids": [i]} for i in range(6)
    ] + [{"id": 200, "title": "Big", "product_ids": list(range(1000, 1230))}]
    # when
    count = collections_sync()
    # then
    assert count == 7
    assert len(Collection.objects.get(shopify_collection_id=200).product_ids) == 230


def test_a_collection_gone_from_shopify_is_removed(fake_admin) -> None:
    # given
    fake_admin.collections = [
        {"id": 1, "title": "A", "product_ids": []},
        {"id": 2, "title": "B", "product_ids": []},
    ]
    collections_sync()
    # when
    fake_admin.collections = fake_admin.collections[:1]
    collections_sync()
    # then
    assert list(Collection.objects.values_list("shopify_collection_id", flat=True)) == [1]


def test_a_deals_collection_names_its_products(fake_admin) -> None:
    # given
    fake_admin.collections = [
        {"id": 1, "title": "Black Friday", "product_ids": [5, 6]},
        {"id": 2, "title": "New in", "product_ids": [7]},
    ]
    collections_sync()
    Collection.objects.filter(shopify_collection_id=1).update(role=CollectionRole.DEALS)
    # when / then
    assert collection_product_ids(role=CollectionRole.DEALS) == {5, 6}


def test_the_scheduled_task_reads_collections_before_products(
    httpserver, fake_admin, settings, audio
) -> None:
    # given
    settings.SHOPIFY_SYNC_COLLECTIONS = True
    fake_admin.collections = [{"id": 9, "title": "Cans", "product_ids": [1]}]
    RestShop(httpserver, [[_headphones(1)]])
    # when
    sync_products_task(full=True)
    # then
    assert Collection.objects.get().product_ids == [1]


def test_staff_see_unmapped_types_with_a_link_that_prefills_the_mapping(
    httpserver, fake_admin, admin_client
) -> None:
    # given
    RestShop(httpserver, [[_headphones(1)]])
    sync_products(full=True, api="rest")
    # when
    listing = admin_client.get(reverse("admin:shopify_admin_unmappedproducttype_changelist"))
    form = admin_client.get(
        reverse("admin:shopify_admin_categorymapping_add") + "?product_type=Over-Ear+Cans"
    )
    # then
    assert "Over-Ear Cans" in listing.content.decode()
    assert "Map to a category" in listing.content.decode()
    assert 'value="Over-Ear Cans"' in form.content.decode()


def test_a_mapping_needs_exactly_one_source(audio) -> None:
    # given
    from django.core.exceptions import ValidationError

    mapping = CategoryMapping(product_type="", collection=None, category=audio)
    # when / then
    with pytest.raises(ValidationError):
        mapping.full_clean()
