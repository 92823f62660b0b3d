"""Register the webhook subscriptions this app handles (GraphQL `webhookSubscriptionCreate`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from .client import ShopifyClient
from .webhook_inbox import TOPICS

SUBSCRIPTION_CREATE = """
mutation WebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!,
                                   $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic }
    userErrors { field message }
  }
}
"""
# `uri` replaced `callbackUrl` in API version 2025-10.
URI_SINCE = "2025-10"


def topic_enum(topic: str) -> str:
    """`products/update` → `PRODUCTS_UPDATE` (Shopify's WebhookSubscriptionTopic)."""
    return topic.replace("/", "_").upper()


def webhook_subscriptions_register(
    *, url: str, client: ShopifyClient | None = None
) -> dict[str, str]:
    """Subscribe every handled topic to `url` (https). Returns topic → "created" | the
    reason Shopify gave (an existing subscription for the address is reported, not an
    error: running this twice is safe)."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError("the webhook URL must be an absolute https:// URL (Shopify requires it)")
    client = client or ShopifyClient()
    address_field = "uri" if client.api_version >= URI_SINCE else "callbackUrl"
    outcome: dict[str, str] = {}
    for topic in sorted(TOPICS):
        data = client.graphql(
            SUBSCRIPTION_CREATE,
            {
                "topic": topic_enum(topic),
                "webhookSubscription": {address_field: url, "format": "JSON"},
            },
        )
        result = data.get("webhookSubscriptionCreate") or {}
        errors = result.get("userErrors") or []
        if result.get("webhookSubscription") and not errors:
            outcome[topic] = "created"
        else:
            outcome[topic] = "; ".join(str(e.get("message")) for e in errors) or "no subscription"
    return outcome
