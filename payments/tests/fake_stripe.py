"""A fake Stripe API on a real local HTTP server (pytest-httpserver) that the official SDK
reaches through STRIPE_API_BASE, and webhook events signed like Stripe signs them.

It checks what Stripe checks (the secret key, form-encoded params, idempotency keys: a
repeated key with the same params answers the first response, with other params a 400),
and keeps sessions, PaymentIntents and refunds so tests can complete, expire or refund
them "at Stripe" and then deliver the matching event."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from werkzeug import Request, Response

SECRET_KEY = "sk_test_fake_123"
WEBHOOK_SECRET = "whsec_test_fake_456"
SUCCESS_URL = "https://shop.example/paid"


def stripe_signature(payload: bytes, *, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    """`Stripe-Signature` as Stripe computes it: t=<unix>,v1=HMAC-SHA256(secret, "t.body")."""
    at = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


@dataclass
class FakeStripe:
    server: Any
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, str], str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    _idempotent: dict[str, tuple[dict[str, str], Response]] = field(default_factory=dict)
    _counter: int = 0
    fail_next: int = 0  # answer this many API calls with a 500

    # --- the API ----------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        params = dict(request.form.items()) if request.method == "POST" else dict(request.args)
        key = request.headers.get("Idempotency-Key", "")
        self.requests.append((request.method, request.path, params, key))
        if request.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
            self.problems.append(f"bad Authorization {request.headers.get('Authorization')!r}")
            return self._error(401, "authentication_error", "Invalid API Key provided")
        if self.fail_next:
            self.fail_next -= 1
            return self._error(500, "api_error", "Something went wrong on Stripe's end")
        if request.method == "POST" and key in self._idempotent:
            first_params, first_response = self._idempotent[key]
            if first_params != params:
                return self._error(
                    400,
                    "idempotency_error",
                    "Keys for idempotent requests can only be used with the same parameters",
                )
            return first_response
        response = self._route(request.method, request.path, params)
        if request.method == "POST" and key and response.status_code < 500:
            self._idempotent[key] = (params, response)
        return response

    def _route(self, method: str, path: str, params: dict[str, str]) -> Response:
        if method == "POST" and path == "/v1/checkout/sessions":
            return self._json(self._session_create(params))
        match = re.fullmatch(r"/v1/checkout/sessions/(cs_[\w]+)(/expire)?", path)
        if match:
            session = self.sessions.get(match.group(1))
            if session is None:
                return self._error(404, "invalid_request_error", "No such checkout.session")
            if match.group(2):
                if session["status"] != "open":
                    return self._error(
                        400, "invalid_request_error", "Only open sessions can be expired"
                    )
                session["status"] = "expired"
            return self._json(session)
        match = re.fullmatch(r"/v1/payment_intents/(pi_[\w]+)", path)
        if match and match.group(1) in self.intents:
            return self._json(self.intents[match.group(1)])
        if method == "POST" and path == "/v1/refunds":
            intent = self.intents.get(params.get("payment_intent", ""))
            if intent is None:
                return self._error(400, "invalid_request_error", "No such payment_intent")
            self._counter += 1
            refund = {
                "id": f"re_{self._counter:06d}",
                "object": "refund",
                "amount": int(params["amount"]),
                "currency": intent["currency"],
                "payment_intent": intent["id"],
                "status": "succeeded",
            }
            self.refunds[refund["id"]] = refund
            return self._json(refund)
        return self._error(404, "invalid_request_error", f"Unrecognized request URL {path}")

    def _session_create(self, params: dict[str, str]) -> dict[str, Any]:
        for required in ("mode", "success_url", "client_reference_id", "expires_at"):
            if required not in params:
                self.problems.append(f"session without {required}")
        amount = int(params["line_items[0][price_data][unit_amount]"]) * int(
            params["line_items[0][quantity]"]
        )
        self._counter += 1
        session_id = f"cs_test_{self._counter:06d}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "url": f"https://checkout.stripe.test/c/pay/{session_id}",
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": amount,
            "currency": params["line_items[0][price_data][currency]"],
            "client_reference_id": params["client_reference_id"],
            "expires_at": int(params["expires_at"]),
            "payment_intent": None,
            "metadata": {
                k[len("metadata[") : -1]: v for k, v in params.items() if k.startswith("metadata[")
            },
            "intent_metadata": {
                k[len("payment_intent_data[metadata][") : -1]: v
                for k, v in params.items()
                if k.startswith("payment_intent_data[metadata][")
            },
        }
        self.sessions[session_id] = session
        return session

    @staticmethod
    def _json(body: dict[str, Any], status: int = 200) -> Response:
        return Response(json.dumps(body), status=status, content_type="application/json")

    def _error(self, status: int, kind: str, message: str) -> Response:
        return self._json({"error": {"type": kind, "message": message}}, status)

    # --- what tests do "at Stripe" ----------------------------------------------------
    @property
    def session_creates(self) -> list[tuple[str, str, dict[str, str], str]]:
        return [r for r in self.requests if r[0] == "POST" and r[1] == "/v1/checkout/sessions"]

    def pay(self, session_id: str, *, amount: int | None = None, currency: str = "") -> dict:
        """The customer pays on the hosted page: the session completes, a PaymentIntent
        (carrying the session's payment_intent_data metadata) succeeds."""
        session = self.sessions[session_id]
        self._counter += 1
        intent_id = f"pi_test_{self._counter:06d}"
        if amount is not None:
            session["amount_total"] = amount
        if currency:
            session["currency"] = currency
        self.intents[intent_id] = {
            "id": intent_id,
            "object": "payment_intent",
            "amount_received": session["amount_total"],
            "currency": session["currency"],
            "status": "succeeded",
            "metadata": session["intent_metadata"],
        }
        session.update(status="complete", payment_status="paid", payment_intent=intent_id)
        return session

    def expire(self, session_id: str) -> dict:
        self.sessions[session_id]["status"] = "expired"
        return self.sessions[session_id]

    def charge_refunded(self, intent_id: str) -> dict:
        """A charge of the PaymentIntent refunded in full (e.g. from Stripe's dashboard)."""
        intent = self.intents[intent_id]
        self._counter += 1
        return {
            "id": f"ch_test_{self._counter:06d}",
            "object": "charge",
            "amount": intent["amount_received"],
            "amount_refunded": intent["amount_received"],
            "currency": intent["currency"],
            "payment_intent": intent_id,
            "refunded": True,
            "metadata": {},
            "refunds": {"data": [{"id": f"re_dash_{self._counter:06d}"}]},
        }

    def event(self, event_type: str, obj: dict[str, Any], *, event_id: str = "") -> bytes:
        """A webhook event body as Stripe posts it."""
        self._counter += 1
        public = {k: v for k, v in obj.items() if k != "intent_metadata"}
        return json.dumps(
            {
                "id": event_id or f"evt_test_{self._counter:06d}",
                "object": "event",
                "api_version": "2026-10-28.endive",
                "created": int(time.time()),
                "type": event_type,
                "livemode": False,
                "data": {"object": public},
            }
        ).encode()

    def assert_clean(self) -> None:
        assert self.problems == []
