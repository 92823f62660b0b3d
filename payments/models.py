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
    # The customer's checkout link lapsed unpaid; a new link is a new payment (attempt).
    EXPIRED = "expired", "Expired (link lapsed)"
    # A refund was asked of the provider and is not confirmed yet.
    REFUNDING = "refunding", "Refund requested"
    REFUNDED = "refunded", "Refunded"


class ProviderName(models.TextChoices):
    NONE = "", "None (manual)"
    STRIPE = "stripe", "Stripe"


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
    # --- the payment provider's side (empty with PAYMENT_PROVIDER=none) ---
    provider = models.CharField(max_length=16, choices=ProviderName.choices, blank=True, default="")
    # 1 for the order's first link, +1 for each new link after one expired.
    attempt = models.PositiveSmallIntegerField(default=1)
    provider_session_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    provider_payment_intent = models.CharField(max_length=255, blank=True, db_index=True)
    provider_url = models.URLField(max_length=2000, blank=True)
    provider_status = models.CharField(
        max_length=40, blank=True, help_text="As the provider last reported it."
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    refund_id = models.CharField(max_length=255, blank=True)
    refund_status = models.CharField(max_length=40, blank=True)
    refunded_amount = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    # Set when something needs a person: an amount or currency that does not match the
    # order (never marked paid), money taken for a cancelled order, a failed refund.
    review_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="payment_amount_gte_0"),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["provider", "status", "created_at"], name="payment_provider_due"),
        ]
        permissions = [("refund_payment", "Can refund a payment through the provider")]

    def __str__(self) -> str:
        return self.reference

    @property
    def needs_review(self) -> bool:
        return bool(self.review_reason)

    def link(self) -> str:
        if self.provider_url:
            return self.provider_url
        if not self.option.link_template:
            return ""
        return self.option.link_template.format(
            reference=self.reference, amount=self.amount, currency=self.currency
        )


class PaymentEvent(models.Model):
    """A provider webhook event, stored once by the provider's event id (a redelivery is a
    no-op) and processed after commit by a Celery task; `processed_at` and `outcome` say
    what it did. Also the event log staff read per payment."""

    provider = models.CharField(max_length=16, choices=ProviderName.choices)
    event_id = models.CharField(max_length=255, unique=True)
    event_type = models.CharField(max_length=80)
    payment = models.ForeignKey(
        Payment, related_name="events", null=True, blank=True, on_delete=models.SET_NULL
    )
    payload = models.JSONField()
    # When the provider created the event (its clock), for reading the log in order.
    provider_created_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["processed_at", "received_at"], name="paymentevent_due")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"
