from __future__ import annotations

from typing import Any

from recos.commands import TrainingCommand
from recos.training import TrainingSummary, embeddings_train_products


class Command(TrainingCommand):
    help = "Encode new or changed products (incremental; --force re-encodes all)."
    label = "products"

    def train(self, **kwargs: Any) -> TrainingSummary:
        return embeddings_train_products(**kwargs)
