from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext as _

from inventory.selectors import product_list

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import not_found, page_number, page_of, product_list_message


@register
class DealsState(State):
    """Discounted products in stock (price below the compare-at price), biggest saving
    first, paged (`deals:p2`)."""

    name = "deals"
    prefixes = ("deals",)
    intents = ("deals",)

    def handle(self, ctx: TurnContext) -> StateResult:
        qs = (
            product_list(in_stock=True)
            .filter(compare_at_price__gt=F("price"))
            .order_by(F("price") - F("compare_at_price"), "price")
        )
        page = page_number(ctx.payload)
        shown, more = page_of(qs, page)
        if not shown:
            return not_found(_("There are no deals right now. Please check again soon."))
        return StateResult(
            messages=[
                product_list_message(
                    products=shown,
                    language=ctx.language,
                    body=_("Today's deals:"),
                    more_id=f"deals:p{page + 1}" if more else "",
                    section_title=_("Deals"),
                )
            ],
            next_state="assistant",
        )
