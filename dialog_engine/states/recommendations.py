from __future__ import annotations

from django.db.models import DecimalField, F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from inventory.selectors import product_get, product_list
from orders.selectors import cart_items

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import product_list_message, similar_products


@register
class RecommendationsState(State):
    """Suggestions: products like the last one viewed or the cart's, else popular
    in-stock picks (deals first)."""

    name = "recommendations"
    prefixes = ("rec",)
    intents = ("recommend",)

    def handle(self, ctx: TurnContext) -> StateResult:
        seed = None
        if ctx.data.get("last_product"):
            seed = product_get(sku=ctx.data["last_product"])
        if seed is None:
            items = cart_items(customer=ctx.customer)
            seed = items[0].product if items else None
        in_cart = {item.product_id for item in cart_items(customer=ctx.customer)}
        products = (
            [p for p in similar_products(seed, limit=12) if p.pk not in in_cart] if seed else []
        )
        if len(products) < 3:
            # Nothing to go on: products on sale (biggest saving first), then well stocked.
            extra = (
                product_list(in_stock=True)
                .annotate(
                    saving=Coalesce(
                        F("compare_at_price") - F("price"), Value(0), output_field=DecimalField()
                    )
                )
                .order_by("-saving", "-stock")[:20]
            )
            products += [p for p in extra if p not in products and p.pk not in in_cart]
        body = (
            _("Because you looked at %(name)s, you may like:") % {"name": seed.name(ctx.language)}
            if seed
            else _("Our picks for you:")
        )
        return StateResult(
            messages=[
                product_list_message(
                    products=products[:9],
                    language=ctx.language,
                    body=body,
                    section_title=_("Recommended"),
                )
            ],
            next_state="assistant",
        )
