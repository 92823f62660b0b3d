"""FAQ answers from the embedding index, in the customer's language, and the policy that
decides whether the shop answers at all (`faq_match`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.conf import settings

from brandkit.models import Brand
from inventory.models import Category
from recos.encoders import get_encoder
from recos.index import VersionedCache
from recos.language import content_stems, encoder_text, stemmed_tokens

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
    wording: str = ""  # the FAQ's wording closest to the customer's (question or variant)


def faq_threshold(language: str) -> float:
    """The largest cosine distance at which an FAQ answers a question in `language`."""
    return settings.FAQ_DIST_REF_AR if language == "ar" else settings.FAQ_DIST_REF_EN


# Answering instead of what the classifier was sure the customer wants done ("where is my
# order?" is the customer's orders, "how can I track an order?" the FAQ) takes a closer
# FAQ than answering a question.
OVERRIDE_FACTOR = 0.7
# Beyond this share of the threshold an answer also needs a topic word in common.
AGREEMENT_FACTOR = 0.6
# When the intent classifier is sure an Arabic message asks about the shop, that is a
# second, independent reading: the FAQ may be this much further and needs no word in
# common (dialect rarely shares a stem with the FAQ's wording: "كاش عند الباب؟"). English
# is served by the encoder and the topic-word check alone (measured: the relaxation there
# answered more questions with the wrong FAQ).
ASKED_FACTOR = {"ar": 1.15}


def _vocabulary_version(_key: str) -> tuple:
    return (
        Category.objects.count(),
        Category.objects.order_by("-pk").values_list("pk", flat=True).first(),
        Brand.objects.count(),
        Brand.objects.order_by("-pk").values_list("pk", flat=True).first(),
    )


def _vocabulary_load(_key: str) -> frozenset[str]:
    names = [*Category.objects.values_list("name_en", "name_ar")]
    names += [*Brand.objects.values_list("name_en", "name_ar")]
    return frozenset(stem for pair in names for name in pair for stem in content_stems(name or ""))


# The stems of product types and brands: sharing one with an FAQ's wording ("apple" in
# "do you take apple pay?") is not agreement on the topic ("does the apple watch have a
# sim?" is not a payment question).
product_vocabulary: VersionedCache[frozenset[str]] = VersionedCache(
    _vocabulary_version, _vocabulary_load
)


def _topic_words_shared(question: str, wording: str) -> set[str]:
    return (content_stems(question) & content_stems(wording)) - product_vocabulary.get("all")


def faq_match(
    question: str, language: str = "en", *, override: bool = False, asked: bool = False
) -> FAQHit | None:
    """The FAQ that answers `question`, or None when no FAQ is close enough: then the
    shop says it is not sure and offers a person (never a confident wrong answer).
    `override`: the FAQ would replace an action the customer seems to ask for, so only a
    much closer FAQ counts. `asked`: the classifier is sure this is a shop question
    (see `ASKED_FACTOR`)."""
    threshold = faq_threshold(language)
    asked = asked and language in ASKED_FACTOR
    if override:
        threshold *= OVERRIDE_FACTOR
    elif asked:
        threshold *= ASKED_FACTOR[language]
    hits = faq_answer(question, language, k=1, threshold=threshold)
    if not hits:
        return None
    hit = hits[0]
    if hit.distance > threshold:
        return None
    # Near the threshold the encoder alone is not trusted ("do you repair screens?" sits
    # close to the extended-warranty FAQ): the closest wording must share a topic word, a
    # word that is not a product type or brand.
    if (
        not asked
        and hit.distance > threshold * AGREEMENT_FACTOR
        and not _topic_words_shared(question, hit.wording)
    ):
        return None
    return hit


def faq_answer(
    question: str, language: str = "en", k: int | None = None, threshold: float | None = None
) -> list[FAQHit]:
    """The FAQs closest to the customer's question, answered in `language`.

    Every wording of each FAQ (its question in both languages, its variants) is indexed
    and an FAQ counts once, by its closest wording; only FAQs within `threshold` (the
    language's, `faq_threshold`, by default) are answered (the lexical leg re-ranks, it never admits
    an FAQ the encoder finds too far)."""
    k = k or settings.FAQ_TOPK
    question = question.strip()
    if not question:
        return []
    encoder = get_encoder()
    matrix = faq_matrix.get(encoder.name)
    if not len(matrix.faq_ids):
        return []
    normalised = encoder_text(question)
    similarities = matrix.vectors @ encoder.encode([normalised])[0]
    best: dict[int, float] = {}
    closest: dict[int, str] = {}
    for position in np.argsort(-similarities):
        faq_id = int(matrix.faq_ids[position])
        if faq_id not in best:
            best[faq_id] = float(similarities[position])
            closest[faq_id] = matrix.wordings[position]
    threshold = faq_threshold(language) if threshold is None else threshold
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
            closest[faq_id],
        )
        for faq_id in ranked
        if faq_id in faqs
    ]
