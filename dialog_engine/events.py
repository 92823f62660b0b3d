"""The engine's view of one inbound WhatsApp message, independent of the webhook format."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Location:
    latitude: Decimal
    longitude: Decimal
    name: str = ""
    address: str = ""


@dataclass(frozen=True)
class IncomingMessage:
    """One customer message. `kind` is Meta's type (text, interactive, button, image, audio,
    video, document, sticker, location, contacts, reaction, order, unsupported, ...)."""

    event_id: int
    wamid: str
    customer_id: int
    kind: str
    timestamp: datetime
    text: str = ""
    # A pressed reply button / list row (interactive) or template quick reply (button).
    reply_id: str = ""
    reply_title: str = ""
    location: Location | None = None
    media_id: str = ""
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def is_reply(self) -> bool:
        return bool(self.reply_id)

    @property
    def has_text(self) -> bool:
        return bool(self.text.strip())
