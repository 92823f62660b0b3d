from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext as _

from inventory.selectors import category_get, product_list

from ..state_router import register
from .base import DECLINE, State, StateResult, TurnContext
from .common import not_found, page_number, page_of, product_list_message


@register
class DealsState(State):
    """Discounted products in stock (price below the compare-at price), biggest saving
    first, paged (`deals:p2`)."""

    name = "deals"
    prefixes = ("deals",)
    intents = ("deals",)

    def handle(self, ctx: TurnContext) -> StateResult:
        u = ctx.understanding
        # "deals on gaming laptops under 1000": only the deals that keep what was asked;
        # none → the search shows what meets it at full price (never a TV on sale).
        limited = u is not None and not ctx.payload and (u.names_products or u.has_limits)
        slots = u.slots if limited and u is not None else {}
        category = category_get(slug=slots["category"]) if "category" in slots else None
        if "category" in slots and category is None:
            return DECLINE
        qs = (
            product_list(
                in_stock=True,
                category=category,
                brand_slug=slots.get("brand"),
                price_min=slots.get("budget_min"),
                price_max=slots.get("budget_max"),
            )
            .filter(compare_at_price__gt=F("price"))
            .order_by(F("price") - F("compare_at_price"), "price")
        )
        page = page_number(ctx.payload)
        shown, more = page_of(qs, page)
        if limited and not shown:
            return DECLINE
        if limited:
            more = False  # the filters are not in the page id: one page of them
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
