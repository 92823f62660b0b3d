from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from connectors.shopify_admin.client import ShopifyClient

from .fake_shopify import VERSION


class RecordingClient(ShopifyClient):
    """The real client with its sleeps recorded instead of slept, so retry and backoff
    code runs at full speed."""

    sleeps: list[float]


@pytest.fixture
def client(httpserver: HTTPServer) -> RecordingClient:
    sleeps: list[float] = []
    c = RecordingClient(
        store_url=httpserver.url_for("").rstrip("/"),
        token="shpat_test",
        api_version=VERSION,
        timeout=5,
        sleep=sleeps.append,
    )
    c.sleeps = sleeps
    return c


@pytest.fixture
def shopify_settings(httpserver: HTTPServer, settings):
    """Settings pointing at the fake shop, for code that builds its own client."""
    settings.SHOPIFY_STORE_URL = httpserver.url_for("").rstrip("/")
    settings.SHOPIFY_ACCESS_TOKEN = "shpat_settings"
    settings.SHOPIFY_API_VERSION = VERSION
    settings.SHOPIFY_API = "rest"
    settings.SHOPIFY_SYNC_COLLECTIONS = False  # the collection tests turn it on
    settings.SHOPIFY_SYNC_TRANSLATIONS = False  # the translation tests turn it on
    return settings


@pytest.fixture
def fake_admin(httpserver: HTTPServer, shopify_settings):
    """The fake Admin API for webhooks, inventory levels and order pushes, with the webhook
    secret set and every location counted."""
    from .fake_admin import SECRET, FakeAdmin

    shopify_settings.SHOPIFY_WEBHOOK_SECRET = SECRET
    shopify_settings.SHOPIFY_LOCATION_IDS = []
    return FakeAdmin(server=httpserver)


@pytest.fixture
def web():
    """Django's test client (`client` here is the Shopify API client)."""
    from django.test import Client

    return Client()
