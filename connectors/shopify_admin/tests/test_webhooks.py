"""`POST /shopify/webhooks/`: HMAC, dedupe, store then apply after commit, out-of-order."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from connectors.shopify_admin.models import ProductVersion, WebhookEvent
from connectors.shopify_admin.product_sync import sync_products
from connectors.shopify_admin.tasks import shopify_sweep_task
from inventory.models import Product

from .fake_admin import WEBHOOK_URL, post_signed, product_payload, signed_headers
from .fake_shopify import RestShop

pytestmark = pytest.mark.django_db

NEWER = "2026-11-02T10:00:00-05:00"
OLDER = "2026-11-01T10:00:00-05:00"


@pytest.fixture
def post(web: Client, fake_admin, django_capture_on_commit_callbacks):
    """Post a signed webhook and run what the commit triggers (the eager task)."""

    def send(topic: str, payload: dict, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post_signed(web, topic, payload, **kwargs)

    return send


def test_a_products_update_webhook_changes_the_price_at_once(post) -> None:
    # given
    post("products/create", product_payload(1, price="100.00", updated_at=OLDER))
    # when
    response = post("products/update", product_payload(1, price="89.00", updated_at=NEWER))
    # then
    assert response.status_code == 200
    assert Product.objects.get(shopify_variant_id=10).price == Decimal("89.00")
    assert WebhookEvent.objects.filter(processed_at__isnull=False).count() == 2


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_X_SHOPIFY_HMAC_SHA256": "bm90IHRoZSBobWFj"},
        {"HTTP_X_SHOPIFY_HMAC_SHA256": ""},
        "wrong-secret",
        "missing",
    ],
)
def test_a_bad_or_missing_hmac_gets_401_and_stores_nothing(web, fake_admin, headers) -> None:
    # given
    body = json.dumps(product_payload(1)).encode()
    signed = signed_headers(body, topic="products/update")
    if headers == "wrong-secret":
        signed = signed_headers(body, topic="products/update", secret="another-app")
    elif headers == "missing":
        del signed["HTTP_X_SHOPIFY_HMAC_SHA256"]
    else:
        signed.update(headers)
    # when
    response = web.post(WEBHOOK_URL, data=body, content_type="application/json", **signed)
    # then
    assert response.status_code == 401
    assert not WebhookEvent.objects.exists() and not Product.objects.exists()


def test_without_a_configured_secret_every_webhook_is_refused(web, fake_admin, settings) -> None:
    # given: a body "signed" with the empty secret
    settings.SHOPIFY_WEBHOOK_SECRET = ""
    body = json.dumps(product_payload(1)).encode()
    # when
    response = web.post(
        WEBHOOK_URL,
        data=body,
        content_type="application/json",
        **signed_headers(body, topic="products/update", secret=""),
    )
    # then
    assert response.status_code == 401
    assert not WebhookEvent.objects.exists()


def test_a_redelivered_webhook_is_stored_and_applied_once(post) -> None:
    # given
    first = post("products/update", product_payload(1, price="90.00"), webhook_id="wh-1")
    # when: the same delivery again (Shopify retries), by then with a changed body
    again = post("products/update", product_payload(1, price="10.00"), webhook_id="wh-1")
    # then
    assert (first.json(), again.json()) == ({"status": "ok"}, {"status": "duplicate"})
    assert WebhookEvent.objects.count() == 1
    assert Product.objects.get(shopify_variant_id=10).price == Decimal("90.00")


def test_an_older_update_arriving_late_never_overwrites_a_newer_one(post) -> None:
    # given
    post("products/update", product_payload(1, price="89.00", updated_at=NEWER))
    # when
    post("products/update", product_payload(1, price="100.00", updated_at=OLDER))
    # then
    assert Product.objects.get(shopify_variant_id=10).price == Decimal("89.00")
    assert WebhookEvent.objects.order_by("id").last().outcome.startswith("stale")


def test_the_scheduled_sync_does_not_undo_a_newer_webhook(post, httpserver) -> None:
    # given: the webhook applied a newer state than the page the sync then reads
    post("products/update", product_payload(1, price="89.00", updated_at=NEWER))
    RestShop(httpserver, [[product_payload(1, price="100.00", updated_at=OLDER)]])
    # when
    result = sync_products(full=True, api="rest")
    # then
    assert result.stale == 1 and result.deactivated == 0
    assert Product.objects.get(shopify_variant_id=10).price == Decimal("89.00")


def test_a_deleted_product_is_deactivated_and_a_late_update_does_not_revive_it(post) -> None:
    # given
    post("products/create", product_payload(1, updated_at=OLDER))
    # when
    post("products/delete", {"id": 1}, triggered_at="2026-11-03T10:00:00-05:00")
    post("products/update", product_payload(1, updated_at=NEWER))
    # then
    assert Product.objects.get(shopify_variant_id=10).active is False
    assert ProductVersion.objects.get(shopify_product_id=1).deleted


def test_a_topic_we_do_not_handle_is_acknowledged_and_not_stored(post) -> None:
    # when
    response = post("customers/create", {"id": 5})
    # then
    assert (response.status_code, response.json()) == (200, {"status": "ignored"})
    assert not WebhookEvent.objects.exists()


def test_a_body_that_is_not_a_json_object_is_a_400(web, fake_admin) -> None:
    # given
    body = b"[1, 2]"
    # when
    response = web.post(
        WEBHOOK_URL,
        data=body,
        content_type="application/json",
        **signed_headers(body, topic="products/update"),
    )
    # then
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_stored_webhook_whose_task_was_lost_is_applied_by_the_sweep(
    web, fake_admin, django_capture_on_commit_callbacks
) -> None:
    # given: stored, but the enqueue after commit never ran (broker down)
    post_signed(web, "products/update", product_payload(1, price="77.00"))
    event = WebhookEvent.objects.get()
    WebhookEvent.objects.filter(pk=event.pk).update(
        received_at=event.received_at.replace(year=2025)
    )
    assert not Product.objects.exists()
    # when
    result = shopify_sweep_task()
    # then
    assert result["webhooks"] == 1
    assert Product.objects.get(shopify_variant_id=10).price == Decimal("77.00")
    assert WebhookEvent.objects.get().processed_at is not None


def test_the_sweep_purges_processed_webhooks_past_retention_and_keeps_failing_ones(
    post, settings
) -> None:
    # given: one old processed delivery, one old unprocessed, one recent processed
    post("products/update", product_payload(1), webhook_id="old-done")
    post("products/update", product_payload(2), webhook_id="recent")
    WebhookEvent.objects.create(
        webhook_id="old-stuck", topic="products/update", payload={}, attempts=8
    )
    old = timezone.now() - timedelta(days=settings.DATA_RETENTION_DAYS + 1)
    WebhookEvent.objects.filter(webhook_id__startswith="old").update(received_at=old)
    WebhookEvent.objects.filter(webhook_id="old-done").update(processed_at=old)
    # when
    result = shopify_sweep_task()
    # then
    assert result["purged"] == 1
    assert set(WebhookEvent.objects.values_list("webhook_id", flat=True)) == {"recent", "old-stuck"}


def test_a_signed_delivery_without_a_webhook_id_is_a_400(web, fake_admin) -> None:
    # given
    body = json.dumps(product_payload(1)).encode()
    headers = signed_headers(body, topic="products/update")
    del headers["HTTP_X_SHOPIFY_WEBHOOK_ID"]
    # when
    response = web.post(WEBHOOK_URL, data=body, content_type="application/json", **headers)
    # then
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_body_above_the_limit_is_a_413(web, fake_admin, settings) -> None:
    # given
    settings.WEBHOOK_MAX_BODY_BYTES = 100
    body = json.dumps(product_payload(1)).encode()
    # when
    response = web.post(
        WEBHOOK_URL,
        data=body,
        content_type="application/json",
        **signed_headers(body, topic="products/update"),
    )
    # then
    assert response.status_code == 413
    assert not WebhookEvent.objects.exists()
