from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from recos.training import TrainingSummary


class TrainingCommand(BaseCommand):
    label = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="re-encode every row")
        parser.add_argument("--batch-size", type=int, default=64, help="texts per encoder call")

    def train(self, **kwargs: Any) -> TrainingSummary:
        raise NotImplementedError

    def trained(self, summary: TrainingSummary) -> None:
        """After training: make the new rows searchable (the default: nothing to do, the
        indexes follow the database)."""

    def handle(self, *args: Any, **options: Any) -> None:
        bar = tqdm(desc=f"encoding {self.label}", unit=" rows", disable=not sys.stderr.isatty())
        progress: Callable[[int], None] = bar.update
        try:
            summary = self.train(
                force=options["force"], batch_size=options["batch_size"], progress=progress
            )
        finally:
            bar.close()
        self.trained(summary)
        self.stdout.write(f"{self.label}: {summary.line()}")
