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
    from intent_classifier import Understanding
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
    # What the customer's free text says (None for button presses and media).
    understanding: Understanding | None = None

    @property
    def text(self) -> str:
        return self.event.text.strip()


@dataclass
class StateResult:
    messages: list[OutboundMessage] = field(default_factory=list)
    # The state that handles the customer's next free-text message; None keeps the current.
    next_state: str | None = None
    # Hand the same turn to another state right away (e.g. add-to-cart → show cart),
    # with this payload.
    then: str | None = None
    then_payload: str = ""
    # The state cannot use this text (a question typed mid-checkout, a search that finds
    # nothing): the engine tries the next state the router offers.
    declined: bool = False


DECLINE = StateResult(declined=True)


class State:
    """Base of every dialog state. Subclasses set `name` and implement `handle`."""

    name: ClassVar[str] = ""
    # Button/list id prefixes this state answers, e.g. ("add",) for `add:<sku>`.
    prefixes: ClassVar[tuple[str, ...]] = ()
    # The intents (`intent_classifier.IntentName` values) this state serves: free text
    # with one of them is routed here by `state_router`.
    intents: ClassVar[tuple[str, ...]] = ()
    # While this is the chat's current state, free text / a shared location pin goes to it
    # first (a state that is collecting something: a name, an address, a quantity).
    accepts_text: ClassVar[bool] = False
    accepts_location: ClassVar[bool] = False

    def handle(self, ctx: TurnContext) -> StateResult:
        raise NotImplementedError

    def take_text(self, ctx: TurnContext) -> StateResult:
        """Free text typed while this state is collecting something (`accepts_text`).
        Return `DECLINE` for text that is not an answer to the question asked (a
        question, a command): the engine then routes it like any other message."""
        return DECLINE
