"""Money arithmetic for carts and orders. Decimal only, rounded half-up to cents."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(*, unit_price: Decimal, quantity: int) -> Decimal:
    return money(unit_price * quantity)


def shipping_cost(*, subtotal: Decimal, price: Decimal, free_over: Decimal | None) -> Decimal:
    if free_over is not None and subtotal >= free_over:
        return money(0)
    return money(price)


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    shipping: Decimal
    total: Decimal
    currency: str
    item_count: int


def totals(
    *,
    lines: Iterable[tuple[Decimal, int]],
    currency: str,
    shipping_price: Decimal | None = None,
    free_over: Decimal | None = None,
) -> Totals:
    """Totals of (unit_price, quantity) lines plus shipping when an option is chosen."""
    items = list(lines)
    subtotal = money(sum((line_total(unit_price=p, quantity=q) for p, q in items), Decimal(0)))
    shipping = (
        money(0)
        if shipping_price is None
        else shipping_cost(subtotal=subtotal, price=shipping_price, free_over=free_over)
    )
    return Totals(
        subtotal=subtotal,
        shipping=shipping,
        total=money(subtotal + shipping),
        currency=currency,
        item_count=sum(q for _, q in items),
    )


def format_money(amount: Decimal, currency: str) -> str:
    """`1,299.00 USD`: digits stay Latin and the code trails, which reads correctly inside
    both left-to-right and right-to-left text."""
    return f"{money(amount):,.2f} {currency}"
