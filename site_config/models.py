from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models


class SiteConfig(models.Model):
    """The shop's singleton configuration (row pk=1), edited by staff in admin."""

    SINGLETON_PK = 1

    # A fixed, non-auto primary key: MariaDB refuses CHECK constraints on AUTO_INCREMENT.
    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_PK, editable=False)
    shop_name = models.CharField(max_length=120, default="Volt Electronics")
    support_phone = models.CharField(max_length=32, blank=True)
    support_email = models.EmailField(blank=True)
    default_language = models.CharField(
        max_length=2, choices=[("en", "English"), ("ar", "Arabic")], default="en"
    )
    business_hours_en = models.CharField(max_length=200, default="Sat-Thu 10:00-22:00")
    business_hours_ar = models.CharField(max_length=200, default="السبت-الخميس 10:00-22:00")
    welcome_text_en = models.TextField(default="Welcome! How can we help you today?")
    welcome_text_ar = models.TextField(default="أهلاً بك! كيف نقدر نساعدك اليوم؟")
    session_timeout_minutes = models.PositiveIntegerField(
        default=60, help_text="Minutes of silence after which a conversation starts over."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "site configuration"
        verbose_name_plural = "site configuration"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="siteconfig_singleton"),
        ]

    def __str__(self) -> str:
        return self.shop_name

    def clean(self) -> None:
        if self.pk not in (None, self.SINGLETON_PK):
            raise ValidationError("There is only one site configuration.")
        if self.session_timeout_minutes < 1:
            raise ValidationError({"session_timeout_minutes": "Must be at least one minute."})

    def welcome_text(self, language: str) -> str:
        return self.welcome_text_ar if language == "ar" else self.welcome_text_en

    def business_hours(self, language: str) -> str:
        return self.business_hours_ar if language == "ar" else self.business_hours_en
