"""`provider_get()`: the configured card processor (PAYMENT_PROVIDER), or None with
`none`, where cash on delivery, bank transfer and static links work as before."""

from __future__ import annotations

from django.conf import settings

from .base import (
    CheckoutRequest,
    CheckoutSession,
    InvalidWebhook,
    PaymentProvider,
    PaymentProviderError,
    ProviderNotConfigured,
    ProviderUnavailable,
    ProviderUpdate,
    RefundResult,
    UpdateKind,
    WebhookEvent,
)

PROVIDERS = ("none", "stripe")

__all__ = [
    "CheckoutRequest",
    "CheckoutSession",
    "InvalidWebhook",
    "PaymentProvider",
    "PaymentProviderError",
    "ProviderNotConfigured",
    "ProviderUnavailable",
    "ProviderUpdate",
    "RefundResult",
    "UpdateKind",
    "WebhookEvent",
    "provider_get",
    "provider_name",
]


def provider_name() -> str:
    """ "" with PAYMENT_PROVIDER=none (or unknown: fail closed to manual payments)."""
    name = (settings.PAYMENT_PROVIDER or "none").lower()
    return name if name in PROVIDERS and name != "none" else ""


def provider_get(name: str | None = None) -> PaymentProvider | None:
    """The provider `name` (default: the configured one), or None for manual payments.
    Settings are read on every call, so tests and a changed .env need no restart."""
    name = provider_name() if name is None else name
    if name == "stripe":
        from .stripe import StripeProvider

        return StripeProvider.from_settings()
    return None
