from __future__ import annotations

from django.utils.translation import gettext as _

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import menu_reply


@register
class OptOutState(State):
    """How to stop messages. The opt-out itself is the engine's: a message "STOP" /
    "إيقاف" opts out and is the only thing an opted-out customer hears back; "START" /
    "ابدأ" opts in again."""

    name = "opt_out"
    prefixes = ("optout",)
    intents = ("opt_out",)

    def handle(self, ctx: TurnContext) -> StateResult:
        return StateResult(
            messages=[
                menu_reply(
                    _(
                        "To stop all messages from us, send STOP. "
                        "You can come back any time by sending START."
                    )
                )
            ],
            next_state="assistant",
        )
