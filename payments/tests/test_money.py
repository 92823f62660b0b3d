from __future__ import annotations

from decimal import Decimal

import pytest

from payments.money import AmountNotRepresentable, from_minor_units, to_minor_units


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        ("64.99", "USD", 6499),
        ("64.99", "sar", 6499),
        ("0.10", "AED", 10),
        ("12.345", "KWD", 12345),
        ("12.50", "BHD", 12500),
        ("7.1", "OMR", 7100),
        ("1500", "JPY", 1500),
        ("1500.00", "JPY", 1500),
        ("0.07", "USD", 7),
    ],
)
def test_amounts_are_exact_minor_units_of_their_currency(amount, currency, minor):
    # when / then
    assert to_minor_units(Decimal(amount), currency) == minor
    assert from_minor_units(minor, currency) == Decimal(amount)


def test_an_amount_with_more_decimals_than_the_currency_is_refused_not_rounded():
    with pytest.raises(AmountNotRepresentable):
        to_minor_units(Decimal("1500.50"), "JPY")
    with pytest.raises(AmountNotRepresentable):
        to_minor_units(Decimal("1.005"), "USD")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        to_minor_units(64.99, "USD")  # type: ignore[arg-type]
