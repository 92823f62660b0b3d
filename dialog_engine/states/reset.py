from __future__ import annotations

from django.utils.translation import gettext as _

from message_bus.dto import Button, ReplyButtons

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import main_menu


@register
class ResetState(State):
    """Start over: forget the conversation's context (search, comparison, checkout in
    progress). The cart is kept; "Clear cart" empties it. `reset:yes` (or the whole
    message "start over") resets; a guess at this intent only asks."""

    name = "reset"
    prefixes = ("reset",)
    intents = ("reset",)

    def handle(self, ctx: TurnContext) -> StateResult:
        if ctx.payload != "yes":
            return StateResult(
                messages=[
                    ReplyButtons(
                        body=_(
                            "Start over? This forgets your search and any checkout in "
                            "progress. Your cart is kept."
                        ),
                        buttons=(
                            Button(id="reset:yes", title=_("Yes, start over")),
                            Button(id="menu", title=_("No, continue")),
                        ),
                    )
                ]
            )
        ctx.data.clear()
        return StateResult(
            messages=[main_menu(ctx, body=_("OK, let's start over. Your cart is kept."))],
            next_state="assistant",
        )
