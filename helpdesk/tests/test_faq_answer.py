from __future__ import annotations

import pytest

from helpdesk import embeddings
from helpdesk.answers import faq_answer, faq_match, faq_threshold
from helpdesk.embeddings import faq_embeddings_train
from helpdesk.models import FAQVariant
from recos import index
from recos.models import FAQEmbedding
from tests.factories import FAQFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_faq_index(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(index, "VERSION_CHECK_SECONDS", 0.0)
    embeddings.faq_matrix.invalidate()
    yield
    embeddings.faq_matrix.invalidate()


@pytest.fixture
def faqs() -> dict:
    return {
        "delivery": FAQFactory(
            topic="shipping",
            question_en="How long does delivery take?",
            question_ar="كم تستغرق مدة التوصيل؟",
            answer_en="Standard delivery takes 2-4 business days.",
            answer_ar="التوصيل العادي يستغرق من 2 إلى 4 أيام عمل.",
        ),
        "returns": FAQFactory(
            topic="returns",
            question_en="What is your return policy?",
            question_ar="ما هي سياسة الإرجاع؟",
            answer_en="You can return items within 14 days.",
            answer_ar="يمكنك إرجاع المنتجات خلال 14 يوماً.",
        ),
        "payment": FAQFactory(
            topic="payment",
            question_en="What payment methods do you accept?",
            question_ar="ما طرق الدفع المتاحة؟",
            answer_en="Card, bank transfer and cash on delivery.",
            answer_ar="البطاقة والتحويل البنكي والدفع عند الاستلام.",
        ),
    }


def test_training_encodes_both_languages_of_every_faq_once(faqs):
    # when
    first = faq_embeddings_train()
    second = faq_embeddings_train()

    # then
    assert first.encoded == 2 * len(faqs) and second.encoded == 0
    assert set(FAQEmbedding.objects.values_list("language", flat=True)) == {"en", "ar"}


def test_editing_an_faq_reencodes_only_its_changed_language(faqs):
    # given
    faq_embeddings_train()
    faqs["returns"].question_en = "Can I send an item back?"
    faqs["returns"].save()

    # when
    summary = faq_embeddings_train()

    # then
    assert summary.encoded == 1


def test_english_question_gets_the_english_answer(faqs):
    # given: customers' wordings are taught as variants
    FAQVariant.objects.create(
        faq=faqs["delivery"], language="en", text="when will my order get to me"
    )
    faq_embeddings_train()

    # when
    hits = faq_answer("when will my package arrive", "en")

    # then
    assert hits[0].faq == faqs["delivery"]
    assert hits[0].answer == "Standard delivery takes 2-4 business days."


def test_arabic_question_gets_the_arabic_answer(faqs):
    # given
    faq_embeddings_train()

    # when
    hits = faq_answer("ما هي طرق الدفع؟", "ar")

    # then
    assert hits[0].faq == faqs["payment"]
    assert hits[0].question == "ما طرق الدفع المتاحة؟"
    assert hits[0].answer == "البطاقة والتحويل البنكي والدفع عند الاستلام."


def test_each_faq_is_answered_once_even_when_both_languages_match(faqs):
    faq_embeddings_train()

    hits = faq_answer("How long does delivery take?", "en", k=3)

    assert len({hit.faq.pk for hit in hits}) == len(hits)


def test_unrelated_question_gets_no_answer(faqs):
    faq_embeddings_train()

    assert faq_answer("asdfgh qwerty", "en") == []


def test_inactive_faqs_are_never_answered(faqs):
    # given
    faq_embeddings_train()
    faqs["delivery"].active = False
    faqs["delivery"].save()

    # when
    hits = faq_answer("How long does delivery take?", "en")

    # then
    assert faqs["delivery"] not in [hit.faq for hit in hits]


def test_a_variant_is_embedded_and_a_deleted_one_is_dropped(faqs):
    # given
    variant = FAQVariant.objects.create(faq=faqs["payment"], language="ar", text="ادفع كاش؟")
    faq_embeddings_train()
    assert FAQEmbedding.objects.filter(text_key=f"v{variant.pk}").exists()

    # when
    variant.delete()
    faq_embeddings_train()

    # then
    assert not FAQEmbedding.objects.filter(text_key=f"v{variant.pk}").exists()


def test_a_question_no_faq_is_close_to_gets_no_match(faqs):
    faq_embeddings_train()

    assert faq_match("do you repair drones?", "en") is None


def test_thresholds_are_per_language(faqs, settings):
    # given
    settings.FAQ_DIST_REF_EN, settings.FAQ_DIST_REF_AR = 0.1, 0.9
    # then
    assert faq_threshold("en") == 0.1
    assert faq_threshold("ar") == 0.9


def test_an_exact_question_matches_and_an_override_needs_a_closer_one(faqs, settings):
    # given
    faq_embeddings_train()
    # when / then: the FAQ's own question is at distance 0, close enough for both
    assert faq_match("What is your return policy?", "en").faq == faqs["returns"]
    assert faq_match("What is your return policy?", "en", override=True).faq == faqs["returns"]
    # and with a threshold of 0 not even a paraphrase answers
    settings.FAQ_DIST_REF_EN = 0.0
    assert faq_match("what's your policy on returning stuff", "en") is None


def test_a_question_the_classifier_is_sure_of_takes_a_slightly_further_faq(faqs, settings):
    # given: a dialect question just beyond the threshold, sharing no word with the FAQ
    faq_embeddings_train()
    question = "اقدر ادفع كاش للمندوب"
    (nearest,) = faq_answer(question, "ar", k=1, threshold=1.0)
    settings.FAQ_DIST_REF_AR = nearest.distance / 1.1
    # when / then: the encoder alone does not answer it; with the classifier's reading
    # that it asks about the shop, the same FAQ does
    assert faq_match(question, "ar") is None
    assert faq_match(question, "ar", asked=True).faq == nearest.faq == faqs["payment"]
    # and never beyond the widened threshold
    settings.FAQ_DIST_REF_AR = nearest.distance / 1.2
    assert faq_match(question, "ar", asked=True) is None


def test_a_hit_carries_its_faqs_closest_wordings_for_the_topic_check(faqs):
    # given: delivery has several wordings
    for wording in ("how many days for delivery", "when will my parcel arrive", "shipping time"):
        FAQVariant.objects.create(faq=faqs["delivery"], language="en", text=wording)
    faq_embeddings_train()
    # when
    hits = faq_answer("how many days does delivery take to jeddah", "en", k=1, threshold=1.0)
    # then: the closest first, then the next closest of the same FAQ, at most three
    assert hits and hits[0].faq == faqs["delivery"]
    assert hits[0].near[0] == hits[0].wording and 1 < len(hits[0].near) <= 3
    assert len(set(hits[0].near)) == len(hits[0].near)


def test_the_generic_reading_of_a_question_meets_the_faq_its_product_pulls_away_from(faqs):
    # given: the returns FAQ with a way of asking it that names no product
    FAQVariant.objects.create(faq=faqs["returns"], language="ar", text="عايز ارجع المنتج اعمل ايه")
    faq_embeddings_train()
    question = "ايش الخطوات عشان ارجع الماوس"
    generic = "ايش الخطوات عشان ارجع المنتج"
    # when
    (named,) = faq_answer(question, "ar", k=1, threshold=1.0)
    (both,) = faq_answer(question, "ar", k=1, threshold=1.0, generic=generic)
    # then: the FAQ takes the closer of the two readings
    assert both.faq == faqs["returns"]
    assert both.distance < named.distance


def test_a_generic_reading_with_nothing_asked_beyond_the_product_is_not_read(faqs):
    # given
    faq_embeddings_train()
    question = "ايفون 13 متوفر؟"
    # when: without the product, only "available" is left
    (named,) = faq_answer(question, "ar", k=1, threshold=1.0)
    (both,) = faq_answer(question, "ar", k=1, threshold=1.0, generic="منتج 13 متوفر؟")
    # then: the question is read as written
    assert both.distance == named.distance
