from __future__ import annotations

from django.utils.translation import gettext as _

from inventory.selectors import product_get
from inventory.services import stock_alert_subscribe
from message_bus.dto import Button

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import menu_reply, product_missing


@register
class StockAlertState(State):
    """Subscribe to a back-in-stock message for `ntf:<sku>`."""

    name = "stock_alert"
    prefixes = ("ntf",)

    def handle(self, ctx: TurnContext) -> StateResult:
        product = product_get(sku=ctx.payload)
        if product is None:
            return product_missing()
        name = product.name(ctx.language)
        if product.stock > 0:
            body = _("Good news: %(name)s is in stock now.") % {"name": name}
            return StateResult(
                messages=[
                    menu_reply(body, Button(id=f"add:{product.sku}", title=_("Add to cart")))
                ],
                next_state="assistant",
            )
        created = stock_alert_subscribe(
            customer=ctx.customer, product=product, language=ctx.language
        )
        body = (
            _("Done. I will message you when %(name)s is back in stock.")
            if created
            else _("You are already on the list for %(name)s.")
        ) % {"name": name}
        return StateResult(
            messages=[
                menu_reply(body, Button(id=f"sim:{product.sku}", title=_("Similar products")))
            ],
            next_state="assistant",
        )
