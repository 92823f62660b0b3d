"""The hand-written FAQ variants and brand aliases: complete, unambiguous, and safe to load
on MySQL, whose utf8mb4_unicode_ci comparisons ignore case and Arabic hamza/madda."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

from bootstrap.data.aliases import BRAND_ALIASES
from bootstrap.data.faq_variants import FAQ_VARIANTS
from bootstrap.data.faqs import FAQS
from bootstrap.data.taxonomy import BRANDS
from brandkit.models import BrandAliasKind

ARABIC = re.compile(r"[\u0600-\u06FF]")
LATIN = re.compile(r"[a-z]", re.IGNORECASE)
MIN_VARIANTS_PER_LANGUAGE = 6


def _collation_fold(text: str) -> str:
    """Roughly how utf8mb4_unicode_ci compares: case, diacritics (hamza, madda) and tatweel
    ignored; alef maqsura and ta marbuta folded too, to stay on the safe side."""
    text = unicodedata.normalize("NFD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c) and c != "\u0640")
    return " ".join(text.replace("ى", "ي").replace("ة", "ه").split())


def _wording(text: str) -> str:
    return _collation_fold(text).rstrip("?؟!. ")


# --- FAQ variants ------------------------------------------------------------------------
def test_every_faq_has_variants_and_every_variant_names_a_real_faq() -> None:
    # then
    assert set(FAQ_VARIANTS) == {faq.question_en for faq in FAQS}


def test_every_faq_has_enough_variants_in_both_languages() -> None:
    # then
    for question, by_language in FAQ_VARIANTS.items():
        assert set(by_language) == {"en", "ar"}, question
        assert len(by_language["en"]) >= MIN_VARIANTS_PER_LANGUAGE, question
        assert len(by_language["ar"]) >= MIN_VARIANTS_PER_LANGUAGE, question


def test_variants_are_written_in_their_language() -> None:
    # then
    for question, by_language in FAQ_VARIANTS.items():
        for text in by_language["en"]:
            assert not ARABIC.search(text), (question, text)
        for text in by_language["ar"]:
            assert ARABIC.search(text), (question, text)


def test_no_variant_repeats_its_faqs_own_question() -> None:
    # given
    faqs = {faq.question_en: faq for faq in FAQS}

    # then
    for question, by_language in FAQ_VARIANTS.items():
        own = {_wording(faqs[question].question_en), _wording(faqs[question].question_ar)}
        for texts in by_language.values():
            assert not own & {_wording(t) for t in texts}, question


def test_no_wording_belongs_to_two_faqs_or_appears_twice() -> None:
    # given: a shared wording would make the match a coin toss, a repeat would break the
    # unique constraint on MySQL
    owners: dict[str, list[str]] = defaultdict(list)
    for question, by_language in FAQ_VARIANTS.items():
        for texts in by_language.values():
            for text in texts:
                owners[_wording(text)].append(question)

    # then
    assert {w: qs for w, qs in owners.items() if len(qs) > 1} == {}


def test_variants_fit_their_column() -> None:
    # then
    for by_language in FAQ_VARIANTS.values():
        for texts in by_language.values():
            assert all(0 < len(t) <= 300 and t == t.strip() for t in texts)


# --- brand aliases -----------------------------------------------------------------------
def test_every_alias_names_a_seeded_brand_with_a_known_kind() -> None:
    # given
    slugs = {brand.slug for brand in BRANDS}

    # then
    for alias, slug, kind in BRAND_ALIASES:
        assert slug in slugs, alias
        assert kind in BrandAliasKind.values, alias
        assert 0 < len(alias) <= 80 and alias == alias.strip(), alias


def test_aliases_are_unique_even_under_mysql_comparison() -> None:
    # given
    folded = [_collation_fold(alias) for alias, _, _ in BRAND_ALIASES]

    # then
    assert len(folded) == len(set(folded))


def test_aliases_add_something_beyond_the_brands_own_names() -> None:
    # given
    names = {b.slug: {b.name_en.casefold(), b.name_ar} for b in BRANDS}

    # then
    for alias, slug, _ in BRAND_ALIASES:
        assert alias.casefold() not in names[slug], alias


def test_ordinary_words_are_never_aliases_on_their_own() -> None:
    # given
    ordinary = {"alpha", "hero", "swift", "envy", "yoga", "mate", "switch", "one", "mi", "max"}

    # then
    assert not ordinary & {alias.casefold() for alias, _, _ in BRAND_ALIASES}


def test_the_big_product_lines_point_at_their_brand() -> None:
    # given
    aliases = {alias: (slug, kind) for alias, slug, kind in BRAND_ALIASES}

    # then
    expected = {
        "galaxy": "samsung",
        "جالكسي": "samsung",
        "iphone": "apple",
        "ايفون": "apple",
        "thinkpad": "lenovo",
        "playstation": "sony",
        "بلايستيشن": "sony",
        "xbox": "microsoft",
        "pixel": "google",
        "redmi": "xiaomi",
        "rog": "asus",
        "predator": "acer",
        "alienware": "dell",
        "omen": "hp",
        "nintendo switch": "nintendo",
    }
    for alias, slug in expected.items():
        assert aliases[alias] == (slug, BrandAliasKind.LINE), alias
    assert aliases["سامسونغ"] == ("samsung", BrandAliasKind.SPELLING)
    assert any(LATIN.search(a) for a, s, k in BRAND_ALIASES if k == BrandAliasKind.SPELLING)
