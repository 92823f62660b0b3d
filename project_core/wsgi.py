"""The WSGI application.

Meta's webhook (POST /hook/) is most of the traffic: every customer message and every
sent/delivered/read status of every reply. It is served by Django with only the
middleware a signed machine-to-machine JSON endpoint uses (WEBHOOK_MIDDLEWARE: request
ids and the security headers and HTTPS redirect). Sessions, auth, CSRF (the view is
exempt), locale, messages and frame options concern browsers, and cost that endpoint a
third of its Django time. Every other request, GET /hook/verify/ included, gets the whole
MIDDLEWARE stack.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application
from django.test.utils import override_settings

from project_core.entry import settings_module_default

settings_module_default()

WEBHOOK_PATH = "/hook/"


class WebhookHandler(WSGIHandler):
    """Django's own handler and middleware loading, over WEBHOOK_MIDDLEWARE."""

    def load_middleware(self, is_async: bool = False) -> None:
        from django.conf import settings

        # Only while the chain is built, in the importing thread, before any request.
        with override_settings(MIDDLEWARE=settings.WEBHOOK_MIDDLEWARE):
            super().load_middleware(is_async)


_default = get_wsgi_application()  # sets Django up
_webhook = WebhookHandler()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ.get("PATH_INFO") == WEBHOOK_PATH and environ.get("REQUEST_METHOD") == "POST":
        return _webhook(environ, start_response)
    return _default(environ, start_response)
