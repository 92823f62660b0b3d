"""`POST /shopify/webhooks/`: verify, store once, answer; the work runs after commit."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .inventory_levels import shopify_time
from .tasks import enqueue_webhook
from .webhook_inbox import TOPICS, WebhookRejected, hmac_valid, webhook_event_store

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def shopify_webhook(request: HttpRequest) -> HttpResponse:
    """401 unless the HMAC of the raw body matches SHOPIFY_WEBHOOK_SECRET (nothing is
    stored); 200 for a topic we do not handle (Shopify stops retrying); 400 for a body
    that is not a JSON object or a missing webhook id; else stored once and 200."""
    limit = settings.WEBHOOK_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    try:
        body = b"" if declared > limit else request.body
    except RequestDataTooBig:
        body = b""
    if declared > limit or len(body) > limit:
        return JsonResponse({"error": "body too large"}, status=413)
    if not hmac_valid(
        body=body,
        header=request.headers.get("X-Shopify-Hmac-Sha256", ""),
        secret=settings.SHOPIFY_WEBHOOK_SECRET,
    ):
        return JsonResponse({"error": "invalid HMAC"}, status=401)
    topic = request.headers.get("X-Shopify-Topic", "")
    if topic not in TOPICS:
        logger.info("Shopify webhook topic %r ignored", topic[:60])
        return JsonResponse({"status": "ignored"})
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": "body is not JSON"}, status=400)
    if not isinstance(payload, dict):
        return JsonResponse({"error": "body is not a JSON object"}, status=400)
    try:
        event, created = webhook_event_store(
            webhook_id=request.headers.get("X-Shopify-Webhook-Id", "").strip(),
            topic=topic,
            shop_domain=request.headers.get("X-Shopify-Shop-Domain", ""),
            triggered_at=shopify_time(request.headers.get("X-Shopify-Triggered-At")),
            payload=payload,
        )
    except WebhookRejected as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    if created:
        transaction.on_commit(lambda: enqueue_webhook(event.pk))
    return JsonResponse({"status": "ok" if created else "duplicate"})
