from __future__ import annotations

import pytest

from recos.evaluation import (
    EVAL_DIR,
    EvalCase,
    eval_cases_load,
    nonsense_load,
    ranking_evaluate,
    rejection_evaluate,
)


def test_metrics_count_first_and_top_three_hits_and_reciprocal_ranks():
    # given: ranks 1, 2, 4 and a miss
    ranked = {
        "a": [{"x"}, {"y"}],
        "b": [{"y"}, {"x"}],
        "c": [{"y"}, {"y"}, {"y"}, {"x"}],
        "d": [{"y"}],
    }
    cases = [EvalCase(query, "x") for query in ranked]

    # when
    result = ranking_evaluate(
        name="t", language="en", cases=cases, ranked_keys=lambda q, _: ranked[q]
    )

    # then
    assert (result.hit_at_1, result.hit_at_3) == (0.25, 0.5)
    assert result.mrr == pytest.approx((1 + 1 / 2 + 1 / 4) / 4)
    assert result.misses == ("b (rank 2)", "c (rank 4)", "d (not found)")


@pytest.mark.parametrize(("name", "minimum"), [("products.yaml", 60), ("faqs.yaml", 40)])
def test_labelled_sets_have_enough_distinct_queries_per_language(name, minimum):
    sets = eval_cases_load(EVAL_DIR / name)

    for language in ("en", "ar"):
        queries = [case.query for case in sets[language]]
        assert len(set(queries)) == len(queries) >= minimum


def test_rejection_rate_counts_queries_that_returned_nothing_and_lists_the_leaks():
    # given: one off-topic query leaks a result
    results = {"weather tomorrow": None, "asdfgh": None, "who won the match": "SKU-1"}

    # when
    result = rejection_evaluate(
        name="t", language="en", queries=list(results), first_result=lambda q, _: results[q]
    )

    # then
    assert result.rejected == pytest.approx(2 / 3)
    assert result.leaks == ("who won the match -> SKU-1",)


def test_nonsense_set_has_off_topic_queries_in_both_languages():
    sets = nonsense_load()

    assert len(sets["en"]) >= 5
    assert len(sets["ar"]) >= 5
    assert "weather tomorrow" in sets["en"]
    assert "طقس الغد" in sets["ar"]
