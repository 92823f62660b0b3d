from __future__ import annotations

from django.db import models


class FAQ(models.Model):
    topic = models.SlugField(max_length=40, help_text="shipping, returns, warranty, payment ...")
    question_en = models.CharField(max_length=300)
    question_ar = models.CharField(max_length=300)
    answer_en = models.TextField()
    answer_ar = models.TextField()
    active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["topic", "sort_order", "id"]
        verbose_name = "FAQ"
        verbose_name_plural = "FAQs"
        indexes = [models.Index(fields=["active", "topic"])]

    def __str__(self) -> str:
        return self.question_en

    def question(self, language: str) -> str:
        return self.question_ar if language == "ar" else self.question_en

    def answer(self, language: str) -> str:
        return self.answer_ar if language == "ar" else self.answer_en
