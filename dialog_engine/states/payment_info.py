from __future__ import annotations

from django.utils.translation import gettext as _

from message_bus.dto import Button
from payments.selectors import payment_option_list

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import menu_reply


@register
class PaymentInfoState(State):
    """The payment methods and how each works."""

    name = "payment_info"
    prefixes = ("payinfo",)
    intents = ("payment_info",)

    def handle(self, ctx: TurnContext) -> StateResult:
        lines = [_("You can pay with:")]
        for option in payment_option_list()[:10]:
            instructions = option.instructions(ctx.language)
            lines.append(
                f"• {option.name(ctx.language)}"
                + (f": {instructions[:200]}" if instructions else "")
            )
        return StateResult(
            messages=[
                menu_reply("\n".join(lines), Button(id="shipinfo", title=_("Delivery options")))
            ],
            next_state="assistant",
        )
