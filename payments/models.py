from __future__ import annotations

from django.db import models


class PaymentKind(models.TextChoices):
    CASH_ON_DELIVERY = "cod", "Cash on delivery"
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    PAYMENT_LINK = "payment_link", "Payment link"


class PaymentOption(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    kind = models.CharField(max_length=16, choices=PaymentKind.choices)
    name_en = models.CharField(max_length=120)
    name_ar = models.CharField(max_length=120)
    instructions_en = models.TextField(blank=True)
    instructions_ar = models.TextField(blank=True)
    # For payment links: `{reference}`, `{amount}` and `{currency}` are filled in.
    link_template = models.URLField(max_length=400, blank=True)
    active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name_en

    def name(self, language: str) -> str:
        return self.name_ar if language == "ar" else self.name_en

    def instructions(self, language: str) -> str:
        return self.instructions_ar if language == "ar" else self.instructions_en


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PAID = "paid", "Paid"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"


class Payment(models.Model):
    order = models.ForeignKey("orders.Order", related_name="payments", on_delete=models.CASCADE)
    option = models.ForeignKey(PaymentOption, related_name="payments", on_delete=models.PROTECT)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    reference = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="payment_amount_gte_0"),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.reference

    def link(self) -> str:
        if not self.option.link_template:
            return ""
        return self.option.link_template.format(
            reference=self.reference, amount=self.amount, currency=self.currency
        )
