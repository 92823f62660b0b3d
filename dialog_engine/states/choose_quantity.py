from __future__ import annotations

from django.utils.translation import gettext as _

from inventory.exceptions import OutOfStock, ProductUnavailable
from inventory.selectors import product_get
from message_bus.dto import Button, ReplyButtons
from orders.exceptions import InvalidQuantity
from orders.services import cart_set_quantity

from ..state_router import register
from .base import DECLINE, State, StateResult, TurnContext
from .common import cart_notice, product_missing

QUANTITY_MAX = 20


@register
class ChooseQuantityState(State):
    """How many of a product: `qty:<sku>` asks (buttons 1/2/3 or a typed number),
    `qty:<sku>:<n>` sets the cart line to n (0 removes it) and shows the cart."""

    name = "choose_quantity"
    prefixes = ("qty",)
    accepts_text = True

    def take_text(self, ctx: TurnContext) -> StateResult:
        """A typed quantity for the product asked about; other words are a new request."""
        sku = ctx.data.pop("qty_sku", "")
        number = ctx.understanding.slots.get("number") if ctx.understanding else None
        if not sku or number is None:
            return DECLINE
        ctx.payload = f"{sku}:{number}"
        return self.handle(ctx)

    def handle(self, ctx: TurnContext) -> StateResult:
        sku, _sep, amount = ctx.payload.partition(":")
        product = product_get(sku=sku)
        if product is None:
            return product_missing()
        name = product.name(ctx.language)
        if not (amount.isdecimal() and len(amount) <= 6):
            ctx.data["qty_sku"] = product.sku
            return StateResult(
                messages=[
                    ReplyButtons(
                        body=_("How many %(name)s would you like? Tap or type a number.")
                        % {"name": name},
                        buttons=tuple(
                            Button(id=f"qty:{product.sku}:{n}", title=str(n)) for n in (1, 2, 3)
                        ),
                    )
                ],
                next_state=self.name,
            )
        ctx.data.pop("qty_sku", None)
        quantity = int(amount)
        if quantity > QUANTITY_MAX:
            return cart_notice(
                ctx, _("You can order up to %(max)s of one item.") % {"max": QUANTITY_MAX}
            )
        try:
            cart_set_quantity(customer=ctx.customer, product=product, quantity=quantity)
        except OutOfStock as exc:
            available = exc.shortfalls[0].available if exc.shortfalls else 0
            return cart_notice(
                ctx,
                _("Sorry, only %(count)s of %(name)s are available.")
                % {"count": available, "name": name},
            )
        except (ProductUnavailable, InvalidQuantity):
            return cart_notice(ctx, _("Sorry, %(name)s is out of stock.") % {"name": name})
        message = (
            _("Removed %(name)s from your cart.")
            if quantity == 0
            else _("Your cart now has %(count)s × %(name)s.")
        ) % {"name": name, "count": quantity}
        return cart_notice(ctx, message)
