from __future__ import annotations

import numpy as np
from django.db import models


class EmbeddingBase(models.Model):
    """A float32 vector with the model that made it and a hash of the text it encodes, so
    training is incremental and a model change forces retraining."""

    vector = models.BinaryField()
    model_name = models.CharField(max_length=200)
    dim = models.PositiveSmallIntegerField()
    text_hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True

    def as_array(self) -> np.ndarray:
        return np.frombuffer(bytes(self.vector), dtype=np.float32)


class ProductEmbedding(EmbeddingBase):
    product = models.OneToOneField(
        "inventory.Product", related_name="embedding", on_delete=models.CASCADE
    )

    def __str__(self) -> str:
        return f"embedding of product {self.product_id} ({self.model_name})"


class FAQEmbedding(EmbeddingBase):
    """One wording of an FAQ: its question in one language (`text_key` "question") or one
    of its paraphrase variants (`text_key` "v<variant id>")."""

    faq = models.ForeignKey("helpdesk.FAQ", related_name="embeddings", on_delete=models.CASCADE)
    language = models.CharField(max_length=2)
    text_key = models.CharField(max_length=24, default="question")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["faq", "language", "text_key"], name="faq_embedding_per_wording"
            )
        ]

    def __str__(self) -> str:
        return f"embedding of FAQ {self.faq_id}/{self.language} ({self.model_name})"
