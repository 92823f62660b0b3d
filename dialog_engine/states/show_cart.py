from __future__ import annotations

from django.utils.translation import gettext as _

from message_bus.dto import Button, ReplyButtons
from orders.calculations import format_money
from orders.selectors import cart_items, cart_totals
from orders.services import cart_clear

from ..state_router import register
from .base import State, StateResult, TurnContext


def cart_summary(ctx: TurnContext) -> str:
    items = cart_items(customer=ctx.customer)
    totals = cart_totals(customer=ctx.customer)
    lines = [
        f"• {item.quantity} × {item.product.name(ctx.language)} — "
        f"{format_money(item.product.price * item.quantity, item.product.currency)}"
        for item in items
    ]
    lines.append(
        _("Subtotal: %(amount)s") % {"amount": format_money(totals.subtotal, totals.currency)}
    )
    return "\n".join(lines)


# Context key: a line a state chaining to show_cart wants at the top of the cart message,
# so a turn sends one message instead of two.
CART_NOTICE = "cart_notice"


def cart_notice(ctx: TurnContext, text: str) -> StateResult:
    """Show the cart with `text` on top (one message for "Added X" + the cart)."""
    ctx.data[CART_NOTICE] = text
    return StateResult(then="show_cart")


def _join(notice: str, body: str) -> str:
    return f"{notice}\n\n{body}" if notice else body


@register
class ShowCartState(State):
    """The cart with line totals and the subtotal; checkout, clear or keep shopping."""

    name = "show_cart"
    prefixes = ("cart",)

    def handle(self, ctx: TurnContext) -> StateResult:
        if ctx.payload == "clear":
            cart_clear(customer=ctx.customer)
        # What the previous state of this turn did ("Added …"), in the same message.
        notice = ctx.data.pop(CART_NOTICE, "")
        if not cart_items(customer=ctx.customer):
            return StateResult(
                messages=[
                    ReplyButtons(
                        body=_join(notice, _("Your cart is empty.")),
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
                    body=_join(notice, cart_summary(ctx)),
                    buttons=(
                        Button(id="checkout:start", title=_("Checkout")),
                        Button(id="edit", title=_("Edit cart")),
                        Button(id="menu", title=_("Keep shopping")),
                    ),
                )
            ],
            next_state=self.name,
        )
