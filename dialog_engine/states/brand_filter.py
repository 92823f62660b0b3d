from __future__ import annotations

from django.utils.translation import gettext as _

from brandkit.models import Brand

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import not_found, search_remember


@register
class BrandFilterState(State):
    """One brand's products (`brand:<slug>`), through the paged search results."""

    name = "brand_filter"
    prefixes = ("brand",)

    def handle(self, ctx: TurnContext) -> StateResult:
        brand = Brand.objects.filter(slug=ctx.payload).first() if ctx.payload else None
        if brand is None:
            return not_found(_("Sorry, I do not know that brand."))
        search_remember(ctx, query="", brands=[brand.slug])
        return StateResult(then="search")
