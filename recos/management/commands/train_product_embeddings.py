from __future__ import annotations

import os
from typing import Any

from recos.commands import TrainingCommand
from recos.index import index_rebuild
from recos.training import TrainingSummary, embeddings_train_products


class Command(TrainingCommand):
    help = "Encode new or changed products (incremental; --force re-encodes all)."
    label = "products"

    def train(self, **kwargs: Any) -> TrainingSummary:
        return embeddings_train_products(**kwargs)

    def trained(self, summary: TrainingSummary) -> None:
        # A fresh snapshot for the machine (this command may run while the shop serves:
        # each process swaps it in on its next poll, without waiting for it).
        build_id = index_rebuild(summary.model_name, threads=os.cpu_count() or 1)
        self.stdout.write(f"products: search index snapshot {build_id}")
