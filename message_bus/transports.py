"""Where outbound messages go: the Graph API, or the console when no token is configured.

The console transport is the embedded default (`make demo`, `manage.py chat`): everything
up to the HTTP call is the production path; the call itself is replaced by a log line and a
generated message id.
"""

from __future__ import annotations

import logging
import uuid
from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings

from wa_client.client import GraphClient, message_request_body

logger = logging.getLogger("message_bus.console")


class Transport(Protocol):
    def send(self, *, to: str, payload: dict[str, Any], callback_data: str = "") -> str: ...

    def mark_read(self, *, wamid: str, typing: bool = True) -> None: ...


class ConsoleTransport:
    def send(self, *, to: str, payload: dict[str, Any], callback_data: str = "") -> str:
        # The request Graph would get, built by the same allow-list (and refused alike).
        body = message_request_body(to=to, payload=payload, callback_data=callback_data)
        wamid = f"console.{uuid.uuid4().hex}"
        logger.debug("to %s: %s", to, body)
        return wamid

    def mark_read(self, *, wamid: str, typing: bool = True) -> None:
        logger.debug("read %s", wamid)


@lru_cache(maxsize=4)
def _graph_client(base_url: str, version: str, phone_id: str, token: str) -> GraphClient:
    return GraphClient(base_url=base_url, api_version=version, phone_id=phone_id, token=token)


def transport_get() -> Transport:
    """The Graph client when a bearer token is configured, else the console."""
    if not settings.WA_BEARER_TOKEN:
        return ConsoleTransport()
    return _graph_client(
        settings.WA_GRAPH_URL,
        settings.WA_API_VERSION,
        settings.WA_PHONE_ID,
        settings.WA_BEARER_TOKEN,
    )
