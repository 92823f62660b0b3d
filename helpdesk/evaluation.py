"""FAQ answer quality on labelled questions (`recos/eval/faqs.yaml`), keyed by each FAQ's
English question."""

from __future__ import annotations

from pathlib import Path

from recos.evaluation import (
    EVAL_DIR,
    EvalResult,
    RejectionResult,
    eval_cases_load,
    nonsense_load,
    ranking_evaluate,
    rejection_evaluate,
)

from .answers import faq_answer

RANK_DEPTH = 10


def _faq_keys(question: str, language: str) -> list[set[str]]:
    return [{hit.faq.question_en} for hit in faq_answer(question, language, k=RANK_DEPTH)]


def faqs_evaluate(path: Path | None = None) -> list[EvalResult]:
    """FAQ answer quality per language on the labelled set."""
    sets = eval_cases_load(path or EVAL_DIR / "faqs.yaml")
    return [
        ranking_evaluate(name="faqs", language=language, cases=cases, ranked_keys=_faq_keys)
        for language, cases in sets.items()
    ]


def _first_faq(question: str, language: str) -> str | None:
    hits = faq_answer(question, language, k=1)
    return f"{hits[0].faq.question_en} (distance {hits[0].distance:.3f})" if hits else None


def faqs_nonsense_evaluate(path: Path | None = None) -> list[RejectionResult]:
    """Share of off-topic messages that get no FAQ answer, per language."""
    return [
        rejection_evaluate(
            name="faqs nonsense", language=language, queries=queries, first_result=_first_faq
        )
        for language, queries in nonsense_load(path).items()
    ]
