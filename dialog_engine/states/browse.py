from __future__ import annotations

from django.utils.translation import gettext as _

from inventory.selectors import category_get, category_list, product_list
from message_bus.dto import ListMessage, Row, Section
from orders.calculations import format_money

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import page_number

PAGE_SIZE = 9  # + a "More" row = the 10 rows a list may carry


@register
class BrowseState(State):
    """Categories → subcategories → products, as paged lists.

    Ids: `browse` (top level), `cat:<slug>` and `cat:<slug>:p<page>` (products, paged;
    `|` is not a valid id character, so the page follows a colon)."""

    name = "browse"
    prefixes = ("browse", "cat")
    intents = ("browse",)

    def handle(self, ctx: TurnContext) -> StateResult:
        slug, _sep, page_text = ctx.payload.partition(":")
        page_text = page_text.removeprefix("p")
        page = page_number(f"p{page_text}") if page_text else 1
        if not slug or (slug.startswith("p") and slug[1:].isdecimal() and not page_text):
            return self._categories(ctx, page_number(slug) if slug else 1)
        category = category_get(slug=slug)
        if category is None:
            return self._categories(ctx)
        children = list(category_list(parent=category))
        if children and not page_text:
            rows = tuple(
                Row(id=f"cat:{c.slug}", title=c.name(ctx.language)) for c in children[:PAGE_SIZE]
            )
            return StateResult(
                messages=[
                    ListMessage(
                        body=_("Which kind of %(category)s?")
                        % {"category": category.name(ctx.language)},
                        button=_("Choose"),
                        sections=(Section(title=category.name(ctx.language), rows=rows),),
                        more_row=Row(
                            id=f"cat:{slug}:p1",
                            title=_("All %(category)s") % {"category": category.name(ctx.language)},
                        ),
                    )
                ],
                next_state=self.name,
            )
        products = list(
            product_list(category=category)[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1]
        )
        if not products:
            return self._categories(ctx)
        more = len(products) > PAGE_SIZE
        rows = tuple(
            Row(
                id=f"prd:{p.sku}",
                title=p.name(ctx.language),
                description=format_money(p.price, p.currency)
                + ("" if p.stock > 0 else " · " + _("Out of stock")),
            )
            for p in products[:PAGE_SIZE]
        )
        return StateResult(
            messages=[
                ListMessage(
                    body=_("%(category)s, page %(page)s:")
                    % {"category": category.name(ctx.language), "page": page},
                    button=_("View products"),
                    sections=(Section(title=category.name(ctx.language), rows=rows),),
                    more_row=Row(id=f"cat:{slug}:p{page + 1}", title=_("More")) if more else None,
                )
            ],
            next_state=self.name,
        )

    def _categories(self, ctx: TurnContext, page: int = 1) -> StateResult:
        categories = list(category_list())
        start = (page - 1) * PAGE_SIZE
        if start >= len(categories):
            page, start = 1, 0
        more = len(categories) > start + PAGE_SIZE
        rows = tuple(
            Row(
                id=f"cat:{c.slug}",
                title=c.name(ctx.language),
                description=c.description_ar if ctx.language == "ar" else c.description_en,
            )
            for c in categories[start : start + PAGE_SIZE]
        )
        return StateResult(
            messages=[
                ListMessage(
                    body=_("What are you shopping for?"),
                    button=_("Categories"),
                    sections=(Section(title=_("Categories"), rows=rows),),
                    more_row=Row(id=f"browse:p{page + 1}", title=_("More")) if more else None,
                )
            ],
            next_state=self.name,
        )
