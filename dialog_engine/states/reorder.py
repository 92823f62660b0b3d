from __future__ import annotations

from django.utils.translation import gettext as _

from inventory.exceptions import OutOfStock, ProductUnavailable
from orders.exceptions import InvalidQuantity
from orders.selectors import order_get
from orders.services import cart_add_item

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import cart_notice, not_found


@register
class ReorderState(State):
    """Put the items of a past order (`reord:<number>`) back in the cart, as far as
    stock allows, then show the cart."""

    name = "reorder"
    prefixes = ("reord",)

    def handle(self, ctx: TurnContext) -> StateResult:
        order = order_get(order_number=ctx.payload, customer=ctx.customer) if ctx.payload else None
        if order is None:
            return not_found(_("I could not find that order on your account."))
        added, missing = 0, []
        for item in order.items.select_related("product"):
            try:
                cart_add_item(customer=ctx.customer, product=item.product, quantity=item.quantity)
                added += 1
            except (OutOfStock, ProductUnavailable, InvalidQuantity):
                missing.append(item.product.name(ctx.language))
        lines = [
            _("Added %(count)s items from %(number)s to your cart.")
            % {"count": added, "number": order.order_number}
        ]
        if missing:
            lines.append(_("Not available now: %(names)s") % {"names": ", ".join(missing)})
        return cart_notice(ctx, "\n".join(lines))
