"""Amounts in a currency's minor units, as card processors count them, from `Decimal`
only (never float): 2 decimals for USD/SAR/AED, 3 for KWD/BHD/OMR, 0 for JPY."""

from __future__ import annotations

from decimal import Decimal

# Stripe's lists (stripe.com/docs/currencies); every other currency has 2 decimals.
ZERO_DECIMAL = frozenset(
    {
        "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA",
        "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
    }
)  # fmt: skip
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})


class AmountNotRepresentable(ValueError):
    """The amount has more decimals than its currency allows (e.g. 10.50 JPY)."""


def currency_exponent(currency: str) -> int:
    code = currency.upper()
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def to_minor_units(amount: Decimal, currency: str) -> int:
    """`amount` in minor units (12.345 KWD → 12345). Exact or AmountNotRepresentable:
    rounding money silently would charge the customer something else."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"amount must be a Decimal, not {type(amount).__name__}")
    if amount < 0:
        raise AmountNotRepresentable(f"negative amount {amount}")
    scaled = amount.scaleb(currency_exponent(currency))
    if scaled != scaled.to_integral_value():
        raise AmountNotRepresentable(f"{amount} {currency.upper()} has too many decimals")
    return int(scaled)


def from_minor_units(value: int, currency: str) -> Decimal:
    """Minor units back to a Decimal amount (12345 KWD fils → Decimal("12.345"))."""
    return Decimal(int(value)).scaleb(-currency_exponent(currency))
