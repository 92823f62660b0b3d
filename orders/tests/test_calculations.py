from __future__ import annotations

from decimal import Decimal

import pytest

from orders import calculations


def test_money_rounds_half_up_to_cents() -> None:
    assert calculations.money(Decimal("1.005")) == Decimal("1.01")
    assert calculations.money(Decimal("1.004")) == Decimal("1.00")


def test_money_refuses_floats() -> None:
    with pytest.raises(TypeError):
        calculations.money(0.1)  # type: ignore[arg-type]


def test_totals_add_up_exactly_where_floats_would_drift() -> None:
    # given: ten lines of 0.10, which sum to 0.9999999999999999 in floats
    lines = [(Decimal("0.10"), 1)] * 10
    # when
    totals = calculations.totals(lines=lines, currency="USD", shipping_price=Decimal("0.20"))
    # then
    assert totals.subtotal == Decimal("1.00")
    assert totals.total == Decimal("1.20")
    assert totals.item_count == 10


def test_shipping_is_free_at_or_above_the_threshold() -> None:
    totals = calculations.totals(
        lines=[(Decimal("50.00"), 2)],
        currency="USD",
        shipping_price=Decimal("7.50"),
        free_over=Decimal("100.00"),
    )
    assert totals.shipping == Decimal("0.00")
    assert totals.total == Decimal("100.00")


def test_no_shipping_until_an_option_is_chosen() -> None:
    totals = calculations.totals(lines=[(Decimal("19.99"), 3)], currency="USD")
    assert totals.subtotal == Decimal("59.97")
    assert totals.shipping == Decimal("0.00")


def test_format_money_keeps_latin_digits_and_trailing_code() -> None:
    assert calculations.format_money(Decimal("1299"), "USD") == "1,299.00 USD"
