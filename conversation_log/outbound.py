"""The port through which domain code sends a free-form WhatsApp text.

Domain apps (layer 1) may not import `message_bus` (layer 2), which owns persisting and
dispatching outbound messages. So the sender is a dotted path in
`settings.OUTBOUND_TEXT_SENDER`, resolved at call time: a callable
`(*, customer: Customer, text: str, sent_by_staff: str = "") -> Any` that persists the
outbound `Message` and dispatches it after commit. This keeps the layers contract intact
while letting the admin handoff and the cart reminder send through the one real pipeline.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.module_loading import import_string

from .exceptions import OutboundUnavailable

if TYPE_CHECKING:
    from users.models import Customer

logger = logging.getLogger(__name__)


def outbound_sender() -> Callable[..., Any]:
    """The configured sender, or OutboundUnavailable when none is configured or importable."""
    path = getattr(settings, "OUTBOUND_TEXT_SENDER", "")
    if not path:
        raise OutboundUnavailable(
            "No outbound sender is configured (settings.OUTBOUND_TEXT_SENDER is empty)."
        )
    try:
        return import_string(path)
    except ImportError as exc:
        raise OutboundUnavailable(f"The outbound sender {path!r} cannot be imported.") from exc


def outbound_text_send(*, customer: Customer, text: str, sent_by_staff: str = "") -> Any:
    """Send one free-form text to the customer through the configured sender."""
    sender = outbound_sender()
    return sender(customer=customer, text=text, sent_by_staff=sent_by_staff)
