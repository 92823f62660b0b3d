"""The WSGI application (production settings unless DJANGO_SETTINGS_MODULE says otherwise).

Meta's webhook (POST /hook/) goes through the webhook's lean handler (see
`wa_gateway.fastpath` for why); every other request, GET /hook/verify/ included, through
Django's handler with the whole MIDDLEWARE stack.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application

from project_core.entry import settings_module_default

settings_module_default()

WEBHOOK_PATH = "/hook/"

_default = get_wsgi_application()  # sets Django up

from wa_gateway.fastpath import WebhookHandler  # noqa: E402 - needs Django set up

_webhook = WebhookHandler()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ.get("PATH_INFO") == WEBHOOK_PATH and environ.get("REQUEST_METHOD") == "POST":
        return _webhook(environ, start_response)
    return _default(environ, start_response)
