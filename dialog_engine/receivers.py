"""Connects the gateway's signal to the engine (the one seam between layers 4 and 3)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from .engine import ChatEngine
from .events import IncomingMessage
from .signals import message_received


@receiver(message_received, dispatch_uid="dialog_engine.handle_message")
def _handle_message(sender: Any, event: IncomingMessage, **_: Any) -> None:
    ChatEngine().handle_message(event)
