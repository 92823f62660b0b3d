from __future__ import annotations

from django.utils.translation import gettext as _

from message_bus.dto import Button, ReplyButtons

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import menu_button


@register
class ClarifyState(State):
    """What the router offers when it cannot tell what a message wants (the classifier is
    unsure, no product or FAQ is close): a short question back with buttons, never a
    confident wrong answer."""

    name = "clarify"

    def handle(self, ctx: TurnContext) -> StateResult:
        return StateResult(
            messages=[
                ReplyButtons(
                    body=_(
                        "Sorry, I did not quite get that. Are you looking for a product? "
                        "Type its name or what you need it for, for example “phone under "
                        "300” or “headphones for running”."
                    ),
                    buttons=(
                        Button(id="browse", title=_("Browse products")),
                        Button(id="human", title=_("Talk to a person")),
                        menu_button(),
                    ),
                )
            ],
            next_state="assistant",
        )
