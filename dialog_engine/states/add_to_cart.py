from __future__ import annotations

from django.utils.translation import gettext as _

from inventory.exceptions import OutOfStock, ProductUnavailable
from inventory.selectors import product_get
from message_bus.dto import Button, ReplyButtons
from orders.exceptions import InvalidQuantity
from orders.services import cart_add_item

from ..state_router import register
from .base import State, StateResult, TurnContext
from .show_cart import cart_notice


@register
class AddToCartState(State):
    """Adds one unit of `add:<sku>` and shows the cart."""

    name = "add_to_cart"
    prefixes = ("add",)

    def handle(self, ctx: TurnContext) -> StateResult:
        product = product_get(sku=ctx.payload)
        menu = Button(id="menu", title=_("Main menu"))
        if product is None:
            return StateResult(
                messages=[
                    ReplyButtons(
                        body=_("Sorry, that product is no longer available."), buttons=(menu,)
                    )
                ],
                next_state="assistant",
            )
        try:
            cart_add_item(customer=ctx.customer, product=product, quantity=1)
        except (OutOfStock, ProductUnavailable):
            # Alternatives and "notify me when back" for the sold-out product.
            ctx.data["last_product"] = product.sku
            return StateResult(then="out_of_stock")
        except InvalidQuantity:
            return cart_notice(ctx, _("You already have the maximum quantity of this item."))
        return cart_notice(
            ctx, _("Added %(name)s to your cart.") % {"name": product.name(ctx.language)}
        )
