"""A large (approximate) snapshot keeps each category's rows in one contiguous range, so a
category filter checks a slice of the columns; the mask it gives, and the ranking, are the
ones a scan of every row gives, also after a product changes category or is added."""

from __future__ import annotations

from decimal import Decimal

import faiss
import numpy as np
import pytest

from inventory.models import Category
from recos import index
from recos.encoders import get_encoder
from recos.search import SearchFilters, filters_mask, recommend
from recos.training import embeddings_train_products
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def new_phone(catalog, sku: str, price: str = "499.00"):
    """A phone created after every other product: the highest id, the first category."""
    galaxy = catalog["galaxy"]
    return ProductFactory(
        sku=sku,
        brand=galaxy.brand,
        category=galaxy.category,
        name_en=f"Galaxy A55 {sku}",
        name_ar="سامسونج جالكسي A55",
        description_en="Android phone with a long battery life.",
        description_ar="هاتف أندرويد ببطارية طويلة.",
        price=Decimal(price),
    )


@pytest.fixture
def approximate(catalog, settings):
    """The catalog plus a late phone, indexed by the approximate (grouped) snapshot."""
    new_phone(catalog, "SAM-A55-128")
    embeddings_train_products()
    settings.RECOS_ANN_MIN_PRODUCTS = 1
    index.index_invalidate()
    index.products.get(get_encoder().name)
    return catalog


def matrix() -> index.ProductMatrix:
    return index.products.get(get_encoder().name)


def scanned(m: index.ProductMatrix, slug: str, **limits) -> np.ndarray:
    """The mask of a category filter computed over every row."""
    category_id = Category.objects.get(slug=slug).pk
    mask = m.active & ((m.category == category_id) | (m.parent_category == category_id))
    if limits.get("in_stock"):
        mask &= m.in_stock
    if "price_max" in limits:
        mask &= m.price <= float(limits["price_max"])
    return mask


def test_an_approximate_snapshot_keeps_each_category_in_one_range(approximate):
    # when
    m = matrix()

    # then: the late phone sits with the phones, not after the TV
    assert index.products._live.base.kind == "ivf-sq8"
    order = [int(pid) for pid in m.ids]
    assert order.index(Category.objects.get(slug="android-phones").products.last().pk) < 3
    for category_id in {int(c) for c in m.category} | {int(c) for c in m.parent_category}:
        if category_id < 0:
            continue
        group = m.lookup.group(category_id)
        members = np.flatnonzero((m.category == category_id) | (m.parent_category == category_id))
        assert isinstance(group, slice)
        assert list(range(len(m.ids))[group]) == members.tolist()
    for product_id in order:
        assert m.ids[m.position(product_id)] == product_id


def test_an_exact_snapshot_keeps_product_id_order(catalog):
    # given
    new_phone(catalog, "SAM-A55-128")
    embeddings_train_products()

    # when
    m = matrix()

    # then
    assert index.products._live.base.kind == "flat"
    assert m.ids.tolist() == sorted(m.ids.tolist())


@pytest.mark.parametrize("slug", ["phones", "android-phones", "wireless-earbuds", "laptops"])
def test_a_category_filter_allows_what_a_scan_of_every_row_allows(approximate, slug):
    # given
    m = matrix()

    # when
    mask = filters_mask(m, SearchFilters(category_slug=slug, in_stock=True, price_max=1000))

    # then
    assert mask.tolist() == scanned(m, slug, in_stock=True, price_max=1000).tolist()
    assert mask.any()


def test_a_product_moved_to_another_category_leaves_and_joins_the_filters(approximate):
    # given: the snapshot has the laptop under laptops
    laptop = approximate["laptop"]
    build = index.products._live.build_id
    tvs = approximate["tv"].category

    # when
    laptop.category = tvs
    laptop.save()
    m = matrix()

    # then: without a rebuild, the laptop (its snapshot row) is a TV for the filters
    assert index.products._live.build_id == build
    assert m.moved.tolist() == [m.position(laptop.pk)] and m.position(laptop.pk) < m.n_base
    tv_mask = filters_mask(m, SearchFilters(category_slug="tvs"))
    assert tv_mask[m.position(laptop.pk)]
    assert not filters_mask(m, SearchFilters(category_slug="laptops"))[m.position(laptop.pk)]
    for slug in ("tvs", "laptops", "phones"):
        assert filters_mask(m, SearchFilters(category_slug=slug)).tolist() == (
            scanned(m, slug).tolist()
        )


def test_a_new_product_in_the_overlay_is_in_its_category_filter(approximate):
    # given
    build = index.products._live.build_id
    late = new_phone(approximate, "SAM-A35-256", price="349.00")

    # when
    embeddings_train_products(product_ids=[late.pk])
    m = matrix()

    # then
    assert index.products._live.build_id == build
    assert m.position(late.pk) >= m.n_base  # in the overlay
    phones = SearchFilters(category_slug="phones", price_max=Decimal("400"))
    assert filters_mask(m, phones).tolist() == scanned(m, "phones", price_max=400).tolist()
    assert "SAM-A35-256" in [hit.product.sku for hit in recommend("android phone", filters=phones)]


def test_the_approximate_index_filters_by_category_like_the_exact_one(catalog, settings):
    # given
    new_phone(catalog, "SAM-A55-128")
    embeddings_train_products()
    asks = [
        ("android phone", SearchFilters(category_slug="phones")),
        ("phone with a big battery", SearchFilters(category_slug="phones", price_max=500)),
        ("wireless earbuds", SearchFilters(category_slug="wireless-earbuds", in_stock=True)),
        ("something for gaming", SearchFilters(category_slug="laptops")),
    ]
    exact = [[h.product.sku for h in recommend(q, "en", filters=f)] for q, f in asks]

    # when
    settings.RECOS_ANN_MIN_PRODUCTS = 1
    index.index_invalidate()
    approximate = [[h.product.sku for h in recommend(q, "en", filters=f)] for q, f in asks]

    # then
    assert index.products._live.base.kind == "ivf-sq8"
    assert approximate == exact
    assert all(exact)


def test_the_mapped_lists_start_no_prefetch_threads_per_search(approximate):
    # when
    base = matrix().base

    # then: the lists are mapped from the page cache; faiss's per-search prefetch
    # threads (32 by default) only cost time
    lists = faiss.downcast_InvertedLists(base.ivf.invlists)
    assert isinstance(lists, faiss.OnDiskInvertedLists)
    assert lists.prefetch_nthread == 0
