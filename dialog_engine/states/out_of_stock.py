from __future__ import annotations

from django.utils.translation import gettext as _

from inventory.selectors import product_get
from message_bus.dto import Button, ListMessage, ReplyButtons, Row, Section

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import menu_button, product_missing, product_row, similar_products


@register
class OutOfStockState(State):
    """A product the customer wants is sold out: offer in-stock alternatives and
    "notify me when it is back" (`oos:<sku>`, or the last product viewed)."""

    name = "out_of_stock"
    prefixes = ("oos",)

    def handle(self, ctx: TurnContext) -> StateResult:
        product = product_get(sku=ctx.payload or ctx.data.get("last_product", ""))
        if product is None:
            return product_missing()
        name = product.name(ctx.language)
        alternatives = similar_products(product, limit=3)
        notify = Button(id=f"ntf:{product.sku}", title=_("Notify me"))
        if not alternatives:
            return StateResult(
                messages=[
                    ReplyButtons(
                        body=_(
                            "Sorry, %(name)s is out of stock. I can message you when it is back."
                        )
                        % {"name": name},
                        buttons=(notify, menu_button()),
                    )
                ],
                next_state="assistant",
            )
        rows = tuple(product_row(p, ctx.language) for p in alternatives)
        return StateResult(
            messages=[
                ListMessage(
                    body=_(
                        "Sorry, %(name)s is out of stock. Here are alternatives in stock, "
                        "or I can message you when it is back."
                    )
                    % {"name": name},
                    button=_("Options"),
                    sections=(
                        Section(title=_("Alternatives"), rows=rows),
                        Section(
                            title=_("Back in stock"),
                            rows=(Row(id=notify.id, title=_("Notify me when back")),),
                        ),
                    ),
                )
            ],
            next_state="assistant",
        )
