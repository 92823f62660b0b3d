from __future__ import annotations

from django.utils.translation import gettext as _

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import main_menu


@register
class AssistantState(State):
    """The home of the conversation: greets with the main menu (and answers thanks and
    goodbyes). Other free text never reaches it: the router sends it to the state that
    declares its intent."""

    name = "assistant"
    prefixes = ("menu",)
    intents = ("greeting", "thanks", "goodbye", "menu", "opt_in", "affirm", "deny")

    def handle(self, ctx: TurnContext) -> StateResult:
        said = ctx.understanding.intent if ctx.understanding else None
        body = None
        if said == "thanks":
            body = _("You're welcome! Is there anything else I can help you with?")
        elif said == "goodbye":
            body = _("Thank you for visiting us. Write any time you need something!")
        return StateResult(messages=[main_menu(ctx, body=body)], next_state=self.name)
