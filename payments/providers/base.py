"""The seam between payments and a card processor: what a provider must do, in our terms
(minor units, our references), and the errors it raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


class PaymentProviderError(Exception):
    """The provider refused or could not be reached. `retryable`: worth trying again."""

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


class ProviderUnavailable(PaymentProviderError):
    """A failure worth retrying later: the network, the provider's side, rate limits."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=True)


class ProviderNotConfigured(PaymentProviderError):
    """PAYMENT_PROVIDER names a provider whose keys are missing."""


class InvalidWebhook(Exception):
    """A webhook whose signature, age or shape is wrong: answered 400, nothing stored."""


@dataclass(frozen=True)
class CheckoutRequest:
    reference: str  # our payment reference
    order_number: str
    amount_minor: int
    currency: str  # ISO 4217, upper case
    description: str
    idempotency_key: str
    expires_at: datetime
    customer_phone: str = ""


@dataclass(frozen=True)
class CheckoutSession:
    """A hosted checkout page, as the provider reports it."""

    session_id: str
    url: str
    status: str  # open | complete | expired
    payment_status: str  # unpaid | paid | no_payment_required
    amount_minor: int | None
    currency: str
    payment_intent: str = ""
    expires_at: datetime | None = None
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def paid(self) -> bool:
        return self.status == "complete" and self.payment_status == "paid"


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    status: str  # pending | requires_action | succeeded | failed | canceled
    amount_minor: int


@dataclass(frozen=True)
class WebhookEvent:
    event_id: str
    event_type: str
    created: datetime | None
    obj: dict[str, Any]  # data.object
    payload: dict[str, Any]  # the whole event, as stored


class UpdateKind:
    PAID = "paid"
    PAYMENT_PENDING = "payment_pending"  # completed, money not settled yet (async methods)
    FAILED = "failed"
    EXPIRED = "expired"
    REFUNDED = "refunded"
    IGNORED = "ignored"


@dataclass(frozen=True)
class ProviderUpdate:
    """What a webhook event means for one of our payments, in our terms."""

    kind: str  # UpdateKind
    reference: str = ""  # our payment reference, when the event carries it
    session_id: str = ""
    payment_intent: str = ""
    amount_minor: int | None = None
    currency: str = ""
    refund_id: str = ""
    fully_refunded: bool = False
    provider_status: str = ""


class PaymentProvider(Protocol):
    name: str

    def checkout_create(self, request: CheckoutRequest) -> CheckoutSession: ...

    def checkout_get(self, session_id: str) -> CheckoutSession: ...

    def checkout_expire(self, session_id: str) -> CheckoutSession: ...

    def payment_intent_metadata(self, payment_intent: str) -> dict[str, str]: ...

    def refund_create(
        self, *, payment_intent: str, amount_minor: int, idempotency_key: str, reason: str
    ) -> RefundResult: ...

    def webhook_parse(self, *, payload: bytes, signature: str) -> WebhookEvent: ...

    def webhook_interpret(self, event: WebhookEvent) -> ProviderUpdate: ...
