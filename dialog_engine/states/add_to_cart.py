from __future__ import annotations

from django.utils.translation import gettext as _

from inventory.exceptions import OutOfStock, ProductUnavailable
from inventory.selectors import product_get
from message_bus.dto import Button, ReplyButtons
from orders.exceptions import InvalidQuantity
from orders.services import cart_add_item
from recos.search import product_named

from ..state_router import register
from .base import DECLINE, State, StateResult, TurnContext
from .common import cart_notice


@register
class AddToCartState(State):
    """Adds one unit of `add:<sku>` (or of the product typed text names) and shows the
    cart."""

    name = "add_to_cart"
    prefixes = ("add",)
    intents = ("add_to_cart",)

    def handle(self, ctx: TurnContext) -> StateResult:
        u = ctx.understanding
        if u is not None and not ctx.payload:
            # "add 2 iphone 15 to my cart": the product the words name by model; words
            # that name no one product are a search the customer picks from.
            named = product_named(u.query or u.text, ctx.language, u.slots.get("brand"))
            if named is None:
                return DECLINE
            quantity = int(u.slots.get("quantity") or 1)
            if quantity > 1:
                return StateResult(then="choose_quantity", then_payload=f"{named.sku}:{quantity}")
            ctx.payload = named.sku
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
