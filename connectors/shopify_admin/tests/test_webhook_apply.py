"""What applying one `products/update` costs the worker, and that the cheaper path still
places, names and trains what it must: a price-only change queues no embedding training
and stays within a fixed number of queries whatever the catalog's size; a change of what
the embedding text is made of queues training for that product only; brands, categories
and mappings are read for the webhook's product alone and still follow Shopify and staff."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from brandkit.models import SpecDefinition, SpecType
from connectors.shopify_admin.models import CategoryMapping, Collection, WebhookEvent
from connectors.shopify_admin.product_sync import sync_products
from connectors.shopify_admin.webhook_inbox import webhook_event_process, webhook_event_store
from inventory.models import Product
from recos.tasks import train_product_embeddings_task
from tests.factories import BrandFactory, CategoryFactory

from .fake_admin import product_payload
from .fake_shopify import RestShop

pytestmark = pytest.mark.django_db

# BEGIN/COMMIT (savepoints under a test), the event locked and marked processed, the
# product's version moved on (one conditional UPDATE), its variant link, the product with
# its brand and category, the mappings, the unmapped-types clean-up and the one UPDATE of
# the product (17 before issue 16's bench: every brand and category, a savepoint, the ids
# to retrain).
PRICE_UPDATE_QUERIES = 10


@pytest.fixture
def queued(monkeypatch) -> list[dict[str, Any]]:
    """Embedding training tasks enqueued (recorded instead of run)."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        train_product_embeddings_task, "delay", lambda *a, **kw: calls.append({**kw})
    )
    return calls


def _store(payload: dict[str, Any]) -> WebhookEvent:
    event, _ = webhook_event_store(
        webhook_id=str(uuid.uuid4()),
        topic="products/update",
        shop_domain="shop.myshopify.com",
        triggered_at=None,
        payload=payload,
    )
    return event


def _process(event: WebhookEvent, django_capture_on_commit_callbacks) -> WebhookEvent:
    """Apply a stored delivery as the worker does, running what the commit triggers."""
    with django_capture_on_commit_callbacks(execute=True):
        webhook_event_process(event_id=event.pk)
    event.refresh_from_db()
    assert event.error == "" and event.processed_at is not None
    return event


def _apply(payload: dict[str, Any], django_capture_on_commit_callbacks) -> WebhookEvent:
    return _process(_store(payload), django_capture_on_commit_callbacks)


def _at(minute: int) -> str:
    return f"2026-11-01T10:{minute:02d}:00-05:00"


@pytest.fixture
def catalog(django_capture_on_commit_callbacks, queued) -> Product:
    """Product 1 applied once, in a taxonomy of 40 brands and 40 categories (none of which
    a price change should need to read); the training it queued is forgotten."""
    CategoryFactory(slug="phones", name_en="Phones")
    for _ in range(40):
        BrandFactory()
        CategoryFactory()
    _apply(
        product_payload(1, price="100.00", updated_at=_at(0)), django_capture_on_commit_callbacks
    )
    queued.clear()
    return Product.objects.get(shopify_variant_id=10)


def test_a_price_only_update_queues_no_training_and_writes_only_the_price(
    catalog, django_capture_on_commit_callbacks, queued
) -> None:
    # given
    event = _store(product_payload(1, price="89.00", updated_at=_at(1)))
    # when
    with CaptureQueriesContext(connection) as queries:
        _process(event, django_capture_on_commit_callbacks)
    # then
    product = Product.objects.get(pk=catalog.pk)
    assert product.price == Decimal("89.00") and product.updated_at > catalog.updated_at
    assert queued == []
    applied = [q["sql"] for q in queries.captured_queries][:-1]  # less refresh_from_db
    assert len(applied) <= PRICE_UPDATE_QUERIES, "\n".join(applied)
    [update] = [sql for sql in applied if re.match(r'UPDATE [`"]inventory_product[`"]', sql)]
    assert "price" in update and "name_en" not in update and "stock" not in update


def test_an_unchanged_redelivery_of_the_state_writes_no_product(
    catalog, django_capture_on_commit_callbacks, queued
) -> None:
    # given: Shopify sends the same state again under a new webhook id
    payload = product_payload(1, price="100.00", updated_at=_at(0))
    # when
    event = _apply(payload, django_capture_on_commit_callbacks)
    # then
    assert "unchanged 1" in event.outcome
    assert Product.objects.get(pk=catalog.pk).updated_at == catalog.updated_at
    assert queued == []


def test_a_title_change_queues_training_for_that_product(
    catalog, django_capture_on_commit_callbacks, queued
) -> None:
    # given
    payload = product_payload(1, price="100.00", updated_at=_at(1), title="Phone One Pro")
    # when
    _apply(payload, django_capture_on_commit_callbacks)
    # then
    assert Product.objects.get(pk=catalog.pk).name_en == "Phone One Pro"
    assert queued == [{"product_ids": [catalog.pk]}]


def test_a_created_product_queues_training_for_it(
    catalog, django_capture_on_commit_callbacks, queued
) -> None:
    # when
    _apply(product_payload(2, updated_at=_at(1)), django_capture_on_commit_callbacks)
    # then
    created = Product.objects.get(shopify_variant_id=20)
    assert queued == [{"product_ids": [created.pk]}]


def test_a_new_vendor_and_type_move_the_product_to_that_brand_and_category(
    catalog, django_capture_on_commit_callbacks, queued
) -> None:
    # given: the brand exists already, the type names an existing category
    volt = BrandFactory(slug="volt", name_en="Volt")
    laptops = CategoryFactory(slug="laptops", name_en="Laptops")
    payload = {
        **product_payload(1, updated_at=_at(1)),
        "vendor": "Volt",
        "product_type": "Laptops",
    }
    # when
    _apply(payload, django_capture_on_commit_callbacks)
    # then
    product = Product.objects.get(pk=catalog.pk)
    assert (product.brand, product.category) == (volt, laptops)
    assert queued == [{"product_ids": [catalog.pk]}]


def test_a_type_mapped_after_the_product_arrived_moves_it_on_its_next_price_change(
    catalog, django_capture_on_commit_callbacks
) -> None:
    # given: staff map "Phones" elsewhere after the product landed in "phones"
    mobiles = CategoryFactory(slug="mobiles", name_en="Mobiles")
    CategoryMapping.objects.create(product_type="phones", category=mobiles)
    # when
    _apply(product_payload(1, price="95.00", updated_at=_at(1)), django_capture_on_commit_callbacks)
    # then
    assert Product.objects.get(pk=catalog.pk).category == mobiles


def test_a_webhook_places_the_product_by_the_first_mapped_collection_holding_it(
    catalog, django_capture_on_commit_callbacks
) -> None:
    # given: three mapped collections; the first by priority does not hold product 1
    audio, deals, featured = (CategoryFactory(slug=s) for s in ("audio", "deals", "featured"))
    collections = [
        Collection.objects.create(shopify_collection_id=n, title=f"C{n}", product_ids=ids)
        for n, ids in ((1, [2, 3]), (2, [5, 1, 9]), (3, [1]))
    ]
    for priority, collection, category in zip(
        (1, 5, 9), collections, (audio, deals, featured), strict=True
    ):
        CategoryMapping.objects.create(collection=collection, category=category, priority=priority)
    # when
    _apply(product_payload(1, price="95.00", updated_at=_at(1)), django_capture_on_commit_callbacks)
    # then
    assert Product.objects.get(pk=catalog.pk).category == deals


def test_several_valid_spec_tags_are_all_kept(catalog, django_capture_on_commit_callbacks) -> None:
    # given
    for key, high in (("ram_gb", 64), ("storage_gb", 2048)):
        SpecDefinition.objects.create(
            key=key,
            label_en=key,
            label_ar=key,
            unit="GB",
            value_type=SpecType.INTEGER,
            categories=["phones"],
            min_value=1,
            max_value=high,
        )
    payload = {**product_payload(1, updated_at=_at(1)), "tags": "ram_gb:8, storage_gb:256, sale"}
    # when
    _apply(payload, django_capture_on_commit_callbacks)
    # then
    assert Product.objects.get(pk=catalog.pk).specs == {"ram_gb": 8, "storage_gb": 256}


def test_a_sync_that_changes_only_prices_queues_no_training(
    httpserver, fake_admin, catalog, queued
) -> None:
    # given
    RestShop(httpserver, [[product_payload(1, price="79.00", updated_at=_at(2))]])
    # when
    result = sync_products(full=True, api="rest")
    # then
    assert result.updated == 1 and queued == []


def test_a_sync_that_renames_a_product_queues_training(
    httpserver, fake_admin, catalog, queued
) -> None:
    # given
    RestShop(httpserver, [[product_payload(1, title="Phone Renamed", updated_at=_at(2))]])
    # when
    sync_products(full=True, api="rest")
    # then: the incremental training of every product (it compares text hashes)
    assert queued == [{"product_ids": None}]
