"""A WhatsApp catalog cart into the shop's cart.

A customer who builds a cart in the WhatsApp catalog sends it as one `order` message: a
list of (retailer id, quantity). The retailer id is our SKU. Each line sets that product's
quantity in the open cart (the catalog cart states what the customer wants, so sending it
twice does not double it); lines the shop cannot fill are reported, never guessed at.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import transaction

from inventory.exceptions import OutOfStock, ProductUnavailable
from inventory.models import Product

from .services import MAX_LINE_QUANTITY, cart_set_quantity

if TYPE_CHECKING:
    from users.models import Customer

# More lines than any catalog cart holds (Meta allows 99 items); the rest are reported.
CATALOG_LINES_MAX = 100


class LineProblem(StrEnum):
    NONE = ""
    UNKNOWN = "unknown"  # no product with this SKU
    INACTIVE = "inactive"  # not for sale any more
    OUT_OF_STOCK = "out_of_stock"  # nothing on the shelf
    SHORT = "short"  # fewer on the shelf than asked: what there is was added
    LIMIT = "limit"  # more than one cart line may hold: the maximum was added
    INVALID = "invalid"  # no quantity, or past CATALOG_LINES_MAX


@dataclass(frozen=True)
class CatalogLine:
    """What became of one catalog cart line."""

    retailer_id: str
    requested: int
    added: int = 0
    problem: LineProblem = LineProblem.NONE
    product: Product | None = None

    @property
    def ok(self) -> bool:
        return self.problem == LineProblem.NONE


def _merged(lines: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Quantities per retailer id, in first-seen order (a catalog may repeat an id)."""
    merged: dict[str, int] = {}
    for retailer_id, quantity in lines:
        key = retailer_id.strip()
        if key:
            merged[key] = merged.get(key, 0) + max(int(quantity), 0)
    return merged


@transaction.atomic
def cart_fill_from_catalog(
    *, customer: Customer, lines: Iterable[tuple[str, int]]
) -> list[CatalogLine]:
    """Fill the customer's open cart from a catalog `order` message's lines (SKU,
    quantity), one outcome per distinct SKU in the order sent. A line's quantity replaces
    what the cart held of that product. Unknown and inactive products and empty shelves
    add nothing; a shelf holding fewer than asked, or a quantity above MAX_LINE_QUANTITY,
    adds what can be sold. Stock is only checked here; it is taken when the order is placed."""
    merged = _merged(lines)
    wanted = list(merged.items())
    products = {p.sku: p for p in Product.objects.filter(sku__in=[sku for sku, _ in wanted])}
    outcomes: list[CatalogLine] = []
    for index, (sku, quantity) in enumerate(wanted):
        product = products.get(sku)
        if index >= CATALOG_LINES_MAX or quantity < 1:
            outcomes.append(
                CatalogLine(sku, quantity, problem=LineProblem.INVALID, product=product)
            )
            continue
        if product is None:
            outcomes.append(CatalogLine(sku, quantity, problem=LineProblem.UNKNOWN))
            continue
        outcomes.append(_fill_line(customer=customer, product=product, quantity=quantity))
    return outcomes


def _fill_line(*, customer: Customer, product: Product, quantity: int) -> CatalogLine:
    sku = product.sku
    if not product.active:
        return CatalogLine(sku, quantity, problem=LineProblem.INACTIVE, product=product)
    allowed = min(quantity, MAX_LINE_QUANTITY)
    take = min(allowed, product.stock)
    if take < 1:
        return CatalogLine(sku, quantity, problem=LineProblem.OUT_OF_STOCK, product=product)
    try:
        with transaction.atomic():
            cart_set_quantity(customer=customer, product=product, quantity=take)
    except ProductUnavailable:  # deactivated a moment ago
        return CatalogLine(sku, quantity, problem=LineProblem.INACTIVE, product=product)
    except OutOfStock:  # sold a moment ago (the shelf was read before the cart's check)
        return CatalogLine(sku, quantity, problem=LineProblem.OUT_OF_STOCK, product=product)
    if take < allowed:
        problem = LineProblem.SHORT
    elif allowed < quantity:
        problem = LineProblem.LIMIT
    else:
        problem = LineProblem.NONE
    return CatalogLine(sku, quantity, added=take, problem=problem, product=product)
