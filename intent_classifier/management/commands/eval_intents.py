from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from intent_classifier.classifier import classify, classify_local
from intent_classifier.evaluation import HELDOUT, HELDOUT_BLIND, evaluate

TARGET = 0.85


class Command(BaseCommand):
    help = (
        "Accuracy of the intent classifier per language on the held-out set and on the "
        "blind set (written independently, never tuned on)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--llm", action="store_true", help="use the configured LLM (default: local)"
        )
        parser.add_argument(
            "--errors", action="store_true", help="list every misclassified utterance"
        )
        parser.add_argument(
            "--check", action="store_true", help=f"exit 1 below {TARGET:.0%} in a language"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        classifier = classify if options["llm"] else classify_local
        failed = False
        for title, path in (("held-out set", HELDOUT), ("blind set", HELDOUT_BLIND)):
            self.stdout.write(f"{title} ({path.name}):")
            failed |= self._report(evaluate(classifier, path), errors=options["errors"])
        if options["check"] and failed:
            raise CommandError(f"accuracy below {TARGET:.0%}")

    def _report(self, reports: dict, *, errors: bool) -> bool:
        """Print accuracy and the top confusions per language; True if one is below target."""
        failed = False
        for language, report in sorted(reports.items()):
            self.stdout.write(
                f"  {language}: accuracy {report.accuracy:.3f} ({report.correct}/{report.total})"
            )
            confusions = [(pair, n) for pair, n in report.confusion.items() if pair[0] != pair[1]]
            for (expected, predicted), count in sorted(confusions, key=lambda item: -item[1])[:15]:
                self.stdout.write(f"    {expected:>14} → {predicted:<14} {count}")
            if errors:
                for utterance, expected, predicted in report.errors:
                    self.stdout.write(f"    {utterance!r}: {expected} → {predicted}")
            failed |= report.accuracy < TARGET
        return failed
