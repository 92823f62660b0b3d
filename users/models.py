from __future__ import annotations

from django.db import models


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    ARABIC = "ar", "Arabic"


class Customer(models.Model):
    """A shopper, identified by the WhatsApp id Meta sends (the phone number in E.164
    digits, without '+')."""

    wa_id = models.CharField("WhatsApp id", max_length=32, unique=True)
    phone = models.CharField(max_length=32, blank=True)
    profile_name = models.CharField(max_length=256, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    opted_out = models.BooleanField(default=False)
    opted_out_at = models.DateTimeField(null=True, blank=True)
    # Marketing messages (back-in-stock alerts, cart reminders) need the customer's yes,
    # asked in the chat; the later of the two dates wins. STOP (opted_out) stops everything.
    marketing_consent_at = models.DateTimeField(null=True, blank=True)
    marketing_opt_out_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    # Last time the customer wrote to us: Meta only allows free-form messages for 24 hours
    # after it (the customer-service window).
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-last_seen_at", "-id"]
        indexes = [models.Index(fields=["last_seen_at"])]

    def __str__(self) -> str:
        return f"{self.profile_name or 'customer'} ({self.wa_id})"

    @property
    def marketing_consent(self) -> bool:
        """Whether the customer's latest answer about marketing messages was yes."""
        if self.marketing_consent_at is None:
            return False
        return self.marketing_opt_out_at is None or (
            self.marketing_consent_at > self.marketing_opt_out_at
        )

    @property
    def marketing_consent_asked(self) -> bool:
        return self.marketing_consent_at is not None or self.marketing_opt_out_at is not None
