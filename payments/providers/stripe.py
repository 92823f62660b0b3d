"""Stripe through its official SDK, pointed at STRIPE_API_BASE (tests: a local fake)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import stripe
from django.conf import settings

from .base import (
    CheckoutRequest,
    CheckoutSession,
    InvalidWebhook,
    PaymentProviderError,
    ProviderNotConfigured,
    ProviderUnavailable,
    ProviderUpdate,
    RefundResult,
    UpdateKind,
    WebhookEvent,
)

# Worth retrying later: the network, Stripe's side, rate limits, a concurrent request
# with the same idempotency key.
_RETRYABLE = (
    stripe.APIConnectionError,
    stripe.RateLimitError,
    stripe.APIError,
    stripe.IdempotencyError,
)


# Personal data Stripe puts on sessions and charges that the shop does not need to keep
# (it has the order's contact details): dropped before an event is stored.
_PERSONAL_FIELDS = frozenset(
    {
        "customer_details",
        "customer_email",
        "shipping_details",
        "collected_information",
        "billing_details",
        "receipt_email",
        "shipping",
        "payment_method_details",
    }
)


def _timestamp(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def _session(obj: Any) -> CheckoutSession:
    payment_intent = obj.get("payment_intent") or ""
    if not isinstance(payment_intent, str):  # expanded
        payment_intent = payment_intent.get("id", "")
    return CheckoutSession(
        session_id=obj["id"],
        url=obj.get("url") or "",
        status=obj.get("status") or "",
        payment_status=obj.get("payment_status") or "",
        amount_minor=obj.get("amount_total"),
        currency=(obj.get("currency") or "").upper(),
        payment_intent=payment_intent,
        expires_at=_timestamp(obj.get("expires_at")),
        metadata={str(k): str(v) for k, v in (obj.get("metadata") or {}).items()},
    )


class StripeProvider:
    name = "stripe"

    def __init__(
        self, *, secret_key: str, webhook_secret: str, api_base: str, timeout: float
    ) -> None:
        self.webhook_secret = webhook_secret
        self.tolerance = settings.STRIPE_WEBHOOK_TOLERANCE
        self._secret_key = secret_key
        self._api_base = api_base
        self._timeout = timeout

    @classmethod
    def from_settings(cls) -> StripeProvider:
        return cls(
            secret_key=settings.STRIPE_SECRET_KEY,
            webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
            api_base=settings.STRIPE_API_BASE,
            timeout=settings.STRIPE_REQUEST_TIMEOUT,
        )

    def _client(self) -> stripe.StripeClient:
        if not self._secret_key:
            raise ProviderNotConfigured("STRIPE_SECRET_KEY is not set")
        return stripe.StripeClient(
            self._secret_key,
            base_addresses={"api": self._api_base},
            max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
            http_client=stripe.RequestsClient(timeout=self._timeout),
        )

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            result = fn(*args, **kwargs)
        except _RETRYABLE as exc:
            raise ProviderUnavailable(f"{what}: {exc.user_message or exc}") from exc
        except stripe.StripeError as exc:
            raise PaymentProviderError(f"{what}: {exc.user_message or exc}") from exc
        # Plain dicts from here on: StripeObjects are not dicts in SDK v16.
        return result.to_dict() if isinstance(result, stripe.StripeObject) else result

    # --- Checkout Sessions -----------------------------------------------------------------
    def checkout_create(self, request: CheckoutRequest) -> CheckoutSession:
        metadata = {"order_number": request.order_number, "payment_reference": request.reference}
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": request.currency.lower(),
                        "unit_amount": request.amount_minor,
                        "product_data": {"name": request.description},
                    },
                }
            ],
            "client_reference_id": request.order_number,
            "metadata": metadata,
            # Copied onto the PaymentIntent, so its events (and refunds) find the payment.
            "payment_intent_data": {"metadata": metadata, "description": request.description},
            "expires_at": int(request.expires_at.timestamp()),
            "success_url": settings.STRIPE_SUCCESS_URL,
        }
        if settings.STRIPE_CANCEL_URL:
            params["cancel_url"] = settings.STRIPE_CANCEL_URL
        client = self._client()
        session = self._call(
            "creating a Checkout Session",
            client.v1.checkout.sessions.create,
            params=params,
            options={"idempotency_key": request.idempotency_key},
        )
        return _session(session)

    def checkout_get(self, session_id: str) -> CheckoutSession:
        client = self._client()
        return _session(
            self._call(
                "fetching a Checkout Session", client.v1.checkout.sessions.retrieve, session_id
            )
        )

    def checkout_expire(self, session_id: str) -> CheckoutSession:
        client = self._client()
        return _session(
            self._call(
                "expiring a Checkout Session", client.v1.checkout.sessions.expire, session_id
            )
        )

    def payment_intent_metadata(self, payment_intent: str) -> dict[str, str]:
        client = self._client()
        intent = self._call(
            "fetching a PaymentIntent", client.v1.payment_intents.retrieve, payment_intent
        )
        return {str(k): str(v) for k, v in (intent.get("metadata") or {}).items()}

    # --- Refunds ---------------------------------------------------------------------------
    def refund_create(
        self, *, payment_intent: str, amount_minor: int, idempotency_key: str, reason: str
    ) -> RefundResult:
        client = self._client()
        refund = self._call(
            "creating a refund",
            client.v1.refunds.create,
            params={
                "payment_intent": payment_intent,
                "amount": amount_minor,
                "reason": "requested_by_customer",
                "metadata": {"reason": reason[:400]},
            },
            options={"idempotency_key": idempotency_key},
        )
        return RefundResult(
            refund_id=refund["id"], status=refund.get("status") or "", amount_minor=refund["amount"]
        )

    # --- Webhooks --------------------------------------------------------------------------
    def webhook_parse(self, *, payload: bytes, signature: str) -> WebhookEvent:
        """Verify `Stripe-Signature` over the raw body (the SDK: HMAC-SHA256, constant time,
        timestamp within the tolerance) and check the event's shape."""
        if not self.webhook_secret:
            raise InvalidWebhook("STRIPE_WEBHOOK_SECRET is not set: webhooks are refused")
        if not signature:
            raise InvalidWebhook("no Stripe-Signature header")
        try:
            stripe.Webhook.construct_event(
                payload, signature, self.webhook_secret, tolerance=self.tolerance
            )
        except stripe.SignatureVerificationError as exc:
            raise InvalidWebhook(f"bad signature: {exc.user_message or exc}") from exc
        except ValueError as exc:
            raise InvalidWebhook("the body is not JSON") from exc
        data = json.loads(payload)
        event_id, event_type = data.get("id"), data.get("type")
        obj = (data.get("data") or {}).get("object")
        if not (isinstance(event_id, str) and event_id and isinstance(event_type, str)):
            raise InvalidWebhook("an event needs an id and a type")
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
            raise InvalidWebhook("an event needs data.object with an id")
        obj = {key: value for key, value in obj.items() if key not in _PERSONAL_FIELDS}
        data["data"]["object"] = obj
        return WebhookEvent(
            event_id=event_id[:255],
            event_type=event_type[:80],
            created=_timestamp(data.get("created")),
            obj=obj,
            payload=data,
        )

    def webhook_interpret(self, event: WebhookEvent) -> ProviderUpdate:
        """The event in our terms. Sessions and PaymentIntents carry our reference in their
        metadata; a charge only its PaymentIntent id."""
        obj, kind = event.obj, event.event_type
        if kind in {"checkout.session.completed", "checkout.session.async_payment_succeeded"}:
            session = _session(obj)
            paid = session.payment_status == "paid"
            return ProviderUpdate(
                kind=UpdateKind.PAID if paid else UpdateKind.PAYMENT_PENDING,
                reference=session.metadata.get("payment_reference", ""),
                session_id=session.session_id,
                payment_intent=session.payment_intent,
                amount_minor=session.amount_minor,
                currency=session.currency,
                provider_status=f"{session.status}/{session.payment_status}",
            )
        if kind in {"checkout.session.expired", "checkout.session.async_payment_failed"}:
            session = _session(obj)
            return ProviderUpdate(
                kind=UpdateKind.EXPIRED if kind.endswith("expired") else UpdateKind.FAILED,
                reference=session.metadata.get("payment_reference", ""),
                session_id=session.session_id,
                provider_status=f"{session.status}/{session.payment_status}",
            )
        if kind == "payment_intent.succeeded":
            metadata = obj.get("metadata") or {}
            return ProviderUpdate(
                kind=UpdateKind.PAID,
                reference=str(metadata.get("payment_reference", "")),
                payment_intent=obj["id"],
                amount_minor=obj.get("amount_received"),
                currency=(obj.get("currency") or "").upper(),
                provider_status=f"payment_intent/{obj.get('status', '')}",
            )
        if kind == "charge.refunded":
            payment_intent = obj.get("payment_intent") or ""
            refunds = (obj.get("refunds") or {}).get("data") or []
            return ProviderUpdate(
                kind=UpdateKind.REFUNDED,
                reference=str((obj.get("metadata") or {}).get("payment_reference", "")),
                payment_intent=payment_intent if isinstance(payment_intent, str) else "",
                amount_minor=obj.get("amount_refunded"),
                currency=(obj.get("currency") or "").upper(),
                refund_id=refunds[0].get("id", "") if refunds else "",
                fully_refunded=bool(obj.get("refunded")),
                provider_status="charge/refunded" if obj.get("refunded") else "charge/partial",
            )
        return ProviderUpdate(kind=UpdateKind.IGNORED)
