"""Incremental training: encode only rows that are new, changed (text hash) or made by
another model, in batches, and write them back in bulk. The FAQ side (helpdesk) reuses
`embeddings_store` with its own rows."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from brandkit.specs import spec_definitions_all
from inventory.models import Product

from .encoders import Encoder, get_encoder
from .models import ProductEmbedding
from .texts import product_text, text_hash

WRITE_BATCH = 500


@dataclass(frozen=True)
class TrainingSummary:
    encoded: int
    skipped: int
    seconds: float
    model_name: str

    @property
    def rate(self) -> float:
        return self.encoded / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        return (
            f"encoded {self.encoded}, skipped {self.skipped} in {self.seconds:.1f}s "
            f"({self.rate:.0f}/s, model {self.model_name})"
        )


@dataclass(frozen=True)
class PendingRow:
    """One row to (re)encode: the lookup that identifies its embedding, and its text."""

    key: dict[str, Any]
    text: str
    digest: str


def embeddings_store(
    *,
    model: type[models.Model],
    pending: Sequence[PendingRow],
    encoder: Encoder,
    batch_size: int,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Encode `pending` in chunks and replace their embedding rows in bulk (one delete and
    one bulk insert per chunk, in a transaction, so a reader never sees half a chunk)."""
    chunk_size = max(batch_size, WRITE_BATCH)
    for start in range(0, len(pending), chunk_size):
        chunk = pending[start : start + chunk_size]
        vectors = encoder.encode([row.text for row in chunk], batch_size=batch_size)
        rows = [
            model(
                **row.key,
                vector=vector.astype("<f4").tobytes(),
                model_name=encoder.name,
                dim=encoder.dim,
                text_hash=row.digest,
            )
            for row, vector in zip(chunk, vectors, strict=True)
        ]
        stale = models.Q()
        for row in chunk:
            stale |= models.Q(**row.key)
        with transaction.atomic():
            model.objects.filter(stale).delete()
            model.objects.bulk_create(rows, batch_size=WRITE_BATCH)
        if progress:
            progress(len(chunk))


def embeddings_train_products(
    *,
    force: bool = False,
    batch_size: int = 64,
    product_ids: Iterable[int] | None = None,
    encoder: Encoder | None = None,
    progress: Callable[[int], None] | None = None,
) -> TrainingSummary:
    """(Re)encode products whose embedding is missing, stale (text hash) or from another
    model; `force` re-encodes them all. Idempotent: a second run encodes nothing."""
    started = time.perf_counter()
    encoder = encoder or get_encoder()
    products = Product.objects.select_related("brand", "category__parent").order_by("pk")
    existing = ProductEmbedding.objects.all()
    if product_ids is not None:
        ids = list(product_ids)
        products = products.filter(pk__in=ids)
        existing = existing.filter(product_id__in=ids)
    known = {
        row[0]: (row[1], row[2])
        for row in existing.values_list("product_id", "model_name", "text_hash")
    }
    definitions = spec_definitions_all()
    pending: list[PendingRow] = []
    skipped = 0
    for product in products.iterator(chunk_size=2000):
        text = product_text(product, definitions)
        digest = text_hash(text)
        if not force and known.get(product.pk) == (encoder.name, digest):
            skipped += 1
            continue
        pending.append(PendingRow({"product_id": product.pk}, text, digest))
    embeddings_store(
        model=ProductEmbedding,
        pending=pending,
        encoder=encoder,
        batch_size=batch_size,
        progress=progress,
    )
    return TrainingSummary(len(pending), skipped, time.perf_counter() - started, encoder.name)
