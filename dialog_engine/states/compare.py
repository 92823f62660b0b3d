from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from brandkit.specs import specs_display
from inventory.selectors import product_get
from message_bus.dto import Button, ReplyButtons
from orders.calculations import format_money
from recos.search import SearchRequest, product_named, product_search

from ..state_router import register
from .base import DECLINE, State, StateResult, TurnContext
from .common import join_lines, menu_button, product_missing, stock_label

COMPARE_MAX = 3
logger = logging.getLogger(__name__)


def _compare_typed(ctx: TurnContext, parts: list[str]) -> bool:
    """ "compare iphone 15 and galaxy s24": the product each part names replaces the
    comparison; False when fewer than two are found (the comparison is left as it was)."""
    skus: list[str] = []
    for part in parts:
        named = product_named(part, ctx.language)
        if named is None:
            found = product_search(SearchRequest(query=part, language=ctx.language, limit=1))
            named = found.products[0] if found.products else None
        if named is not None and named.sku not in skus:
            skus.append(named.sku)
    if len(skus) < 2:
        return False
    ctx.data["compare"] = skus[:COMPARE_MAX]
    return True


def _advice(ctx: TurnContext, products: list) -> str:
    """The assistant's summary of the differences, when an LLM is configured (it may only
    phrase facts from the database); empty otherwise."""
    from ai_assistant.services import assistant_compare

    try:
        answer = assistant_compare(
            customer=ctx.customer, chat=ctx.chat, products=products, language=ctx.language
        )
    except Exception:  # logged: the table above already answers, advice is a bonus
        logger.warning("assistant_compare failed", exc_info=True)
        return ""
    if answer.source != "llm":
        return ""
    return answer.text.split("\n\n", 1)[-1]


@register
class CompareState(State):
    """Compare two or three products side by side. `cmp:add:<sku>` adds to the comparison
    (kept in the context under `compare`), `cmp:show` shows it, `cmp:clear` empties it."""

    name = "compare"
    prefixes = ("cmp",)
    intents = ("compare",)

    def handle(self, ctx: TurnContext) -> StateResult:
        u = ctx.understanding
        if u is not None and not ctx.payload:
            named = u.slots.get("compared") or []
            built = len(ctx.data.get("compare", [])) >= 2
            if (named and not _compare_typed(ctx, named)) or (
                not named and u.names_products and not built
            ):
                # "gopro hero 12 or 13" with one of them not found, "ps5 ولا xbox؟" with
                # nothing to compare yet: the search shows what the words find, not an
                # empty comparison
                return DECLINE
            ctx.payload = "show"
        action, _sep, sku = ctx.payload.partition(":")
        skus: list[str] = [s for s in ctx.data.get("compare", []) if isinstance(s, str)]
        if action == "clear":
            ctx.data["compare"] = []
            return StateResult(
                messages=[
                    ReplyButtons(
                        body=_("The comparison is empty now."),
                        buttons=(Button(id="browse", title=_("Browse products")), menu_button()),
                    )
                ],
                next_state="assistant",
            )
        if action == "add":
            product = product_get(sku=sku)
            if product is None:
                return product_missing()
            if sku in skus:
                skus.remove(sku)
            skus.append(sku)
            skus = skus[-COMPARE_MAX:]
            ctx.data["compare"] = skus
        products = [p for p in (product_get(sku=s) for s in skus) if p is not None]
        if len(products) < 2:
            names = ", ".join(p.name(ctx.language) for p in products)
            body = (
                _("Added %(name)s to the comparison. Open another product and tap Compare.")
                % {"name": names}
                if products
                else _("Open a product and tap Compare to compare two or three products.")
            )
            return StateResult(
                messages=[
                    ReplyButtons(
                        body=body,
                        buttons=(Button(id="browse", title=_("Browse products")), menu_button()),
                    )
                ],
                next_state="assistant",
            )
        return StateResult(messages=self._table(ctx, products), next_state="assistant")

    def _table(self, ctx: TurnContext, products: list) -> list:
        lang = ctx.language
        blocks = []
        for index, product in enumerate(products, start=1):
            specs = specs_display(specs=product.specs, language=lang, key_only=True)[:6]
            blocks.append(
                join_lines(
                    [
                        f"*{index}. {product.name(lang)}*",
                        f"{_('Price')}: {format_money(product.price, product.currency)}",
                        stock_label(product),
                        *(f"• {label}: {value}" for label, value in specs),
                    ]
                )
            )
        cheapest = min(products, key=lambda p: p.price)
        summary = _("Cheapest: %(name)s") % {"name": cheapest.name(lang)}
        buttons = tuple(
            Button(id=f"prd:{p.sku}", title=f"{i}. {p.name(lang)}")
            for i, p in enumerate(products, start=1)
        )
        parts = [_("Comparison:"), *blocks, summary, _advice(ctx, products)]
        body = "\n\n".join(part for part in parts if part)
        # One message: the table, then the buttons (the bus splits only a body over 1024).
        return [
            ReplyButtons(
                body=body + "\n\n" + _("Open one of them, or clear the comparison."),
                buttons=(*buttons[:2], Button(id="cmp:clear", title=_("Clear comparison"))),
            )
        ]
