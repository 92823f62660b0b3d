from __future__ import annotations

import json
import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wa_gateway.dialog_eval import dialog_evaluate, items_load

# Metrics where lower is better; a threshold on them is a ceiling, on the others a floor.
LOWER_IS_BETTER = {"limit_violations", "nearest_told", "no_result", "faq_wrong", "clarified"}


class Command(BaseCommand):
    help = (
        "Send a labelled set through the real webhook and ChatEngine (a new customer per "
        "message) and report, per language: routed state, search hit@1/hit@3, price/brand "
        "limits broken in the top 3 under an ordinary heading (limit_violations) or shown "
        "as 'nothing matches, the closest are' (nearest_told), no-result rate, FAQ "
        "correct, wrong FAQ, clarifications. See docs/understanding.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--set", default="dev", help="dev, dev2, blind, or a YAML file")
        parser.add_argument("--language", choices=["en", "ar"], help="only this language")
        parser.add_argument(
            "--require",
            action="append",
            default=[],
            metavar="LANG:METRIC=VALUE",
            help="fail when a metric is worse (e.g. en:search_hit@3=0.95); repeatable",
        )
        parser.add_argument(
            "--failures", type=int, default=0, help="list up to N failed items (not for blind)"
        )
        parser.add_argument("--json", help="also write the figures to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("celery", "celery.app.trace", "message_bus.console", "dialog_engine"):
            logging.getLogger(name).setLevel(logging.WARNING)
        if options["set"] == "blind" and options["failures"]:
            raise CommandError("the blind set is reported in aggregate only: tune on dev")
        items = items_load(options["set"])
        if options["language"]:
            items = [i for i in items if i.language == options["language"]]
        if not items:
            raise CommandError("no items to evaluate")
        results = dialog_evaluate(items)
        figures: dict[str, dict[str, float]] = {}
        for scores in results:
            figures[scores.language] = scores.metrics
            counts = ", ".join(f"{k} {v}" for k, v in scores.counts.items())
            self.stdout.write(f"{options['set']} {scores.language} ({counts})")
            for metric, value in scores.metrics.items():
                self.stdout.write(f"  {metric:<18} {value:.3f}")
            for line in scores.failures[: options["failures"]]:
                self.stdout.write(f"    - {line}")
        if options["json"]:
            with open(options["json"], "w", encoding="utf-8") as handle:
                json.dump(figures, handle, indent=2)
        broken = [message for rule in options["require"] if (message := _check(rule, figures))]
        if broken:
            raise CommandError("below the required quality: " + "; ".join(broken))


def _check(rule: str, figures: dict[str, dict[str, float]]) -> str:
    try:
        scope, value = rule.split("=")
        language, metric = scope.split(":")
        bound = float(value)
    except ValueError as exc:
        raise CommandError(f"--require {rule!r}: expected LANG:METRIC=VALUE") from exc
    if language not in figures or metric not in figures[language]:
        raise CommandError(f"--require {rule!r}: no such language or metric")
    actual = figures[language][metric]
    worse = actual > bound if metric in LOWER_IS_BETTER else actual < bound
    return f"{language} {metric} {actual:.3f} (required {bound})" if worse else ""
