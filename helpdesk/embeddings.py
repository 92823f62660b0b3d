"""FAQ embeddings: both languages of every FAQ question are encoded with the project's
encoder (`recos`) and kept in `recos.FAQEmbedding`; this module trains them and holds the
per-process FAQ matrix. The helpdesk depends on recos, never the other way round."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Max

from recos.encoders import Encoder, get_encoder
from recos.index import LexicalIndex, VersionedCache, vectors_from_bytes
from recos.language import stemmed_tokens
from recos.models import FAQEmbedding
from recos.texts import text_hash
from recos.training import PendingRow, TrainingSummary, embeddings_store

from .models import FAQ

LANGUAGES = ("en", "ar")


def faq_text(faq: FAQ, language: str) -> str:
    """What is embedded for one language of an FAQ: its question (answers are long and
    would pull unrelated questions towards them)."""
    return faq.question(language).strip()


def faq_embeddings_train(
    *,
    force: bool = False,
    batch_size: int = 64,
    encoder: Encoder | None = None,
    progress: Callable[[int], None] | None = None,
) -> TrainingSummary:
    """(Re)encode both languages of every FAQ whose embedding is missing, stale (text
    hash) or from another model; `force` re-encodes them all."""
    started = time.perf_counter()
    encoder = encoder or get_encoder()
    known = {
        (row[0], row[1]): (row[2], row[3])
        for row in FAQEmbedding.objects.values_list("faq_id", "language", "model_name", "text_hash")
    }
    pending: list[PendingRow] = []
    skipped = 0
    for faq in FAQ.objects.order_by("pk"):
        for language in LANGUAGES:
            text = faq_text(faq, language)
            digest = text_hash(text)
            if not force and known.get((faq.pk, language)) == (encoder.name, digest):
                skipped += 1
                continue
            pending.append(PendingRow({"faq_id": faq.pk, "language": language}, text, digest))
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
    faq_ids: np.ndarray  # int64, one row per (FAQ, language)
    languages: np.ndarray
    vectors: np.ndarray  # (n, d) float32, L2-normalised
    faq_order: np.ndarray  # int64 FAQ ids, the documents of `lexical`
    lexical: LexicalIndex  # BM25 over both languages' question and answer


def _faq_version(model_name: str) -> tuple:
    emb = FAQEmbedding.objects.filter(model_name=model_name).aggregate(
        n=Count("pk"), t=Max("updated_at")
    )
    faqs = FAQ.objects.aggregate(n=Count("pk"), t=Max("updated_at"))
    return (emb["n"], emb["t"], faqs["n"], faqs["t"])


def faq_matrix_load(model_name: str) -> FAQMatrix:
    rows = list(
        FAQEmbedding.objects.filter(model_name=model_name, faq__active=True)
        .order_by("faq_id", "language")
        .values_list("faq_id", "language", "vector")
    )
    faq_ids = sorted({r[0] for r in rows})
    texts = FAQ.objects.in_bulk(faq_ids)
    documents = [
        " ".join(
            (texts[pk].question_en, texts[pk].question_ar, texts[pk].answer_en, texts[pk].answer_ar)
        )
        for pk in faq_ids
    ]
    return FAQMatrix(
        model_name=model_name,
        faq_ids=np.array([r[0] for r in rows], dtype=np.int64),
        languages=np.array([r[1] for r in rows], dtype="<U2"),
        vectors=vectors_from_bytes([r[2] for r in rows]),
        faq_order=np.array(faq_ids, dtype=np.int64),
        lexical=LexicalIndex([], documents, tokenizer=stemmed_tokens),
    )


faq_matrix: VersionedCache[FAQMatrix] = VersionedCache(_faq_version, faq_matrix_load)
