from __future__ import annotations

from helpdesk.management.commands.eval_search import target_failures
from recos.evaluation import EvalResult, RejectionResult


def test_results_at_their_targets_are_not_failures():
    # given
    results = [
        EvalResult("products", "en", 60, 0.5, 0.90, 0.7, ()),
        EvalResult("faqs", "ar", 40, 0.85, 0.9, 0.9, ()),
        RejectionResult("products nonsense", "en", 10, 1.0, ()),
    ]

    # when / then
    assert target_failures(results) == []


def test_results_below_their_targets_are_listed_with_metric_and_target():
    # given: AR product hit@3 below 0.85, one nonsense query leaked a product
    results = [
        EvalResult("products", "ar", 60, 0.9, 0.84, 0.9, ()),
        RejectionResult("products nonsense", "ar", 10, 0.9, ("x -> SKU",)),
    ]

    # when
    failures = target_failures(results)

    # then
    assert failures == [
        "products ar: hit_at_3=0.840 < 0.85",
        "products nonsense ar: rejected=0.900 < 1.0",
    ]
