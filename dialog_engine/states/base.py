"""What a dialog state is.

A state is a small class with a `name` and `handle(ctx) -> StateResult`. The engine builds
a `TurnContext` for every inbound message, asks the router which state handles it, calls
`handle`, persists `next_state` and the (mutated) `ctx.data` on the Chat, and sends the
result's messages through the message bus, in order, after commit.

States are thin: they read through selectors, change things through services, and build
DTOs from `message_bus.dto`. Customer-facing text goes through gettext; the engine
activates the customer's language around `handle`, so `gettext("...")` is already Arabic
for Arabic speakers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from message_bus.dto import OutboundMessage

if TYPE_CHECKING:
    from conversation_log.models import Chat
    from intent_classifier import Intent
    from users.models import Customer

    from ..events import IncomingMessage


@dataclass
class TurnContext:
    customer: Customer
    chat: Chat
    event: IncomingMessage
    language: str
    # The Chat's context JSON: survives across turns, JSON-serialisable values only.
    data: dict[str, Any]
    # The payload after the id prefix of a pressed button/list row (`add:SKU-1` → "SKU-1").
    payload: str = ""
    # The classified intent of free text (None for button presses).
    intent: Intent | None = None

    @property
    def text(self) -> str:
        return self.event.text.strip()


@dataclass
class StateResult:
    messages: list[OutboundMessage] = field(default_factory=list)
    # The state that handles the customer's next free-text message; None keeps the current.
    next_state: str | None = None
    # Hand the same turn to another state right away (e.g. add-to-cart → show cart).
    then: str | None = None


class State:
    """Base of every dialog state. Subclasses set `name` and implement `handle`."""

    name: ClassVar[str] = ""
    # Button/list id prefixes this state answers, e.g. ("add",) for `add:<sku>`.
    prefixes: ClassVar[tuple[str, ...]] = ()
    # While this is the chat's current state, free text / a shared location pin goes to it
    # first (a state that is collecting something: a name, an address, a quantity).
    accepts_text: ClassVar[bool] = False
    accepts_location: ClassVar[bool] = False

    def handle(self, ctx: TurnContext) -> StateResult:
        raise NotImplementedError
