from __future__ import annotations

from django.utils.translation import gettext as _

from inventory.selectors import product_get
from orders.services import cart_remove_item

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import cart_notice


@register
class RemoveItemState(State):
    """Remove the line `rm:<sku>` from the cart, then show the cart."""

    name = "remove_item"
    prefixes = ("rm",)

    def handle(self, ctx: TurnContext) -> StateResult:
        product = product_get(sku=ctx.payload, active_only=False)
        if product is None or not cart_remove_item(customer=ctx.customer, product=product):
            return cart_notice(ctx, _("That item is not in your cart any more."))
        return cart_notice(
            ctx, _("Removed %(name)s from your cart.") % {"name": product.name(ctx.language)}
        )
