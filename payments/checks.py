"""Fail closed at start-up: PAYMENT_PROVIDER=stripe without its keys is an error, so a
shop never sends customers to a checkout it cannot confirm."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

from .providers import PROVIDERS


@register()
def payment_provider_check(app_configs=None, **kwargs) -> list[Error]:
    errors = []
    name = (settings.PAYMENT_PROVIDER or "none").lower()
    if name not in PROVIDERS:
        errors.append(
            Error(
                f"PAYMENT_PROVIDER={settings.PAYMENT_PROVIDER!r} is not one of {PROVIDERS}",
                id="payments.E001",
            )
        )
    if name == "stripe":
        for setting in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_SUCCESS_URL"):
            if not getattr(settings, setting, ""):
                errors.append(Error(f"PAYMENT_PROVIDER=stripe needs {setting}", id="payments.E002"))
        if not 30 <= settings.STRIPE_SESSION_EXPIRY_MINUTES <= 1440:
            errors.append(
                Error(
                    "STRIPE_SESSION_EXPIRY_MINUTES must be between 30 and 1440 (Stripe's limits)",
                    id="payments.E003",
                )
            )
    return errors
