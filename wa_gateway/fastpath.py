"""The webhook's fast path, in one place, and why it is shaped so.

Meta's `POST /hook/` is most of the web traffic: every customer message and every
sent/delivered/read status of every reply. Its work is only "verify, validate, store,
enqueue, answer 200" (views.py), so what surrounds that work dominates its cost:

- **Lean middleware** (this module): the request runs through `WEBHOOK_MIDDLEWARE` only
  (request ids, security headers and the HTTPS redirect). Sessions, auth, CSRF (the view
  is exempt), locale, messages and frame options concern browsers and cost a signed
  machine-to-machine JSON endpoint a third of its Django time. `project_core.wsgi` routes
  POST /hook/ here and everything else, GET /hook/verify/ included, to Django's handler.
- **One statement per message** (services.py): a message of a known customer is stored by
  one `INSERT … SELECT` that looks the customer up by WhatsApp id; the customer is written
  first only when new or renamed. The whole body is one transaction.
- **One LPUSH per drain** (publish.py): the inbox drain task is published as the exact
  message Celery would send, by one Redis LPUSH on a long-lived client, instead of kombu's
  per-call machinery (about 1 ms of CPU each).
"""

from __future__ import annotations

from django.conf import settings
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.utils.module_loading import import_string


class WebhookHandler(WSGIHandler):
    """Django's WSGI handler with its chain built from WEBHOOK_MIDDLEWARE. The chain is
    built the way `BaseHandler.load_middleware` builds it for synchronous middleware
    (every class in WEBHOOK_MIDDLEWARE is), without touching settings.MIDDLEWARE."""

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(settings.WEBHOOK_MIDDLEWARE):
            middleware = import_string(path)(handler)
            if hasattr(middleware, "process_view"):
                self._view_middleware.insert(0, middleware.process_view)
            if hasattr(middleware, "process_template_response"):
                self._template_response_middleware.append(middleware.process_template_response)
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self._middleware_chain = handler
