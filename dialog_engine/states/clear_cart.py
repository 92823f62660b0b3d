from __future__ import annotations

from django.utils.translation import gettext as _

from message_bus.dto import Button, ReplyButtons
from orders.selectors import cart_items
from orders.services import cart_clear

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import cart_button, menu_reply


@register
class ClearCartState(State):
    """Empty the cart, after a confirmation: `clr` asks, `clr:yes` empties."""

    name = "clear_cart"
    prefixes = ("clr",)
    intents = ("clear_cart",)

    def handle(self, ctx: TurnContext) -> StateResult:
        if not cart_items(customer=ctx.customer):
            return StateResult(then="show_cart")
        if ctx.payload != "yes":
            return StateResult(
                messages=[
                    ReplyButtons(
                        body=_("Remove everything from your cart?"),
                        buttons=(Button(id="clr:yes", title=_("Yes, empty it")), cart_button()),
                    )
                ],
                next_state="show_cart",
            )
        count = cart_clear(customer=ctx.customer)
        ctx.data.pop("checkout", None)
        return StateResult(
            messages=[
                menu_reply(
                    _("Your cart is empty now (%(count)s items removed).") % {"count": count},
                    Button(id="browse", title=_("Browse products")),
                )
            ],
            next_state="assistant",
        )
