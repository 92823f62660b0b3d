from __future__ import annotations

from django.utils.translation import gettext as _

from brandkit.specs import specs_display
from inventory.selectors import product_get
from message_bus.dto import Button, ReplyButtons

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import join_lines, product_missing


@register
class ProductMoreState(State):
    """The rest of a product: its description and every spec, with Similar / Compare /
    Add (or Notify me when it is out of stock)."""

    name = "product_more"
    prefixes = ("more",)

    def handle(self, ctx: TurnContext) -> StateResult:
        product = product_get(sku=ctx.payload)
        if product is None:
            return product_missing()
        lang = ctx.language
        specs = specs_display(specs=product.specs, language=lang)
        body = join_lines(
            [
                f"*{product.name(lang)}*",
                product.description(lang)[:600],
                "\n".join(f"• {label}: {value}" for label, value in specs[:15]),
                _("SKU: %(sku)s") % {"sku": product.sku},
            ]
        )
        first = (
            Button(id=f"add:{product.sku}", title=_("Add to cart"))
            if product.stock > 0
            else Button(id=f"ntf:{product.sku}", title=_("Notify me"))
        )
        ctx.data["last_product"] = product.sku
        return StateResult(
            messages=[
                ReplyButtons(
                    body=body,
                    buttons=(
                        first,
                        Button(id=f"sim:{product.sku}", title=_("Similar products")),
                        Button(id=f"cmp:add:{product.sku}", title=_("Compare")),
                    ),
                )
            ],
            next_state="assistant",
        )
