from __future__ import annotations

from django.utils.translation import gettext as _

from message_bus.dto import ReplyButtons
from orders.catalog_cart import CatalogLine, LineProblem, cart_fill_from_catalog
from orders.services import MAX_LINE_QUANTITY

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import cart_notice, join_lines, menu_buttons


def _line_report(line: CatalogLine, language: str) -> str:
    name = line.product.name(language) if line.product else line.retailer_id
    values = {"name": name, "count": line.added, "max": MAX_LINE_QUANTITY}
    if line.problem == LineProblem.UNKNOWN:
        return _("• %(name)s: not sold in our shop") % values
    if line.problem == LineProblem.INACTIVE:
        return _("• %(name)s: no longer available") % values
    if line.problem == LineProblem.OUT_OF_STOCK:
        return _("• %(name)s: out of stock") % values
    if line.problem == LineProblem.SHORT:
        return _("• %(name)s: only %(count)s in stock, added %(count)s") % values
    if line.problem == LineProblem.LIMIT:
        return _("• %(name)s: at most %(max)s per order, added %(max)s") % values
    return _("• %(name)s: could not be added") % values


@register
class CatalogOrderState(State):
    """A cart sent from the WhatsApp catalog (`order` message): its lines fill the cart
    (`orders.catalog_cart`), the lines that could not be filled as asked are listed, and
    the cart is shown with Checkout."""

    name = "catalog_order"

    def handle(self, ctx: TurnContext) -> StateResult:
        lines = [(line.retailer_id, line.quantity) for line in ctx.event.order_items]
        outcomes = cart_fill_from_catalog(customer=ctx.customer, lines=lines) if lines else []
        added = [line for line in outcomes if line.added]
        problems = [line for line in outcomes if not line.ok]
        if not added:
            body = join_lines(
                [
                    _("Sorry, none of the products in your catalog cart could be added."),
                    *[_line_report(line, ctx.language) for line in problems],
                ]
            )
            return StateResult(
                messages=[ReplyButtons(body=body, buttons=tuple(menu_buttons()))],
                next_state="assistant",
            )
        notice = (
            join_lines(
                [
                    _("I added your catalog cart. Some items could not be added as asked:"),
                    *[_line_report(line, ctx.language) for line in problems],
                ]
            )
            if problems
            else _("I added your catalog cart.")
        )
        return cart_notice(ctx, notice)
