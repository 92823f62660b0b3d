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
    ],
)
def test_brand_line_and_model_words_spelt_in_arabic_are_written_in_latin(text, spelled):
    assert latin_spelled(text) == spelled


@pytest.mark.parametrize("text", ["ابي بديل للايفون", "بروج الرياض"])
def test_a_short_name_inside_another_word_is_left_alone(text):
    # "بديل" (an alternative) is not "ب" + "ديل", "بروج" (towers) is not "rog"
    assert "dell" not in latin_spelled(text) and "rog" not in latin_spelled(text)
