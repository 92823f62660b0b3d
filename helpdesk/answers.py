"""FAQ answers from the embedding index, in the customer's language."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.conf import settings

from recos.encoders import get_encoder
from recos.language import query_normalise, stemmed_tokens
from recos.search import distance_threshold

from .embeddings import faq_matrix
from .models import FAQ

# Weight of the BM25 score added to the cosine similarity for Arabic questions. Customers
# write dialect the encoder knows less well; shared (stemmed) words with the FAQ's
# question or answer settle it. English questions are better served by the encoder alone
# (measured with `manage.py eval_search`).
LEXICAL_WEIGHT = {"ar": 0.1, "en": 0.0}


@dataclass(frozen=True)
class FAQHit:
    faq: FAQ
    distance: float
    question: str
    answer: str


def faq_answer(question: str, language: str = "en", k: int | None = None) -> list[FAQHit]:
    """The FAQs closest to the customer's question, answered in `language`.

    Both languages of each FAQ are indexed and an FAQ counts once, by its closer
    language; only FAQs within the language's cosine-distance threshold are answered
    (the lexical leg re-ranks, it never admits an FAQ the encoder finds too far)."""
    k = k or settings.FAQ_TOPK
    question = question.strip()
    if not question:
        return []
    encoder = get_encoder()
    matrix = faq_matrix.get(encoder.name)
    if not len(matrix.faq_ids):
        return []
    normalised = query_normalise(question, language)
    similarities = matrix.vectors @ encoder.encode([normalised])[0]
    best: dict[int, float] = {}
    for position in np.argsort(-similarities):
        best.setdefault(int(matrix.faq_ids[position]), float(similarities[position]))
    threshold = distance_threshold(language)
    scores = {faq_id: sim for faq_id, sim in best.items() if 1.0 - sim <= threshold}
    weight = LEXICAL_WEIGHT.get(language, 0.0)
    if weight and scores:
        for position, bm25 in matrix.lexical.scores(
            stemmed_tokens(normalised), len(matrix.faq_order)
        ):
            faq_id = int(matrix.faq_order[position])
            if faq_id in scores:
                scores[faq_id] += weight * bm25
    ranked = sorted(scores, key=lambda faq_id: -scores[faq_id])[:k]
    faqs = FAQ.objects.filter(pk__in=ranked, active=True).in_bulk()
    return [
        FAQHit(
            faqs[faq_id],
            1.0 - best[faq_id],
            faqs[faq_id].question(language),
            faqs[faq_id].answer(language),
        )
        for faq_id in ranked
        if faq_id in faqs
    ]
