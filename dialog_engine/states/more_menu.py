from __future__ import annotations

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import more_menu_message


@register
class MoreMenuState(State):
    """The full menu as one list: shopping shortcuts, orders, help, language."""

    name = "more_menu"
    prefixes = ("more_menu",)
    intents = ("more_menu",)

    def handle(self, ctx: TurnContext) -> StateResult:
        return StateResult(messages=[more_menu_message()], next_state="assistant")
