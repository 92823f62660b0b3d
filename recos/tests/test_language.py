from __future__ import annotations

import pytest

from recos.language import latin_spelled


@pytest.mark.parametrize(
    ("text", "spelled"),
    [
        ("والاكس بوكس سيريس اكس", "xbox series x"),
        ("ايفون ١٥ برو ماكس", "iphone 15 pro max"),
        ("شاحن للايفون", "شاحن iphone"),
        ("لابتوب اسوس روج", "لابتوب asus rog"),
        ("الاير بودز", "airpods"),
        ("Galaxy S24", "galaxy s24"),  # Latin stays, normalised
        ("ايفوون 14 بلس", "iphone 14 plus"),  # a long vowel typed twice
        ("ايبودز ٣", "airpods 3"),
        ("وصلة لايتننق", "وصله lightning"),
    ],
)
def test_brand_line_and_model_words_spelt_in_arabic_are_written_in_latin(text, spelled):
    assert latin_spelled(text) == spelled


@pytest.mark.parametrize("text", ["ابي بديل للايفون", "بروج الرياض"])
def test_a_short_name_inside_another_word_is_left_alone(text):
    # "بديل" (an alternative) is not "ب" + "ديل", "بروج" (towers) is not "rog"
    assert "dell" not in latin_spelled(text) and "rog" not in latin_spelled(text)


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("انا بالكويت تقدرون ترسلون لي؟", "انا في الكويت تستطيعون ترسلون لي؟"),
        ("كم ياخذ التوصيل لأبها؟", "كم ياخذ التوصيل إلى الرياض؟"),  # a city here: the capital
        ("التوصيل للدمام", "التوصيل إلى الرياض"),
        ("هل تشحنون لقطر", "هل تشحنون إلى قطر"),
        ("اللينك منتهي", "الرابط منتهي"),
        ("لابتوب للشغل", "لابتوب للعمل"),  # other words as before
    ],
)
def test_the_encoder_reads_a_place_with_its_preposition_as_words(text, read):
    from recos.language import encoder_text

    assert encoder_text(text) == read


def test_a_synonym_shares_its_topic_word():
    from recos.language import content_stems

    assert "warranty" in content_stems("is there a guarantee on the stuff you sell")
