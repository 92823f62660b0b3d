from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from brandkit.models import Brand
from message_bus.dto import ListMessage, Row, Section

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import PAGE_SIZE, page_number


def brand_list_with_products() -> list[Brand]:
    """Brands that have something for sale, the biggest ranges first."""
    return list(
        Brand.objects.annotate(on_sale=Count("products", filter=Q(products__active=True)))
        .filter(on_sale__gt=0)
        .order_by("-on_sale", "name_en")
    )


@register
class BrandListState(State):
    """The brands on sale as a paged list; a row opens that brand's products."""

    name = "brands"
    prefixes = ("brands",)
    intents = ("brands",)

    def handle(self, ctx: TurnContext) -> StateResult:
        page = page_number(ctx.payload)
        brands = brand_list_with_products()
        start = (page - 1) * PAGE_SIZE
        shown = brands[start : start + PAGE_SIZE]
        if not shown:
            shown, page = brands[:PAGE_SIZE], 1
        more = len(brands) > page * PAGE_SIZE
        rows = tuple(Row(id=f"brand:{b.slug}", title=b.name(ctx.language)) for b in shown)
        return StateResult(
            messages=[
                ListMessage(
                    body=_("Which brand do you like?"),
                    button=_("Brands"),
                    sections=(Section(title=_("Brands"), rows=rows),),
                    more_row=Row(id=f"brands:p{page + 1}", title=_("More brands"))
                    if more
                    else None,
                )
            ],
            next_state="assistant",
        )
