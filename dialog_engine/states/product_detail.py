from __future__ import annotations

from django.utils.translation import gettext as _

from brandkit.specs import specs_display
from inventory.photos import product_image_link
from inventory.selectors import product_get
from message_bus.dto import Button, ProductCard, ReplyButtons
from orders.calculations import format_money

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import catalog_id, menu_buttons


@register
class ProductDetailState(State):
    """One interactive message per product: image header, key specs, price, stock, and
    the actions Add (Notify me when sold out) / Compare / More. Id: `prd:<sku>`."""

    name = "product_detail"
    prefixes = ("prd",)

    def handle(self, ctx: TurnContext) -> StateResult:
        product = product_get(sku=ctx.payload)
        if product is None:
            return StateResult(
                messages=[
                    ReplyButtons(
                        body=_("Sorry, that product is no longer available."),
                        buttons=tuple(menu_buttons()),
                    )
                ],
                next_state="assistant",
            )
        lang = ctx.language
        specs = specs_display(specs=product.specs, language=lang, key_only=True)[:5]
        price = format_money(product.price, product.currency)
        if product.compare_at_price and product.compare_at_price > product.price:
            price += " " + _("(was %(old)s)") % {
                "old": format_money(product.compare_at_price, product.currency)
            }
        stock = (
            _("In stock: %(count)s") % {"count": product.stock}
            if product.stock > 0
            else _("Out of stock")
        )
        lines = [
            f"*{product.name(lang)}*",
            product.brand.name(lang) if product.brand else "",
            "\n".join(f"• {label}: {value}" for label, value in specs),
            f"{_('Price')}: {price}",
            stock,
        ]
        ctx.data["last_product"] = product.sku
        # Add (or Notify me when sold out) / Compare / More: one message, three buttons.
        first = (
            Button(id=f"add:{product.sku}", title=_("Add to cart"))
            if product.stock > 0
            else Button(id=f"oos:{product.sku}", title=_("Notify me"))
        )
        buttons = (
            first,
            Button(id=f"cmp:add:{product.sku}", title=_("Compare")),
            Button(id=f"more:{product.sku}", title=_("More")),
        )
        catalog = catalog_id()
        if catalog:
            # The catalog's card (photo, price, "View" with add-to-cart), then our actions.
            return StateResult(
                messages=[
                    ProductCard(
                        catalog_id=catalog,
                        retailer_id=product.sku,
                        body="\n".join(line for line in lines[2:] if line),
                    ),
                    ReplyButtons(body=_("What would you like to do?"), buttons=buttons),
                ],
                next_state="assistant",
            )
        return StateResult(
            messages=[
                ReplyButtons(
                    header_image_url=product_image_link(product=product),
                    body="\n".join(line for line in lines if line),
                    buttons=buttons,
                )
            ],
            next_state="assistant",
        )
