from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from message_bus.dto import ListMessage, Row, Section
from orders.calculations import format_money

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import search_remember, to_decimal

# Budget bands offered as list rows (the customer can also type "under 300").
BANDS = ((0, 100), (100, 300), (300, 700), (700, 1500), (1500, None))


@register
class BudgetFilterState(State):
    """Products within a budget. `bud` offers price bands; `bud:<min>-<max>` (either side
    may be empty) runs the search with that range and the last search words, if any."""

    name = "budget"
    prefixes = ("bud",)

    def handle(self, ctx: TurnContext) -> StateResult:
        low_text, sep, high_text = ctx.payload.partition("-")
        if not sep:
            return StateResult(messages=[self._bands()], next_state="assistant")
        low = to_decimal(low_text) if low_text else None
        high = to_decimal(high_text) if high_text else None
        if low is not None and low == 0:
            low = None
        search_remember(ctx, query="", price_min=low, price_max=high)
        return StateResult(then="search")

    def _bands(self) -> ListMessage:
        currency = settings.DEFAULT_CURRENCY
        rows = []
        for low, high in BANDS:
            if high is None:
                title = _("From %(amount)s") % {"amount": format_money(Decimal(low), currency)}
            elif low == 0:
                title = _("Under %(amount)s") % {"amount": format_money(Decimal(high), currency)}
            else:
                # Row titles hold 24 characters: "700 – 1,500 USD".
                title = f"{low:,} – {high:,} {currency}"
            rows.append(Row(id=f"bud:{low}-{high or ''}", title=title))
        return ListMessage(
            body=_("What is your budget? Pick a range or type it, e.g. “under 300”."),
            button=_("Budget"),
            sections=(Section(title=_("Budget"), rows=tuple(rows)),),
        )
