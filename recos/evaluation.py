"""Search quality on labelled queries (`recos/eval/*.yaml`): hit@1, hit@3 and MRR per
language. Products count as found when the expected SKU, or a product of the expected
category (or of one of its subcategories), is ranked."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from .search import recommend

EVAL_DIR = Path(__file__).resolve().parent / "eval"
RANK_DEPTH = 10


@dataclass(frozen=True)
class EvalCase:
    query: str
    expect: str


@dataclass(frozen=True)
class EvalResult:
    name: str
    language: str
    cases: int
    hit_at_1: float
    hit_at_3: float
    mrr: float
    misses: tuple[str, ...]  # queries not ranked first, with their rank

    def line(self) -> str:
        return (
            f"{self.name} {self.language}: n={self.cases} hit@1={self.hit_at_1:.3f} "
            f"hit@3={self.hit_at_3:.3f} MRR={self.mrr:.3f}"
        )


def eval_cases_load(path: Path) -> dict[str, list[EvalCase]]:
    """{language: cases} from a YAML file of `{q, expect}` items per language."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        language: [EvalCase(str(item["q"]), str(item["expect"])) for item in items]
        for language, items in data.items()
    }


def ranking_evaluate(
    *,
    name: str,
    language: str,
    cases: Sequence[EvalCase],
    ranked_keys: Callable[[str, str], list[set[str]]],
) -> EvalResult:
    """Score `ranked_keys(query, language)`: for each ranked result, the set of labels it
    satisfies (e.g. its SKU and its category slugs)."""
    hit1 = hit3 = 0
    reciprocal = 0.0
    misses: list[str] = []
    for case in cases:
        rank = next(
            (i for i, keys in enumerate(ranked_keys(case.query, language)) if case.expect in keys),
            None,
        )
        if rank is None:
            misses.append(f"{case.query} (not found)")
            continue
        hit1 += rank == 0
        hit3 += rank < 3
        reciprocal += 1.0 / (rank + 1)
        if rank > 0:
            misses.append(f"{case.query} (rank {rank + 1})")
    n = max(len(cases), 1)
    return EvalResult(name, language, len(cases), hit1 / n, hit3 / n, reciprocal / n, tuple(misses))


@dataclass(frozen=True)
class RejectionResult:
    """How many off-topic queries got no result at all (the thresholds' job)."""

    name: str
    language: str
    cases: int
    rejected: float  # share of queries answered with nothing
    leaks: tuple[str, ...]  # queries that returned something, with the first result

    def line(self) -> str:
        return f"{self.name} {self.language}: n={self.cases} rejected={self.rejected:.3f}"


def nonsense_load(path: Path | None = None) -> dict[str, list[str]]:
    """{language: off-topic queries} from `recos/eval/nonsense.yaml`."""
    data = yaml.safe_load((path or EVAL_DIR / "nonsense.yaml").read_text(encoding="utf-8"))
    return {language: [str(query) for query in queries] for language, queries in data.items()}


def rejection_evaluate(
    *,
    name: str,
    language: str,
    queries: Sequence[str],
    first_result: Callable[[str, str], str | None],
) -> RejectionResult:
    """Score `first_result(query, language)` (a label of the top result, None when empty)."""
    leaks = []
    for query in queries:
        found = first_result(query, language)
        if found is not None:
            leaks.append(f"{query} -> {found}")
    n = max(len(queries), 1)
    return RejectionResult(name, language, len(queries), 1 - len(leaks) / n, tuple(leaks))


def _first_product(query: str, language: str) -> str | None:
    hits = recommend(query, language, k=1)
    if not hits:
        return None
    distance = hits[0].distance
    return hits[0].product.sku + (f" (distance {distance:.3f})" if distance is not None else "")


def products_nonsense_evaluate(path: Path | None = None) -> list[RejectionResult]:
    """Share of off-topic queries for which product search returns nothing, per language."""
    return [
        rejection_evaluate(
            name="products nonsense",
            language=language,
            queries=queries,
            first_result=_first_product,
        )
        for language, queries in nonsense_load(path).items()
    ]


def _product_keys(query: str, language: str) -> list[set[str]]:
    keys = []
    for hit in recommend(query, language, k=RANK_DEPTH):
        product = hit.product
        labels = {product.sku, product.category.slug}
        if product.category.parent_id:
            labels.add(product.category.parent.slug)
        keys.append(labels)
    return keys


def products_evaluate(path: Path | None = None) -> list[EvalResult]:
    """Product search quality per language on the labelled set."""
    sets = eval_cases_load(path or EVAL_DIR / "products.yaml")
    return [
        ranking_evaluate(name="products", language=language, cases=cases, ranked_keys=_product_keys)
        for language, cases in sets.items()
    ]
