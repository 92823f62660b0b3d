"""The port through which domain code sends a message the shop starts (a back-in-stock
alert, a cart reminder) by the one proactive rule: free-form inside the 24-hour window, an
approved template outside it, marketing only with consent, nothing to opted-out customers.

Like `outbound.py`: domain apps may not import `message_bus`, so the sender is the dotted
path `settings.OUTBOUND_PROACTIVE_SENDER`, a callable
`(*, customer, purpose, text, values=None, cta_label="", cta_url="", dry_run=False,
record=True)` returning a result with `sent` (bool), `outcome` and `reason`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from .exceptions import OutboundUnavailable


def proactive_sender() -> Callable[..., Any]:
    """The configured sender, or OutboundUnavailable when none is configured or importable."""
    path = getattr(settings, "OUTBOUND_PROACTIVE_SENDER", "")
    if not path:
        raise OutboundUnavailable(
            "No proactive sender is configured (settings.OUTBOUND_PROACTIVE_SENDER is empty)."
        )
    try:
        return import_string(path)
    except ImportError as exc:
        raise OutboundUnavailable(f"The proactive sender {path!r} cannot be imported.") from exc


def outbound_proactive_send(**kwargs: Any) -> Any:
    """Send (or with `dry_run=True`, only decide) one shop-initiated message."""
    return proactive_sender()(**kwargs)
