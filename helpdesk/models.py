from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from users.models import Language


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

    def clean(self) -> None:
        # A draft made from an unanswered question has blank answers; the bot must never
        # serve one, and the changelist's "active" tick box skips the answer fields.
        # A non-field error, so forms that only edit `active` can report it.
        if self.active and not (self.answer_en.strip() and self.answer_ar.strip()):
            raise ValidationError("An active FAQ needs an answer in English and in Arabic.")

    def question(self, language: str) -> str:
        return self.question_ar if language == "ar" else self.question_en

    def answer(self, language: str) -> str:
        return self.answer_ar if language == "ar" else self.answer_en


class FAQVariant(models.Model):
    """Another way customers ask an FAQ's question ("cash on delivery available?").

    Variants are embedded next to the FAQ's own question, so a customer's wording only has to
    be close to one of them; they carry no answer of their own.
    """

    faq = models.ForeignKey(FAQ, on_delete=models.CASCADE, related_name="variants")
    language = models.CharField(max_length=2, choices=Language.choices)
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["faq", "language", "id"]
        verbose_name = "FAQ variant"
        constraints = [
            models.UniqueConstraint(
                fields=["faq", "language", "text"], name="helpdesk_faqvariant_unique_text"
            )
        ]

    def __str__(self) -> str:
        return f"{self.text} [{self.language}]"


class UnansweredStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered (made into an FAQ)"
    DISMISSED = "dismissed", "Dismissed"


class UnansweredQuestion(models.Model):
    """A question the bot could not answer confidently, counted across customers.

    One row per normalised wording (`normalised_key`, see `services.unanswered_key`), so
    staff see the most asked gaps first and turn them into FAQs.
    """

    text = models.CharField(max_length=500, help_text="The first wording seen.")
    normalised_key = models.CharField(max_length=64, unique=True, editable=False)
    language = models.CharField(max_length=2, choices=Language.choices)
    count = models.PositiveIntegerField(default=1)
    first_asked_at = models.DateTimeField(default=timezone.now)
    last_asked_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=UnansweredStatus.choices, default=UnansweredStatus.OPEN
    )
    faq = models.ForeignKey(
        FAQ,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="unanswered_questions",
        help_text="The FAQ made from this question.",
    )

    class Meta:
        ordering = ["-count", "-last_asked_at"]
        indexes = [models.Index(fields=["status", "-count"])]

    def __str__(self) -> str:
        return self.text
