from __future__ import annotations

from django.utils.translation import gettext as _

from ..state_router import register
from .base import State, StateResult, TurnContext


@register
class ResetState(State):
    """Start over: forget the conversation's context (search, comparison, checkout in
    progress). The cart is kept; "Clear cart" empties it."""

    name = "reset"
    prefixes = ("reset",)

    def handle(self, ctx: TurnContext) -> StateResult:
        ctx.data.clear()
        from .assistant import main_menu

        return StateResult(
            messages=[main_menu(ctx, body=_("OK, let's start over. Your cart is kept."))],
            next_state="assistant",
        )
