from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from brandkit.models import Brand
from conversation_log.models import ShopEventKind
from conversation_log.services import shop_event_record
from intent_classifier.types import IntentName
from message_bus.dto import Button, ReplyButtons
from orders.calculations import format_money
from recos.search import LimitBroken, SearchRequest, product_named, product_search

from ..state_router import SEARCH_GUESS, register
from .base import DECLINE, State, StateResult, TurnContext
from .common import (
    budget_label,
    menu_button,
    page_number,
    page_of,
    product_list_messages,
    search_remember,
    to_decimal,
)

if TYPE_CHECKING:
    from intent_classifier import Understanding

RESULTS_MAX = 60


@register
class SearchState(State):
    """Products for the customer's words, paged nine at a time (`srch:p2`). Typed text is
    read from its understanding (words, budget, brands, the type it names) and searched
    by `recos.product_search`, whose policy this state presents: products that break a
    price or brand limit are never listed under a heading that states it; when nothing
    meets the limits the reply says so and shows the nearest. A question naming one
    product by model ("is the galaxy s24 in stock?") gets that product's card. A guess
    that finds nothing is declined (the router then asks the customer back)."""

    name = "search"
    prefixes = ("srch",)
    intents = ("search", "budget", "brand", "product_detail")

    def handle(self, ctx: TurnContext) -> StateResult:
        u = ctx.understanding
        if ctx.payload == SEARCH_GUESS:
            return self._guess(ctx)
        if u is not None and not ctx.payload:
            if (
                u.intent == IntentName.BRAND
                and u.confident
                and not u.names_products
                and not u.has_limits
            ):
                return StateResult(then="brands")  # "what brands do you have?"
            if u.question:
                named = product_named(u.query or u.text, ctx.language, u.slots.get("brand"))
                if named is not None:
                    return StateResult(then="product_detail", then_payload=named.sku)
            _remember(ctx, u)
        request = _request(ctx)
        if request is None:
            return StateResult(
                messages=[
                    ReplyButtons(
                        body=_("What are you looking for? Type a product, brand or budget."),
                        buttons=(Button(id="browse", title=_("Browse products")), menu_button()),
                    )
                ],
                next_state="assistant",
            )
        result = product_search(request)
        label = _label(ctx, request)
        if result.products:
            _typed_search_record(ctx, results=len(result.products))
            return _page(ctx, result.products, page_number(ctx.payload), label)
        if result.nearest:
            _typed_search_record(ctx, results=len(result.nearest))
            return _nearest(ctx, result.nearest, result.broken, label)
        if u is not None and not ctx.payload and not u.names_products and not u.confident:
            return DECLINE  # a guess that found nothing: ask the customer back instead
        _typed_search_record(ctx, results=0)
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

    def _guess(self, ctx: TurnContext) -> StateResult:
        """The router's last guess before asking back: products for the use the words
        name, under a heading that says it is a guess; else it declines."""
        if ctx.understanding is None:
            return DECLINE
        _remember(ctx, ctx.understanding)
        request = _request(ctx)
        if request is None:
            return DECLINE
        result = product_search(replace(request, guess=True))
        if not result.products:
            return DECLINE
        _typed_search_record(ctx, results=len(result.products))
        shown, _more = page_of(result.products, 1)
        body = _("I am not sure I understood. Is it one of these?")
        return _listed(ctx, shown, body, _("Results"))


def _remember(ctx: TurnContext, u: Understanding) -> None:
    """What the customer searched for, for paging and for what they say next."""
    brands = u.slots.get("brands") or ([u.slots["brand"]] if "brand" in u.slots else [])
    search_remember(
        ctx,
        query=u.query,
        price_min=u.slots.get("budget_min"),
        price_max=u.slots.get("budget_max"),
        brands=brands,
        category=u.slots.get("category"),
        newest=bool(u.slots.get("newest")),
    )


def _typed_search_record(ctx: TurnContext, *, results: int) -> None:
    """The dashboard's funnel and "searches with no result": a typed search answered
    (paging through it with a button is not another search)."""
    u = ctx.understanding
    if u is None or ctx.payload:
        return
    shop_event_record(
        kind=ShopEventKind.SEARCH,
        customer_id=ctx.customer.pk,
        query=u.query or u.normalised,
        language=ctx.language,
        results=results,
    )


def _request(ctx: TurnContext) -> SearchRequest | None:
    search = ctx.data.get("search") or {}
    brands = tuple(search.get("brands") or ([search["brand"]] if search.get("brand") else []))
    request = SearchRequest(
        query=search.get("q", ""),
        language=ctx.language,
        price_min=to_decimal(search["min"]) if search.get("min") else None,
        price_max=to_decimal(search["max"]) if search.get("max") else None,
        brand_slugs=brands,
        category_slug=search.get("category") or None,
        newest=bool(search.get("new")),
        limit=RESULTS_MAX,
    )
    asked = (
        request.query
        or request.price_min is not None
        or request.price_max is not None
        or request.brand_slugs
        or request.category_slug
    )
    return request if asked else None


def _label(ctx: TurnContext, request: SearchRequest) -> str:
    brands = Brand.objects.filter(slug__in=request.brand_slugs)
    names = " / ".join(b.name(ctx.language) for b in brands)
    words = request.query
    if names and words.lower().startswith(names.lower()):
        names = ""  # "samsung phones", not "Samsung samsung phones"
    budget = budget_label(request.price_min, request.price_max, settings.DEFAULT_CURRENCY)
    return " ".join(part for part in (names, words, budget) if part)


def _page(ctx: TurnContext, products: list, page: int, label: str) -> StateResult:
    shown, more = page_of(products, page)
    body = _("Here is what I found for “%(query)s”:") % {"query": label}
    if page > 1:
        body += " " + _("(page %(page)s)") % {"page": page}
    return _listed(ctx, shown, body, _("Results"), f"srch:p{page + 1}" if more else "")


def _nearest(ctx: TurnContext, nearest: list, broken: str, label: str) -> StateResult:
    """Nothing meets a limit: say which, and show the closest beyond it under a heading
    that does not claim the limit."""
    price = format_money(nearest[0].price, nearest[0].currency)
    if broken == LimitBroken.PRICE_MAX:
        body = _("Nothing matches “%(query)s”. The cheapest close match is %(price)s:")
    elif broken == LimitBroken.PRICE_MIN:
        body = _("Nothing matches “%(query)s”. The most expensive close match is %(price)s:")
    else:
        body = _("We have nothing from that brand for “%(query)s”. Similar products:")
    shown, _more = page_of(nearest, 1)
    return _listed(ctx, shown, body % {"query": label, "price": price}, _("Closest matches"))


def _listed(
    ctx: TurnContext, shown: list, body: str, section_title: str, more_id: str = ""
) -> StateResult:
    ctx.data["last_results"] = [p.sku for p in shown]
    return StateResult(
        messages=product_list_messages(
            products=shown,
            language=ctx.language,
            body=body,
            more_id=more_id,
            section_title=section_title,
        ),
        next_state="assistant",
    )
