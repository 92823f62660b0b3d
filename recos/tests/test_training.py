from __future__ import annotations

import pytest

from recos.encoders import get_encoder
from recos.models import ProductEmbedding
from recos.signals import pending_product_ids
from recos.tasks import train_product_embeddings_task
from recos.training import embeddings_train_products

pytestmark = pytest.mark.django_db


def test_first_training_encodes_every_product_with_model_dim_and_hash(catalog):
    # when
    summary = embeddings_train_products()

    # then
    assert summary.encoded == len(catalog) and summary.skipped == 0
    row = ProductEmbedding.objects.get(product=catalog["galaxy"])
    assert row.model_name == "use-multilingual-v3" and row.dim == 512
    assert len(bytes(row.vector)) == 512 * 4 and len(row.text_hash) == 64


def test_second_training_encodes_nothing(catalog):
    # given
    embeddings_train_products()

    # when
    summary = embeddings_train_products()

    # then
    assert summary.encoded == 0 and summary.skipped == len(catalog)


def test_editing_a_product_reencodes_only_that_product(catalog):
    # given
    embeddings_train_products()
    before = bytes(ProductEmbedding.objects.get(product=catalog["redmi"]).vector)
    catalog["redmi"].description_en = "Budget Android phone with a 5000 mAh battery."
    catalog["redmi"].save()

    # when
    summary = embeddings_train_products()

    # then
    assert summary.encoded == 1 and summary.skipped == len(catalog) - 1
    assert bytes(ProductEmbedding.objects.get(product=catalog["redmi"]).vector) != before


def test_force_reencodes_everything(catalog):
    # given
    embeddings_train_products()

    # when
    summary = embeddings_train_products(force=True, batch_size=2)

    # then
    assert summary.encoded == len(catalog)


@pytest.mark.slow
def test_a_model_change_forces_retraining(catalog, minilm_path):
    # given
    embeddings_train_products()

    # when
    summary = embeddings_train_products(encoder=get_encoder(minilm_path))

    # then
    assert summary.encoded == len(catalog)
    assert set(ProductEmbedding.objects.values_list("model_name", "dim")) == {(minilm_path, 384)}


def test_progress_is_reported_per_written_chunk(catalog):
    # given
    seen: list[int] = []

    # when
    embeddings_train_products(progress=seen.append)

    # then
    assert sum(seen) == len(catalog)


def test_summary_line_states_encoded_skipped_seconds_and_rate(catalog):
    line = embeddings_train_products().line()

    assert f"encoded {len(catalog)}, skipped 0 in" in line and "/s" in line


def test_training_task_encodes_only_the_given_products(catalog):
    # when
    encoded = train_product_embeddings_task([catalog["tv"].pk])

    # then
    assert encoded == 1
    assert list(ProductEmbedding.objects.values_list("product_id", flat=True)) == [catalog["tv"].pk]


def test_saving_a_product_queues_its_retraining_after_commit(
    catalog, django_capture_on_commit_callbacks
):
    # given
    embeddings_train_products()
    old_hash = ProductEmbedding.objects.get(product=catalog["tv"]).text_hash

    # when
    with django_capture_on_commit_callbacks(execute=True):
        catalog["tv"].name_en = "Sony Bravia 65 inch 4K Smart TV"
        catalog["tv"].save()

    # then
    assert ProductEmbedding.objects.get(product=catalog["tv"]).text_hash != old_hash


def test_saves_in_one_transaction_queue_one_retraining_for_all_of_them(
    catalog, django_capture_on_commit_callbacks, monkeypatch
):
    # given: the fixture's saves never commit inside the test transaction
    pending_product_ids().clear()
    queued: list = []
    monkeypatch.setattr(train_product_embeddings_task, "delay", lambda *a: queued.append(a))

    # when
    with django_capture_on_commit_callbacks(execute=True):
        catalog["tv"].save()
        catalog["galaxy"].save()

    # then
    assert queued == [([catalog["galaxy"].pk, catalog["tv"].pk],)]


def test_a_rolled_back_edit_does_not_stop_later_edits_from_queueing(
    catalog, django_capture_on_commit_callbacks, monkeypatch
):
    # given
    from django.db import transaction

    queued: list = []
    monkeypatch.setattr(train_product_embeddings_task, "delay", lambda *a: queued.append(a))
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                catalog["tv"].save()
                raise RuntimeError("admin form failed")
        except RuntimeError:
            pass

    # when
    with django_capture_on_commit_callbacks(execute=True):
        catalog["galaxy"].save()

    # then: one task, and it carries the later edit
    assert len(queued) == 1 and catalog["galaxy"].pk in queued[0][0]
