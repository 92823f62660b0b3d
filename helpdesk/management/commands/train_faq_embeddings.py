from __future__ import annotations

from typing import Any

from helpdesk.embeddings import faq_embeddings_train, faq_matrix
from recos.commands import TrainingCommand
from recos.training import TrainingSummary


class Command(TrainingCommand):
    help = "Encode new or changed FAQs in both languages (incremental; --force re-encodes all)."
    label = "FAQs"

    def train(self, **kwargs: Any) -> TrainingSummary:
        summary = faq_embeddings_train(**kwargs)
        faq_matrix.invalidate()
        return summary
