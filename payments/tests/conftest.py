from __future__ import annotations

import re

import pytest

from wa_gateway.tests.fixtures import graph, post_webhook  # noqa: F401 - fixtures

from .fake_stripe import SECRET_KEY, SUCCESS_URL, WEBHOOK_SECRET, FakeStripe


@pytest.fixture
def fake_stripe(httpserver, settings) -> FakeStripe:
    """PAYMENT_PROVIDER=stripe with the official SDK pointed at a fake Stripe on a local
    HTTP server (the same server as the fake Graph API, other paths)."""
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = httpserver.url_for("").rstrip("/")
    settings.STRIPE_SUCCESS_URL = SUCCESS_URL
    settings.STRIPE_CANCEL_URL = ""
    settings.STRIPE_SESSION_EXPIRY_MINUTES = 60
    fake = FakeStripe(server=httpserver)
    httpserver.expect_request(re.compile(r"^/v1/.*")).respond_with_handler(fake.handle)
    yield fake
    fake.assert_clean()
