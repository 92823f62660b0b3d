"""Accuracy of a classifier on the held-out set, per language, with a confusion table."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .types import Intent

DATA = Path(__file__).resolve().parent / "data"
HELDOUT = DATA / "heldout.yaml"
# Written independently of the classifier and never used for tuning (see its header).
HELDOUT_BLIND = DATA / "heldout_blind.yaml"


@dataclass
class LanguageReport:
    language: str
    total: int = 0
    correct: int = 0
    confusion: Counter = field(default_factory=Counter)  # (expected, predicted) → count
    errors: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def heldout(path: Path = HELDOUT) -> dict[str, dict[str, list[str]]]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def evaluate(classify: Callable[[str], Intent], path: Path = HELDOUT) -> dict[str, LanguageReport]:
    reports: dict[str, LanguageReport] = defaultdict(lambda: LanguageReport(""))
    for expected, by_language in heldout(path).items():
        for language, utterances in by_language.items():
            report = reports[language]
            report.language = language
            for utterance in utterances:
                predicted = str(classify(str(utterance)).name)
                report.total += 1
                report.confusion[(expected, predicted)] += 1
                if predicted == expected:
                    report.correct += 1
                else:
                    report.errors.append((str(utterance), expected, predicted))
    return dict(reports)
