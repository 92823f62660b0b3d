"""Building blocks the shopping states share: the standard buttons, product rows and
cards, budget parsing and the product search with its fallback.

Not a state: it registers nothing. Every string is gettext, so the engine's language
override makes them Arabic for Arabic speakers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from message_bus.dto import Button, ListMessage, ReplyButtons, Row, Section
from orders.calculations import format_money

from .base import StateResult

if TYPE_CHECKING:
    from inventory.models import Product


logger = logging.getLogger(__name__)

# A list carries 10 rows: nine results and a "More" row.
PAGE_SIZE = 9
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩٫", "0123456789.")
_NUMBER = r"\$?\s*([\d٠-٩][\d٠-٩,.٫]*)\s*(?:k|K|ألف|الف)?"
_BETWEEN = re.compile(
    r"(?:between|from|بين|من)\s*" + _NUMBER + r"\s*(?:and|to|-|و|الى|إلى|حتى)\s*" + _NUMBER,
    re.IGNORECASE,
)
_UNDER = re.compile(
    r"(?:under|below|less than|max|up to|cheaper than|أقل من|اقل من|تحت|حتى|بحدود|ما يتجاوز)\s*"
    + _NUMBER,
    re.IGNORECASE,
)
_OVER = re.compile(
    r"(?:over|above|more than|at least|from|أكثر من|اكثر من|فوق|من)\s*" + _NUMBER, re.IGNORECASE
)
_CURRENCY_WORDS = re.compile(
    r"\b(?:usd|dollars?|sar|riyals?|aed)\b|دولار|ريال|درهم|\$", re.IGNORECASE
)


def menu_button() -> Button:
    return Button(id="menu", title=_("Main menu"))


def cart_button() -> Button:
    return Button(id="cart:view", title=_("My cart"))


def menu_reply(body: str, *extra: Button) -> ReplyButtons:
    """A short answer with up to two extra buttons and the way back to the menu."""
    return ReplyButtons(body=body, buttons=(*extra[:2], menu_button()))


def to_decimal(text: str) -> Decimal | None:
    digits = text.translate(_ARABIC_DIGITS).replace(",", "").strip().rstrip(".")
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    return value if value >= 0 else None


def _amount(match: re.Match[str], group: int) -> Decimal | None:
    value = to_decimal(match.group(group))
    whole = match.group(0).lower()
    if value is not None and re.search(r"\d\s*(?:k|ألف|الف)\b", whole):
        value *= 1000
    return value


def budget_parse(text: str) -> tuple[Decimal | None, Decimal | None, str]:
    """(min, max, the text without the budget words): "under 300", "between 500 and 1000",
    "بين 500 و 1000", "أقل من ٣٠٠"."""
    for pattern, kind in ((_BETWEEN, "between"), (_UNDER, "under"), (_OVER, "over")):
        match = pattern.search(text)
        if not match:
            continue
        rest = (text[: match.start()] + " " + text[match.end() :]).strip()
        rest = " ".join(_CURRENCY_WORDS.sub(" ", rest).split())
        if kind == "between":
            low, high = _amount(match, 1), _amount(match, 2)
            if low is not None and high is not None and low > high:
                low, high = high, low
            return low, high, rest
        if kind == "under":
            return None, _amount(match, 1), rest
        return _amount(match, 1), None, rest
    return None, None, text


def budget_label(low: Decimal | None, high: Decimal | None, currency: str) -> str:
    if low is not None and high is not None:
        return _("between %(low)s and %(high)s") % {
            "low": format_money(low, currency),
            "high": format_money(high, currency),
        }
    if high is not None:
        return _("under %(amount)s") % {"amount": format_money(high, currency)}
    if low is not None:
        return _("from %(amount)s") % {"amount": format_money(low, currency)}
    return ""


def stock_label(product: Product) -> str:
    if product.stock <= 0:
        return _("Out of stock")
    if product.stock <= 3:
        return _("Only %(count)s left") % {"count": product.stock}
    return _("In stock")


def product_row(product: Product, language: str) -> Row:
    """A list row opening the product card; the description repeats the full name (a
    row title holds 24 characters) after the price and stock."""
    price = format_money(product.price, product.currency)
    description = f"{price} · {stock_label(product)} · {product.name(language)}"
    return Row(id=f"prd:{product.sku}", title=product.name(language), description=description)


def product_list_message(
    *,
    products: Sequence[Product],
    language: str,
    body: str,
    more_id: str = "",
    section_title: str = "",
) -> ListMessage:
    """Up to nine product rows and, when `more_id` is given, a "More" row for the next page."""
    rows = tuple(product_row(p, language) for p in products[:PAGE_SIZE])
    return ListMessage(
        body=body,
        button=_("View products"),
        sections=(Section(title=section_title or _("Products"), rows=rows),),
        more_row=Row(id=more_id, title=_("More results")) if more_id else None,
    )


def page_of(items: Sequence, page: int) -> tuple[list, bool]:
    """The items of 1-based `page` and whether another page follows."""
    start = (page - 1) * PAGE_SIZE
    chunk = list(items[start : start + PAGE_SIZE + 1])
    return chunk[:PAGE_SIZE], len(chunk) > PAGE_SIZE


def page_number(payload: str) -> int:
    """`p3` → 3; anything else → 1."""
    if payload.startswith("p") and payload[1:].isdecimal() and len(payload) <= 5:
        return max(1, min(int(payload[1:]), 1000))
    return 1


def products_search(
    *,
    query: str,
    language: str,
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
    brand_slug: str | None = None,
    category_slug: str | None = None,
    limit: int = 30,
) -> list[Product]:
    """Products for a customer's words: the semantic search of `recos`, then the
    catalog's keyword search; budget, brand and category filters always apply. Words that
    only name the category ("جوال بين 500 و 1000") list that category in the budget."""
    from inventory.selectors import category_get, product_list

    category = category_get(slug=category_slug) if category_slug else None
    products: list[Product] = []
    if query.strip():
        products = _semantic(query, language, price_min, price_max, brand_slug, category, limit)
        if not products:
            products = _lexical(query, price_min, price_max, brand_slug, limit)
            if category is not None:
                products = [p for p in products if _in_category(p, category)]
    if not products:
        qs = product_list(
            category=category, brand_slug=brand_slug, price_min=price_min, price_max=price_max
        )
        if query.strip() and category is None and brand_slug is None:
            qs = qs.none()  # unknown words alone: better "nothing found" than everything
        products = list(qs.order_by("-stock", "price")[:limit])
    return sorted(products, key=lambda p: p.stock <= 0)


def _in_category(product: Product, category) -> bool:
    return product.category_id == category.pk or product.category.parent_id == category.pk


def _semantic(query, language, price_min, price_max, brand_slug, category, limit) -> list[Product]:
    from recos.search import SearchFilters, recommend

    filters = SearchFilters(
        brand_slug=brand_slug,
        price_min=price_min,
        price_max=price_max,
        category_slug=category.slug if category is not None else None,
    )
    try:
        hits = recommend(query, language=language, k=limit, filters=filters)
    except Exception:
        logger.warning("semantic search unavailable; falling back to keywords", exc_info=True)
        return []
    return [hit.product for hit in hits if hit.product.active]


def _lexical(query, price_min, price_max, brand_slug, limit) -> list[Product]:
    from inventory.selectors import product_list, product_search_words

    words = re.findall(r"[\w\-]+", query)
    found = product_search_words(words=words, price_max=price_max, limit=limit)
    if price_min is not None:
        found = [p for p in found if p.price >= price_min]
    if brand_slug:
        found = [p for p in found if p.brand and p.brand.slug == brand_slug]
    if not found and len(words) > 1:
        # "cheap samsung phone please": the longest word alone is often enough.
        longest = max(words, key=len)
        qs = product_list(
            text=longest, price_min=price_min, price_max=price_max, brand_slug=brand_slug
        )
        found = list(qs[:limit])
    return found


def similar_products(product: Product, *, limit: int = 5) -> list[Product]:
    """In-stock products like `product`: `recos.similar_to` when available, else the same
    category closest in price."""
    from recos.search import similar_to

    try:
        found = [hit.product for hit in similar_to(product, k=limit, in_stock=True)]
        found = [p for p in found if p.pk != product.pk and p.active and p.stock > 0]
        if found:
            return found[:limit]
    except Exception:
        logger.warning("similar_to unavailable; using the category", exc_info=True)
    from inventory.selectors import product_list

    candidates = list(
        product_list(category=product.category, in_stock=True).exclude(pk=product.pk)[:50]
    )
    if product.category.parent_id and len(candidates) < limit:
        candidates += [
            p
            for p in product_list(category=product.category.parent, in_stock=True).exclude(
                pk=product.pk
            )[:50]
            if p not in candidates
        ]
    candidates.sort(key=lambda p: (p.brand_id != product.brand_id, abs(p.price - product.price)))
    return candidates[:limit]


def not_found(body: str) -> StateResult:
    return StateResult(messages=[menu_reply(body)], next_state="assistant")


def product_missing() -> StateResult:
    return not_found(_("Sorry, that product is no longer available."))


def join_lines(lines: Iterable[str]) -> str:
    return "\n".join(line for line in lines if line)
