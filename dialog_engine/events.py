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
class OrderLine:
    """One line of a catalog cart (`order` message): the product's retailer id (our SKU)
    and the quantity the customer chose."""

    retailer_id: str
    quantity: int


@dataclass(frozen=True)
class IncomingMessage:
    """One customer message. `kind` is Meta's type (text, interactive, button, image, audio,
    video, document, sticker, location, contacts, reaction, order, system, revoke,
    request_welcome, unsupported, ...); an edited message has the kind of what it now is,
    with `edited` set. A media caption is its `text`."""

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
    mime_type: str = ""
    # An audio message recorded as a voice note.
    voice: bool = False
    edited: bool = False
    # The message a reaction, an edit or a deletion is about.
    refers_to: str = ""
    # The catalog product the customer asks about (`context.referred_product`).
    referred_sku: str = ""
    order_items: tuple[OrderLine, ...] = ()
    # A system notice's type (`user_changed_number`, …) and the customer's new id.
    system_type: str = ""
    new_wa_id: str = ""
    # What a voice note said, when it was transcribed (its `text` is then the same).
    transcript: str = ""

    @property
    def is_reply(self) -> bool:
        return bool(self.reply_id)

    @property
    def has_text(self) -> bool:
        return bool(self.text.strip())
