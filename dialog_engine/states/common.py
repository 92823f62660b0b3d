"""Building blocks the states share: the standard buttons and main menu, product rows and
lists, paging. States never import each other; what two of them need lives here.

Not a state: it registers nothing. Every string is gettext, so the engine's language
override makes them Arabic for Arabic speakers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from message_bus.dto import (
    Button,
    ListMessage,
    OutboundMessage,
    ProductList,
    ProductSection,
    ReplyButtons,
    Row,
    Section,
)
from orders.calculations import format_money
from orders.models import OrderStatus
from orders.selectors import cart_items, cart_totals
from site_config.selectors import site_config_get

from .base import StateResult

if TYPE_CHECKING:
    from inventory.models import Product

    from .base import TurnContext


logger = logging.getLogger(__name__)

# A list carries 10 rows: nine results and a "More" row.
PAGE_SIZE = 9


def menu_button() -> Button:
    return Button(id="menu", title=_("Main menu"))


def cart_button() -> Button:
    return Button(id="cart:view", title=_("My cart"))


def menu_reply(body: str, *extra: Button) -> ReplyButtons:
    """A short answer with up to two extra buttons and the way back to the menu."""
    return ReplyButtons(body=body, buttons=(*extra[:2], menu_button()))


def to_decimal(text: str) -> Decimal | None:
    """A non-negative amount the shop wrote itself (a button payload, a stored search):
    customers' numbers are read by `intent_classifier`, never here."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value >= 0 else None


def menu_buttons() -> list[Button]:
    return [
        Button(id="browse", title=_("Browse products")),
        Button(id="cart:view", title=_("My cart")),
        Button(id="help", title=_("Help")),
    ]


def main_menu(ctx: TurnContext, body: str | None = None) -> ReplyButtons:
    """The greeting with the shop's name and the three main options."""
    config = site_config_get()
    return ReplyButtons(
        header_text=config.shop_name,
        body=body or config.welcome_text(ctx.language),
        buttons=tuple(menu_buttons()),
        footer=_("Type what you are looking for at any time."),
    )


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


def catalog_id() -> str:
    """The WhatsApp catalog products are shown from (WA_CATALOG_ID), or "" for none."""
    return settings.WA_CATALOG_ID


def product_list_messages(
    *,
    products: Sequence[Product],
    language: str,
    body: str,
    more_id: str = "",
    section_title: str = "",
) -> list[OutboundMessage]:
    """Products as a list message (`product_list_message`), or with a WhatsApp catalog
    (WA_CATALOG_ID) as a multi-product message, which opens each product in the catalog
    (retailer id = SKU); the next page is then a button under it."""
    catalog = catalog_id()
    if not catalog:
        return [
            product_list_message(
                products=products,
                language=language,
                body=body,
                more_id=more_id,
                section_title=section_title,
            )
        ]
    title = section_title or _("Products")
    messages: list[OutboundMessage] = [
        ProductList(
            catalog_id=catalog,
            header_text=title,
            body=body,
            sections=(ProductSection(title=title, retailer_ids=tuple(p.sku for p in products)),),
        )
    ]
    if more_id:
        messages.append(
            ReplyButtons(
                body=_("Would you like to see more?"),
                buttons=(Button(id=more_id, title=_("More results")), menu_button()),
            )
        )
    return messages


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


def cart_summary(ctx: TurnContext) -> str:
    items = cart_items(customer=ctx.customer)
    totals = cart_totals(customer=ctx.customer)
    lines = [
        f"• {item.quantity} × {item.product.name(ctx.language)} — "
        f"{format_money(item.product.price * item.quantity, item.product.currency)}"
        for item in items
    ]
    lines.append(
        _("Subtotal: %(amount)s") % {"amount": format_money(totals.subtotal, totals.currency)}
    )
    return "\n".join(lines)


# Context key: a line a state chaining to show_cart wants at the top of the cart message,
# so a turn sends one message instead of two.
CART_NOTICE = "cart_notice"


def cart_notice(ctx: TurnContext, text: str) -> StateResult:
    """Show the cart with `text` on top (one message for "Added X" + the cart)."""
    ctx.data[CART_NOTICE] = text
    return StateResult(then="show_cart")


def notice_join(notice: str, body: str) -> str:
    return f"{notice}\n\n{body}" if notice else body


def more_menu_message(body: str = "") -> ListMessage:
    """Every thing the shop can do in one list (the main menu only has room for three
    buttons)."""
    shop = (
        Row(id="browse", title=_("Browse categories")),
        Row(id="deals", title=_("Deals")),
        Row(id="rec", title=_("Recommended for you")),
        Row(id="brands", title=_("Shop by brand")),
        Row(id="bud", title=_("Shop by budget")),
        Row(id="cmp:show", title=_("Compare products")),
    )
    account = (
        Row(id="orders", title=_("My orders")),
        Row(id="faqs", title=_("Questions and answers")),
        Row(id="human", title=_("Talk to a person")),
        Row(id="lang", title=_("Language / اللغة")),
    )
    return ListMessage(
        body=body or _("What would you like to do?"),
        button=_("Options"),
        sections=(
            Section(title=_("Shop"), rows=shop),
            Section(title=_("Orders and help"), rows=account),
        ),
        footer=_("You can also just type what you are looking for."),
    )


def status_label(status: str) -> str:
    labels = {
        OrderStatus.PLACED: _("Placed, awaiting payment"),
        OrderStatus.PAID: _("Paid, being prepared"),
        OrderStatus.SHIPPED: _("Shipped, on its way"),
        OrderStatus.DELIVERED: _("Delivered"),
        OrderStatus.CANCELLED: _("Cancelled"),
        OrderStatus.REFUNDED: _("Refunded"),
    }
    return labels.get(status, status)


def search_remember(
    ctx: TurnContext,
    *,
    query: str,
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
    brands: Sequence[str] = (),
    category: str | None = None,
    newest: bool = False,
) -> None:
    """Keep the search in the chat context so "More results" can page through it."""
    ctx.data["search"] = {
        "q": query[:120],
        "min": str(price_min) if price_min is not None else None,
        "max": str(price_max) if price_max is not None else None,
        "brands": list(brands),
        "category": category,
        "new": newest,
    }
