"""eval_dialog's grading: what counts as a hit, a broken limit, an honest "nothing
matches", a right or wrong FAQ; the blind set stays aggregate-only and floors fail."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from tests.factories import BrandFactory, CategoryFactory, ProductFactory
from wa_gateway.dialog_eval import DEV_SETS, Item, Outcome, _load, items_load, outcomes_score

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop() -> None:
    apple = BrandFactory(slug="apple", name_en="Apple")
    samsung = BrandFactory(slug="samsung", name_en="Samsung")
    tablets = CategoryFactory(slug="tablets")
    cables = CategoryFactory(slug="cables")
    ProductFactory(sku="TAB-APL", brand=apple, category=tablets, price=Decimal("499"))
    ProductFactory(sku="TAB-SAM", brand=samsung, category=tablets, price=Decimal("199"))
    ProductFactory(sku="CBL-SAM", brand=samsung, category=cables, price=Decimal("15"))


def _shop(text: str, **labels) -> Item:
    return Item(text, "en", "shop", {"type": "tablet", **labels})


def _outcome(item: Item, skus: list[str], *, nearest: bool = False) -> Outcome:
    return Outcome(item, ["search"], skus, None, "", nearest)


def test_a_relevant_product_in_the_top_three_is_a_hit(shop):
    # given
    item = _shop("tablet under 300", max_price=300)
    # when
    scores = outcomes_score("en", [_outcome(item, ["CBL-SAM", "TAB-SAM"])])
    # then: the cable is under 300 but no tablet; the Samsung tablet is both
    assert scores.metrics["search_hit@1"] == 0
    assert scores.metrics["search_hit@3"] == 1
    assert scores.metrics["limit_violations"] == 0


def test_a_product_breaking_a_limit_under_an_ordinary_heading_is_a_violation(shop):
    # given
    item = _shop("samsung tablet", brand="Samsung")
    # when
    scores = outcomes_score("en", [_outcome(item, ["TAB-SAM", "TAB-APL"])])
    # then
    assert scores.metrics["limit_violations"] == 1


def test_the_nearest_shown_as_nothing_matches_is_told_not_broken(shop):
    # given
    item = _shop("tablet under 100", max_price=100)
    # when
    scores = outcomes_score("en", [_outcome(item, ["TAB-SAM"], nearest=True)])
    # then
    assert scores.metrics["limit_violations"] == 0
    assert scores.metrics["nearest_told"] == 1
    assert scores.metrics["search_hit@3"] == 0


def test_a_question_without_an_faq_is_right_only_when_nothing_is_answered(shop):
    # given
    unanswerable = Item("do you repair drones?", "en", "question", {"topic": "none"})
    returns = Item("can i send it back", "en", "question", {"topic": "return_policy"})
    outcomes = [
        Outcome(unanswerable, ["faq_answer"], [], None, ""),
        Outcome(returns, ["faq_answer"], [], "How long do refunds take?", ""),
    ]
    # when
    scores = outcomes_score("en", outcomes)
    # then
    assert scores.metrics["faq_correct"] == 0.5
    assert scores.metrics["faq_wrong"] == 0.5


def test_a_label_outside_the_vocabulary_is_refused(tmp_path):
    # given
    path = tmp_path / "set.yaml"
    path.write_text('- {text: "hi", kind: command, intent: dance}\n', encoding="utf-8")
    # then
    with pytest.raises(ValueError, match="unknown intent"):
        _load(path, "en")


def test_the_frozen_sets_load_with_their_languages():
    # when: every set, each label checked against its vocabulary
    items = items_load("blind") + [item for name in DEV_SETS for item in items_load(name)]
    # then
    assert {i.language for i in items} == {"en", "ar"}
    assert {i.kind for i in items} == {"shop", "question", "command"}


def test_the_blind_set_is_never_listed_item_by_item():
    with pytest.raises(CommandError, match="aggregate only"):
        call_command("eval_dialog", "--set", "blind", "--failures", "5")


def test_a_metric_below_its_floor_fails_the_command(shop, tmp_path):
    # given: one shop message nothing in this catalogue answers
    path = tmp_path / "one.yaml"
    path.write_text('- {text: "zzqx blorp", kind: shop, type: tablet}\n', encoding="utf-8")
    # then
    with pytest.raises(CommandError, match="search_hit@3"):
        call_command("eval_dialog", "--set", str(path), "--require", "en:search_hit@3=0.5")
