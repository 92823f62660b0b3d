"""FAQ embeddings: every wording of every FAQ (its question in both languages and its
paraphrase variants) is encoded with the project's encoder (`recos`) and kept in
`recos.FAQEmbedding`; this module trains them and holds the per-process FAQ matrix.
The helpdesk depends on recos, never the other way round."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Max

from recos.encoders import Encoder, get_encoder
from recos.index import VersionedCache, vectors_from_bytes
from recos.kernel_ridge import KernelRidge, kernel_ridge_fit
from recos.models import FAQEmbedding
from recos.texts import text_hash
from recos.training import PendingRow, TrainingSummary, embeddings_store

from .models import FAQ, FAQVariant

LANGUAGES = ("en", "ar")


def faq_wordings(faq: FAQ) -> list[tuple[str, str, str]]:
    """Every wording of an FAQ that is embedded, as (language, text_key, text): its
    question in both languages and each paraphrase variant. Answers are not embedded
    (long, they would pull unrelated questions towards them)."""
    wordings = [(language, "question", faq.question(language).strip()) for language in LANGUAGES]
    wordings += [(v.language, f"v{v.pk}", v.text.strip()) for v in faq.variants.all()]
    return [w for w in wordings if w[2]]


def faq_embeddings_train(
    *,
    force: bool = False,
    batch_size: int = 64,
    encoder: Encoder | None = None,
    progress: Callable[[int], None] | None = None,
) -> TrainingSummary:
    """(Re)encode every wording of every FAQ whose embedding is missing, stale (text
    hash) or from another model, and drop the rows of wordings that no longer exist;
    `force` re-encodes them all."""
    started = time.perf_counter()
    encoder = encoder or get_encoder()
    known = {
        (row[0], row[1], row[2]): (row[3], row[4], row[5])
        for row in FAQEmbedding.objects.values_list(
            "faq_id", "language", "text_key", "model_name", "text_hash", "pk"
        )
    }
    pending: list[PendingRow] = []
    skipped = 0
    current: set[tuple[int, str, str]] = set()
    for faq in FAQ.objects.prefetch_related("variants").order_by("pk"):
        for language, key, text in faq_wordings(faq):
            current.add((faq.pk, language, key))
            digest = text_hash(text)
            stored = known.get((faq.pk, language, key))
            if not force and stored is not None and stored[:2] == (encoder.name, digest):
                skipped += 1
                continue
            pending.append(
                PendingRow({"faq_id": faq.pk, "language": language, "text_key": key}, text, digest)
            )
    gone = [pk for wording, (_m, _h, pk) in known.items() if wording not in current]
    if gone:
        FAQEmbedding.objects.filter(pk__in=gone).delete()
    embeddings_store(
        model=FAQEmbedding,
        pending=pending,
        encoder=encoder,
        batch_size=batch_size,
        progress=progress,
    )
    return TrainingSummary(len(pending), skipped, time.perf_counter() - started, encoder.name)


@dataclass
class FAQMatrix:
    model_name: str
    faq_ids: np.ndarray  # int64, one row per embedded wording
    languages: np.ndarray
    wordings: list[str]  # the text of each row
    vectors: np.ndarray  # (n, d) float32, L2-normalised
    ridge: KernelRidge | None  # every wording → its FAQ (None: no FAQ to tell apart)


def _faq_version(model_name: str) -> tuple:
    emb = FAQEmbedding.objects.filter(model_name=model_name).aggregate(
        n=Count("pk"), t=Max("updated_at")
    )
    faqs = FAQ.objects.aggregate(n=Count("pk"), t=Max("updated_at"))
    variants = FAQVariant.objects.aggregate(n=Count("pk"), t=Max("updated_at"))
    return (emb["n"], emb["t"], faqs["n"], faqs["t"], variants["n"], variants["t"])


def faq_matrix_load(model_name: str) -> FAQMatrix:
    rows = list(
        FAQEmbedding.objects.filter(model_name=model_name, faq__active=True)
        .order_by("faq_id", "language", "text_key")
        .values_list("faq_id", "language", "vector", "text_key")
    )
    faq_ids = sorted({r[0] for r in rows})
    faqs = FAQ.objects.prefetch_related("variants").in_bulk(faq_ids)
    texts = {
        (pk, language, key): text
        for pk in faq_ids
        for language, key, text in faq_wordings(faqs[pk])
    }
    wordings = [texts.get((r[0], r[1], r[3]), "") for r in rows]
    vectors = vectors_from_bytes([r[2] for r in rows])
    labels = [r[0] for r in rows]
    return FAQMatrix(
        model_name=model_name,
        faq_ids=np.array(labels, dtype=np.int64),
        languages=np.array([r[1] for r in rows], dtype="<U2"),
        wordings=wordings,
        vectors=vectors,
        ridge=kernel_ridge_fit(vectors, wordings, labels) if len(faq_ids) > 1 else None,
    )


faq_matrix: VersionedCache[FAQMatrix] = VersionedCache(_faq_version, faq_matrix_load)
