from __future__ import annotations

from django.utils.translation import gettext as _

from inventory.selectors import product_get

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import not_found, product_list_message, product_missing, similar_products


@register
class SimilarProductsState(State):
    """Products like `sim:<sku>` (same kind, close in price, in stock)."""

    name = "similar"
    prefixes = ("sim",)
    intents = ("similar",)

    def handle(self, ctx: TurnContext) -> StateResult:
        product = product_get(sku=ctx.payload or ctx.data.get("last_product", ""))
        if product is None:
            return product_missing()
        products = similar_products(product, limit=9)
        if not products:
            return not_found(
                _("I have nothing similar to %(name)s in stock right now.")
                % {"name": product.name(ctx.language)}
            )
        return StateResult(
            messages=[
                product_list_message(
                    products=products,
                    language=ctx.language,
                    body=_("Similar to %(name)s:") % {"name": product.name(ctx.language)},
                    section_title=_("Similar products"),
                )
            ],
            next_state="assistant",
        )
