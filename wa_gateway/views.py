"""The WhatsApp webhook: verify, parse, store, enqueue, answer 200. No dialog work here."""

from __future__ import annotations

import hmac
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from project_core.metrics import INBOUND_EVENTS, WEBHOOK_OUTCOME

from .parsing import InvalidWebhook, parse_webhook, webhook_decode
from .services import webhook_ingest
from .signatures import signature_valid
from .tasks import enqueue_inbox

logger = logging.getLogger(__name__)
_warned_unsigned = False


def _verify(request: HttpRequest) -> HttpResponse:
    mode = request.GET.get("hub.mode")
    token = request.GET.get("hub.verify_token", "")
    challenge = request.GET.get("hub.challenge", "")
    if (
        mode == "subscribe"
        and settings.WA_VERIFY_TOKEN
        and token
        and hmac_equal(token, settings.WA_VERIFY_TOKEN)
    ):
        return HttpResponse(challenge, content_type="text/plain")
    return HttpResponse("verification failed", status=403, content_type="text/plain")


def hmac_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def _signature_ok(request: HttpRequest, body: bytes) -> bool:
    """Fail closed: without an app secret nothing is accepted, except with DEBUG on and an
    explicit WA_ALLOW_UNSIGNED=1 (local experiments)."""
    global _warned_unsigned
    secret = settings.WA_APP_SECRET
    if not secret:
        allowed = settings.DEBUG and settings.WA_ALLOW_UNSIGNED
        if not _warned_unsigned:
            logger.warning(
                "WA_APP_SECRET is empty: unsigned webhooks are %s",
                "ACCEPTED (DEBUG and WA_ALLOW_UNSIGNED)" if allowed else "refused",
            )
            _warned_unsigned = True
        return allowed
    return signature_valid(
        body=body, header=request.headers.get("X-Hub-Signature-256", ""), secret=secret
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _verify(request)
    limit = settings.WEBHOOK_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return _too_large()
    try:
        body = request.body
    except RequestDataTooBig:
        return _too_large()
    if len(body) > limit:
        return _too_large()
    if not _signature_ok(request, body):
        WEBHOOK_OUTCOME["forbidden"].inc()
        return JsonResponse({"error": "invalid signature"}, status=403)
    try:
        # The whole body is checked before anything is stored (caps, shape, types).
        webhook_body = parse_webhook(webhook_decode(body))
    except InvalidWebhook as exc:
        WEBHOOK_OUTCOME["bad_request"].inc()
        return JsonResponse({"error": f"not a WhatsApp webhook: {exc}"}, status=400)
    customer_ids = webhook_ingest(webhook=webhook_body)
    for customer_id in sorted(customer_ids):
        transaction.on_commit(lambda cid=customer_id: enqueue_inbox(cid))
    ours = webhook_body.messages or webhook_body.statuses
    WEBHOOK_OUTCOME["foreign" if webhook_body.foreign and not ours else "ok"].inc()
    if webhook_body.messages:
        INBOUND_EVENTS.inc(len(webhook_body.messages))
    return JsonResponse({"status": "ok"})


def _too_large() -> JsonResponse:
    WEBHOOK_OUTCOME["too_large"].inc()
    return JsonResponse({"error": "body too large"}, status=413)
