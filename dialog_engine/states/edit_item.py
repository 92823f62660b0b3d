from __future__ import annotations

from django.utils.translation import gettext as _

from message_bus.dto import Button, ListMessage, ReplyButtons, Row, Section
from orders.calculations import format_money
from orders.selectors import cart_items

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import cart_button


@register
class EditItemState(State):
    """Change a cart line. `edit` lists the lines; `edit:<sku>` offers change quantity /
    remove / back to the cart."""

    name = "edit_item"
    prefixes = ("edit",)
    intents = ("remove_item",)

    def handle(self, ctx: TurnContext) -> StateResult:
        items = cart_items(customer=ctx.customer)
        if not items:
            return StateResult(then="show_cart")
        item = next((i for i in items if i.product.sku == ctx.payload), None)
        if item is None:
            lines = [
                Row(
                    id=f"edit:{i.product.sku}",
                    title=i.product.name(ctx.language),
                    description=f"{i.quantity} × "
                    + format_money(i.product.price, i.product.currency),
                )
                for i in items[:9]
            ]
            rows = (*lines, Row(id="clr", title=_("Clear cart"), description=_("Remove all")))
            return StateResult(
                messages=[
                    ListMessage(
                        body=_("Which item do you want to change?"),
                        button=_("Cart items"),
                        sections=(Section(title=_("Your cart"), rows=rows),),
                    )
                ],
                next_state="show_cart",
            )
        sku = item.product.sku
        return StateResult(
            messages=[
                ReplyButtons(
                    body=_("%(count)s × %(name)s. What would you like to do?")
                    % {"count": item.quantity, "name": item.product.name(ctx.language)},
                    buttons=(
                        Button(id=f"qty:{sku}", title=_("Change quantity")),
                        Button(id=f"rm:{sku}", title=_("Remove")),
                        cart_button(),
                    ),
                )
            ],
            next_state="show_cart",
        )
