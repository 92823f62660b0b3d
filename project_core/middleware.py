"""Request-scoped middleware."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .log_context import bind_ids, unbind_ids

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_META = "HTTP_X_REQUEST_ID"  # read from META: request.headers copies them all
# A load balancer's id is reused when it looks like an id; anything else (too long, odd
# characters that could forge log fields) is replaced by our own.
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id: the proxy's `X-Request-ID` when valid, else a new one.

    The id is on `request.request_id`, on every log line written while the request is
    handled, and echoed in the response's `X-Request-ID`, so a customer report, the access
    log and the application logs can be matched.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get(_REQUEST_ID_META, "")
        rid = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = rid  # type: ignore[attr-defined]
        tokens = bind_ids(request_id=rid)
        try:
            response = self.get_response(request)
        finally:
            unbind_ids(tokens)
        response[REQUEST_ID_HEADER] = rid
        return response
