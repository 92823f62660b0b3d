from __future__ import annotations

from django.utils.translation import gettext as _

from message_bus.dto import Button, ReplyButtons
from orders.selectors import cart_items
from orders.services import cart_clear

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import CART_NOTICE, cart_summary, notice_join


@register
class ShowCartState(State):
    """The cart with line totals and the subtotal; checkout, clear or keep shopping."""

    name = "show_cart"
    prefixes = ("cart",)
    intents = ("show_cart",)

    def handle(self, ctx: TurnContext) -> StateResult:
        if ctx.payload == "clear":
            cart_clear(customer=ctx.customer)
        # What the previous state of this turn did ("Added …"), in the same message.
        notice = ctx.data.pop(CART_NOTICE, "")
        if not cart_items(customer=ctx.customer):
            return StateResult(
                messages=[
                    ReplyButtons(
                        body=notice_join(notice, _("Your cart is empty.")),
                        buttons=(
                            Button(id="browse", title=_("Browse products")),
                            Button(id="menu", title=_("Main menu")),
                        ),
                    )
                ],
                next_state="assistant",
            )
        return StateResult(
            messages=[
                ReplyButtons(
                    header_text=_("Your cart"),
                    body=notice_join(notice, cart_summary(ctx)),
                    buttons=(
                        Button(id="checkout:start", title=_("Checkout")),
                        Button(id="edit", title=_("Edit cart")),
                        Button(id="menu", title=_("Keep shopping")),
                    ),
                )
            ],
            next_state=self.name,
        )
