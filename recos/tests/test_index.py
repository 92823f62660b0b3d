"""The product index follows the catalog by deltas: a price, stock or activity change and
a new product reach search without reloading the index; only a model change, a deleted
product (the safety net) or an overlay past its share rebuilds it."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from django.db import connection

from inventory.services import stock_take
from recos import index, index_store
from recos.encoders import get_encoder
from recos.search import SearchFilters, filters_mask, recommend
from recos.training import embeddings_train_products
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def trained(catalog):
    embeddings_train_products()
    index.products.get(get_encoder().name)
    return catalog


def live() -> index._Live:
    return index.products._live


def skus(hits) -> list[str]:
    return [hit.product.sku for hit in hits]


def column(name: str, product) -> object:
    matrix = index.products.get(get_encoder().name)
    return getattr(matrix, name)[matrix.position(product.pk)]


def test_a_price_change_reaches_the_budget_filter_without_a_reload(trained):
    # given
    before, build = live(), live().build_id
    under_300 = SearchFilters(price_max=Decimal("300"))
    assert skus(recommend("android phone", "en", filters=under_300)) == ["XIA-RN13-128"]
    galaxy = trained["galaxy"]

    # when
    galaxy.price = Decimal("249.00")
    galaxy.save()

    # then
    assert set(skus(recommend("android phone", "en", filters=under_300))) == {
        "XIA-RN13-128",
        "SAM-S24-256",
    }
    assert live() is before and live().build_id == build
    assert not live().overlay_ids  # the text did not change: no new vector
    assert column("price", galaxy) == 249.0


def test_a_stock_take_updates_the_in_stock_column(trained):
    # given
    redmi = trained["redmi"]
    assert column("in_stock", redmi)

    # when
    stock_take(lines=[(redmi.pk, 10)])

    # then
    assert not column("in_stock", redmi)
    hits = recommend("android phone", "en", filters=SearchFilters(in_stock=True))
    assert "XIA-RN13-128" not in skus(hits)


def test_a_deactivated_product_leaves_the_bitmap(trained):
    # given
    tv = trained["tv"]
    build = live().build_id

    # when
    tv.active = False
    tv.save()

    # then
    matrix = index.products.get(get_encoder().name)
    assert not filters_mask(matrix, SearchFilters())[matrix.position(tv.pk)]
    assert "SON-BRAVIA-55" not in skus(recommend("4k television", "en"))
    assert live().build_id == build


def test_a_new_product_is_searchable_from_the_overlay(trained):
    # given
    build = live().build_id
    laptops = trained["laptop"].category
    new = ProductFactory(
        sku="ASU-ROG-G16",
        brand=trained["laptop"].brand,
        category=laptops,
        name_en="ASUS ROG Strix G16 Gaming Laptop RTX 4060",
        name_ar="لابتوب ألعاب أسus روج G16",
        description_en="Gaming laptop with RTX 4060 graphics.",
        description_ar="لابتوب ألعاب.",
        price=Decimal("1299.00"),
    )

    # when
    embeddings_train_products(product_ids=[new.pk])

    # then
    assert "ASU-ROG-G16" in skus(recommend("gaming laptop", "en"))
    assert skus(recommend("ASU-ROG-G16", "en"))[0] == "ASU-ROG-G16"  # the overlay's SKU map
    assert list(live().overlay_ids) == [new.pk] and live().build_id == build


def test_a_reencoded_product_replaces_its_snapshot_row(trained):
    # given
    tv = trained["tv"]
    old_position = live().position(tv.pk)

    # when
    tv.name_en, tv.name_ar = "Sony LinkBuds Wireless Earbuds", "سماعات سوني لينك بودز"
    tv.description_en = "Wireless earbuds."
    tv.save()
    embeddings_train_products()

    # then
    matrix = index.products.get(get_encoder().name)
    assert matrix.position(tv.pk) >= matrix.n_base  # in the overlay now
    assert not matrix.active[old_position]  # the snapshot's row is tombstoned
    hits = recommend("wireless earbuds", "en")
    assert skus(hits).count("SON-BRAVIA-55") == 1


def test_a_deleted_product_makes_the_safety_net_rebuild(trained):
    # given
    build = live().build_id
    tv = trained["tv"]
    tv_id = tv.pk

    # when
    tv.delete()
    index.products.get(get_encoder().name)

    # then
    assert live().build_id != build
    assert tv_id not in live().base_ids


def test_a_big_overlay_is_folded_into_a_new_snapshot(trained, settings, monkeypatch):
    # given
    settings.RECOS_INDEX_REBUILD_SHARE = 0.1
    monkeypatch.setattr(index, "REBUILD_MIN_OVERLAY", 0)
    build = live().build_id

    tv = trained["tv"]

    # when
    tv.name_en = "Sony Bravia 65 inch 4K Smart TV"
    tv.save()
    embeddings_train_products(product_ids=[tv.pk])  # 1 of 6 products: past 10%
    index.products.get(get_encoder().name)

    # then
    assert live().build_id != build and not live().overlay_ids
    assert skus(recommend("4k television", "en"))[0] == "SON-BRAVIA-55"


def test_another_process_maps_the_same_snapshot_instead_of_building(trained):
    # given
    build = live().build_id
    other = index.ProductIndex()  # a second process of the machine

    # when
    matrix = other.get(get_encoder().name)

    # then
    assert other._live.build_id == build
    assert isinstance(matrix.base.vectors, np.memmap)
    assert sorted(matrix.ids.tolist()) == sorted(live().base_ids.tolist())


def test_a_snapshot_written_by_training_is_swapped_in_on_the_next_poll(trained):
    # given
    before = live()

    # when
    build = index.index_rebuild(get_encoder().name)
    index.products.get(get_encoder().name)

    # then
    assert live() is not before and live().build_id == build


def test_a_model_change_loads_that_models_index(trained, minilm_path):
    # given
    default = get_encoder().name
    other = get_encoder(minilm_path)
    embeddings_train_products(encoder=other)

    # when
    matrix = index.products.get(other.name)

    # then
    assert matrix.model_name == other.name
    assert matrix.base.vectors.shape == (6, 384)
    assert index_store.current_build(other.name) != index_store.current_build(default)


def test_the_approximate_index_ranks_like_the_exact_one(trained, settings):
    # given
    queries = ["wireless earbuds", "android phone", "gaming laptop", "سماعات"]
    exact = [skus(recommend(q, "en")) for q in queries]

    # when
    settings.RECOS_ANN_MIN_PRODUCTS = 1
    index.index_invalidate()
    approximate = [skus(recommend(q, "en")) for q in queries]

    # then
    assert live().base.kind == "ivf-sq8"
    assert approximate == exact


def test_catching_up_on_a_fresh_snapshot_skips_the_rows_it_holds(trained):
    # given: every product and embedding was written within the re-read margin
    build = index.index_rebuild(get_encoder().name)

    # when
    fresh = index._Live(index_store.snapshot_load(get_encoder().name))

    # then
    assert fresh.build_id == build
    assert fresh.apply_deltas() is False
    assert not fresh.overlay_ids


def test_processes_starting_together_build_one_snapshot(catalog):
    # given
    embeddings_train_products()
    model = get_encoder().name

    # when: the second waited on the build lock while the first built
    first = index_store.snapshot_build(model, if_missing=True)
    second = index_store.snapshot_build(model, if_missing=True)

    # then
    assert second == first


def test_an_unreadable_snapshot_is_rebuilt(trained):
    # given
    model = get_encoder().name
    build = live().build_id
    (index_store._model_dir(model) / build / "dense.faiss").write_bytes(b"garbage")
    index.products.invalidate()

    # when
    matrix = index.products.get(model)

    # then
    assert live().build_id != build
    assert len(matrix.ids) == 6


def test_a_process_changes_its_mapped_columns_copy_on_write(trained):
    # given
    galaxy = trained["galaxy"]
    position = live().position(galaxy.pk)
    model = get_encoder().name
    stored = index_store._model_dir(model) / live().build_id / "columns" / "price.npy"

    # when
    galaxy.price = Decimal("249.00")
    galaxy.save()
    index.products.get(model)

    # then: this process sees the new price; the machine's file (other processes) does not
    assert isinstance(live().columns["price"], np.memmap)
    assert live().columns["price"][position] == 249.0
    assert np.load(stored)[position] == 799.0


def test_snapshot_words_are_looked_up_through_mapped_hashes(trained):
    # given
    lexical = live().base_lexical

    # when
    hits = recommend("xiaomi redmi", "en")

    # then
    assert isinstance(lexical._vocab_keys, np.memmap)
    assert not getattr(lexical._bm25, "vocab_dict", None)  # no per-process dictionary
    assert skus(hits)[0] == "XIA-RN13-128"


def test_two_databases_on_one_machine_keep_their_own_snapshots(trained, monkeypatch):
    # given: this database's snapshot
    model = get_encoder().name
    live()
    ours = index_store._model_dir(model)
    assert (ours / "CURRENT").exists()

    # when: a process of another database (same engine, same index folder) looks for one
    monkeypatch.setitem(connection.settings_dict, "NAME", "another_shop")
    theirs = index_store._model_dir(model)

    # then: it finds none of ours, and forgetting its snapshots leaves ours alone
    assert theirs != ours and not (theirs / "CURRENT").exists()
    assert index_store.current_build(model) is None
    index_store.snapshots_forget()
    monkeypatch.undo()
    assert (ours / "CURRENT").exists()
