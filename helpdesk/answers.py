"""FAQ answers from the embedding index, in the customer's language, and the policy that
decides whether the shop answers at all (`faq_match`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.conf import settings

from brandkit.models import Brand
from inventory.models import Category
from recos.encoders import get_encoder
from recos.index import VersionedCache
from recos.language import GENERIC_PRODUCT, content_stems, encoder_text

from .embeddings import faq_matrix
from .models import FAQ


@dataclass(frozen=True)
class FAQHit:
    faq: FAQ
    distance: float
    question: str
    answer: str
    wording: str = ""  # the FAQ's wording closest to the customer's (question or variant)
    score: float = 1.0  # the kernel ridge's score of this FAQ (about 1: like its wordings)
    near: tuple[str, ...] = ()  # its closest few wordings, `wording` first


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
# A complaint about what was delivered ("the phone arrived broken") or a question naming a
# way to pay ("is tamara available? want to split it in 4") is a shop matter whatever the
# encoder says, and only a few FAQs speak of it: one of them may be this much further
# when the ridge agrees strongly (`AGREED_SCORE`).
SHOP_MATTER_FACTOR = 1.2
# The kernel ridge's score (about 1 for an FAQ's own wordings, about 0 for the others')
# an FAQ needs to answer: it reads a question against all of an FAQ's wordings together,
# so a paraphrase unlike any single wording still lands where most of them point, and a
# question half-way between two FAQs answers neither.
MIN_SCORE = 0.35
# From this score the FAQ needs no topic word in common (see `faq_match`).
AGREED_SCORE = 0.7
# The topic word may be shared with any of an FAQ's closest few wordings ("if I buy the
# iphone can I pay monthly" is closest to "split the iphone into 4 payments", and shares
# "pay monthly" with the next one).
NEAR_WORDINGS = 3


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


# A reading with the products made generic needs this many topic words of its own: "is
# the item in stock?" asks about the product it named, not the shop; "can i return the item
# if i opened it" asks the shop whatever it names.
GENERIC_TOPIC_WORDS = 2
_GENERIC_STEMS = content_stems(" ".join(GENERIC_PRODUCT.values()))


def _asks_beyond_products(generic: str) -> bool:
    words = content_stems(generic) - product_vocabulary.get("all") - _GENERIC_STEMS
    return sum(not word.isdigit() for word in words) >= GENERIC_TOPIC_WORDS


def _topic_words_shared(question: str, wording: str) -> set[str]:
    return (content_stems(question) & content_stems(wording)) - product_vocabulary.get("all")


def faq_match(
    question: str,
    language: str = "en",
    *,
    override: bool = False,
    asked: bool = False,
    service: Callable[[str], bool] | None = None,
    shop_matter: bool = False,
    generic: str = "",
) -> FAQHit | None:
    """The FAQ that answers `question`, or None when no FAQ is close enough: then the
    shop says it is not sure and offers a person (never a confident wrong answer).
    `override`: the FAQ would replace an action the customer seems to ask for, so only a
    much closer FAQ counts. `asked`: the classifier is sure this is a shop question
    (see `ASKED_FACTOR`). `service`: the question asks for a service done to a device,
    and this tells whether a wording does too: "do you fix cracked screens?" sits close
    to "the screen came cracked" (the damaged-item FAQ), which answers another question,
    so unless it is much closer one of the FAQ's closest wordings must ask for a service.
    `shop_matter`: a fault with what was delivered or a way to pay asked about (see
    `SHOP_MATTER_FACTOR`). `generic`: the question with the products it names made generic
    (see `faq_answer`)."""
    threshold = faq_threshold(language)
    asked = asked and language in ASKED_FACTOR
    if override:
        threshold *= OVERRIDE_FACTOR
    elif asked:
        threshold *= ASKED_FACTOR[language]
    usual = threshold
    if shop_matter:
        threshold *= SHOP_MATTER_FACTOR
    hits = faq_answer(question, language, k=1, threshold=threshold, generic=generic)
    if not hits:
        return None
    hit = hits[0]
    if hit.distance > threshold or (hit.distance > usual and hit.score < AGREED_SCORE):
        return None
    # Near the threshold the encoder alone is not trusted ("do you repair screens?" sits
    # close to the extended-warranty FAQ): one of the FAQ's closest wordings must share a
    # topic word, a word that is not a product type or brand.
    if (
        not asked
        and hit.score < AGREED_SCORE
        and hit.distance > threshold * AGREEMENT_FACTOR
        and not any(_topic_words_shared(question, wording) for wording in hit.near)
    ):
        return None
    if (
        service is not None
        and hit.distance > faq_threshold(language) * OVERRIDE_FACTOR
        and not any(service(wording) for wording in hit.near)
    ):
        return None
    return hit


def faq_answer(
    question: str,
    language: str = "en",
    k: int | None = None,
    threshold: float | None = None,
    generic: str = "",
) -> list[FAQHit]:
    """The FAQs closest to the customer's question, answered in `language`.

    Every wording of each FAQ (its question in both languages, its variants) is indexed.
    FAQs are ranked by the kernel ridge over all their wordings (`FAQMatrix.ridge`, the
    sentence embedding and character grams together) and need a score of `MIN_SCORE`; an
    FAQ's closest wording must also be within `threshold` (the language's,
    `faq_threshold`, by default): the ridge picks among FAQs, it never admits one the
    encoder finds too far.

    `generic` is the same question with the products it names made generic ("can i
    return the keyboard" → "can i return the item"): a product's name pulls the encoder
    towards wordings that name a product, whatever they ask (measured: "ايش الخطوات عشان
    ارجع الماوس" sat at 0.60 from the returns FAQ, "… ارجع المنتج" at 0.27). Each FAQ takes
    the closer of the two readings, so an FAQ about a type ("are your phones unlocked?")
    still meets the question that names it."""
    k = k or settings.FAQ_TOPK
    question = question.strip()
    if not question:
        return []
    encoder = get_encoder()
    matrix = faq_matrix.get(encoder.name)
    if not len(matrix.faq_ids):
        return []
    readings = [question]
    if generic and generic != question and _asks_beyond_products(generic):
        readings.append(generic)
    encoded = [encoder_text(text) for text in readings]
    vectors = encoder.encode(encoded)
    similarities = (matrix.vectors @ vectors.T).max(axis=1)
    best: dict[int, float] = {}
    closest: dict[int, list[str]] = {}
    for position in np.argsort(-similarities):
        faq_id = int(matrix.faq_ids[position])
        if faq_id not in best:
            best[faq_id] = float(similarities[position])
            closest[faq_id] = []
        if len(closest[faq_id]) < NEAR_WORDINGS:
            closest[faq_id].append(matrix.wordings[position])
    threshold = faq_threshold(language) if threshold is None else threshold
    if matrix.ridge is None:
        scores = dict(best)
    else:
        # The character grams read each reading as typed (dialect spellings, clitics) and
        # as the encoder does, dialect words in MSA ("شكد اجور الديليفري" shares no gram
        # with "كم رسوم التوصيل"): the better of the two.
        ridge = np.max(
            [
                matrix.ridge.scores(v, grams)
                for v, text, msa in zip(vectors, readings, encoded, strict=True)
                for grams in dict.fromkeys((text, msa))
            ],
            axis=0,
        )
        scores = {
            int(faq_id): float(score)
            for faq_id, score in zip(matrix.ridge.classes, ridge, strict=True)
            if score >= MIN_SCORE
        }
    scores = {faq_id: s for faq_id, s in scores.items() if 1.0 - best[faq_id] <= threshold}
    ranked = sorted(scores, key=lambda faq_id: -scores[faq_id])[:k]
    faqs = FAQ.objects.filter(pk__in=ranked, active=True).in_bulk()
    return [
        FAQHit(
            faqs[faq_id],
            1.0 - best[faq_id],
            faqs[faq_id].question(language),
            faqs[faq_id].answer(language),
            closest[faq_id][0],
            scores[faq_id],
            tuple(closest[faq_id]),
        )
        for faq_id in ranked
        if faq_id in faqs
    ]
