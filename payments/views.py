"""`POST /payments/stripe/webhook/`: verify, store once, answer fast. The work happens
after commit in `payments.process_event`."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import ProviderName
from .providers import InvalidWebhook
from .providers.stripe import StripeProvider
from .webhooks import payment_event_record

logger = logging.getLogger(__name__)

# Stripe events are small; anything far larger is not one.
MAX_BODY_BYTES = 512 * 1024


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """400 with nothing stored on a bad signature, a stale timestamp or a malformed event;
    200 for a stored event and for a redelivery of one (a no-op)."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > MAX_BODY_BYTES:
        return HttpResponse(status=413)
    payload = request.body
    try:
        event = StripeProvider.from_settings().webhook_parse(
            payload=payload, signature=request.headers.get("Stripe-Signature", "")
        )
    except InvalidWebhook as exc:
        logger.warning("stripe webhook refused: %s", exc)
        return HttpResponse(status=400)
    _stored, created = payment_event_record(provider=ProviderName.STRIPE, event=event)
    return JsonResponse({"received": True, "duplicate": not created})
