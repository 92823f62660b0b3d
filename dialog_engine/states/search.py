from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from brandkit.models import Brand
from message_bus.dto import Button, ReplyButtons

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import (
    budget_label,
    menu_button,
    page_number,
    page_of,
    product_list_message,
    products_search,
    to_decimal,
)


def search_remember(
    ctx: TurnContext,
    *,
    query: str,
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
    brand: str | None = None,
    category: str | None = None,
) -> None:
    """Keep the search in the chat context so "More results" can page through it."""
    ctx.data["search"] = {
        "q": query[:120],
        "min": str(price_min) if price_min is not None else None,
        "max": str(price_max) if price_max is not None else None,
        "brand": brand,
        "category": category,
    }


@register
class SearchState(State):
    """Search results for the customer's words (and budget/brand), paged nine at a time.
    The search lives in the context under `search`; `srch:p2` shows page 2."""

    name = "search"
    prefixes = ("srch",)

    def handle(self, ctx: TurnContext) -> StateResult:
        search = ctx.data.get("search") or {}
        query = search.get("q", "")
        low = to_decimal(search["min"]) if search.get("min") else None
        high = to_decimal(search["max"]) if search.get("max") else None
        if not (
            query
            or low is not None
            or high is not None
            or search.get("brand")
            or search.get("category")
        ):
            return StateResult(
                messages=[
                    ReplyButtons(
                        body=_("What are you looking for? Type a product, brand or budget."),
                        buttons=(Button(id="browse", title=_("Browse products")), menu_button()),
                    )
                ],
                next_state="assistant",
            )
        products = products_search(
            query=query,
            language=ctx.language,
            price_min=low,
            price_max=high,
            brand_slug=search.get("brand"),
            category_slug=search.get("category"),
            limit=60,
        )
        page = page_number(ctx.payload)
        shown, more = page_of(products, page)
        budget = budget_label(low, high, settings.DEFAULT_CURRENCY)
        brand = (
            Brand.objects.filter(slug=search.get("brand")).first() if search.get("brand") else None
        )
        brand_name = brand.name(ctx.language) if brand else ""
        label = " ".join(part for part in (brand_name, query, budget) if part)
        if not shown:
            return StateResult(
                messages=[
                    ReplyButtons(
                        body=_("Sorry, I found nothing for “%(query)s”. Try other words or browse.")
                        % {"query": label},
                        buttons=(
                            Button(id="browse", title=_("Browse products")),
                            Button(id="bud", title=_("Shop by budget")),
                            menu_button(),
                        ),
                    )
                ],
                next_state="assistant",
            )
        ctx.data["last_results"] = [p.sku for p in shown]
        body = _("Here is what I found for “%(query)s”:") % {"query": label}
        if page > 1:
            body += " " + _("(page %(page)s)") % {"page": page}
        return StateResult(
            messages=[
                product_list_message(
                    products=shown,
                    language=ctx.language,
                    body=body,
                    more_id=f"srch:p{page + 1}" if more else "",
                    section_title=_("Results"),
                )
            ],
            next_state="assistant",
        )
