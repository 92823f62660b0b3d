"""A WhatsApp catalog cart into the shop's cart: what is sold is set, the rest reported."""

from __future__ import annotations

import pytest

from orders.catalog_cart import CATALOG_LINES_MAX, LineProblem, cart_fill_from_catalog
from orders.models import CartItem
from orders.services import MAX_LINE_QUANTITY, cart_add_item
from tests.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _cart(customer) -> dict[str, int]:
    return dict(
        CartItem.objects.filter(cart__customer=customer, cart__is_open=True).values_list(
            "product__sku", "quantity"
        )
    )


def test_a_line_sets_the_quantity_instead_of_adding_to_it():
    # given: the cart already holds one
    customer = CustomerFactory()
    product = ProductFactory(sku="P-1", stock=10)
    cart_add_item(customer=customer, product=product, quantity=1)
    # when
    (line,) = cart_fill_from_catalog(customer=customer, lines=[("P-1", 3)])
    # then
    assert line.ok and line.added == 3
    assert _cart(customer) == {"P-1": 3}


def test_a_repeated_retailer_id_is_one_line_with_the_quantities_summed():
    # given
    customer = CustomerFactory()
    ProductFactory(sku="P-2", stock=10)
    # when
    outcomes = cart_fill_from_catalog(customer=customer, lines=[("P-2", 1), (" P-2 ", 2)])
    # then
    assert [(o.retailer_id, o.added) for o in outcomes] == [("P-2", 3)]
    assert _cart(customer) == {"P-2": 3}


def test_a_quantity_over_the_line_maximum_adds_the_maximum_and_says_so():
    # given
    customer = CustomerFactory()
    ProductFactory(sku="P-3", stock=500)
    # when
    (line,) = cart_fill_from_catalog(customer=customer, lines=[("P-3", 99)])
    # then
    assert line.problem == LineProblem.LIMIT and line.added == MAX_LINE_QUANTITY
    assert _cart(customer) == {"P-3": MAX_LINE_QUANTITY}


def test_a_zero_quantity_and_lines_past_the_maximum_are_reported_not_added():
    # given
    customer = CustomerFactory()
    ProductFactory(sku="P-4", stock=5)
    many = [(f"X-{n}", 1) for n in range(CATALOG_LINES_MAX)]
    # when
    outcomes = cart_fill_from_catalog(customer=customer, lines=[("P-4", 0), *many])
    # then
    assert outcomes[0].problem == LineProblem.INVALID
    assert outcomes[-1].problem == LineProblem.INVALID  # the 101st distinct line
    assert {o.problem for o in outcomes[1:-1]} == {LineProblem.UNKNOWN}
    assert _cart(customer) == {}


def test_unknown_inactive_empty_and_short_lines_each_get_their_reason():
    # given
    customer = CustomerFactory()
    ProductFactory(sku="OFF", active=False)
    ProductFactory(sku="EMPTY", stock=0)
    ProductFactory(sku="SHORT", stock=2)
    # when
    outcomes = cart_fill_from_catalog(
        customer=customer, lines=[("GHOST", 1), ("OFF", 1), ("EMPTY", 1), ("SHORT", 5)]
    )
    # then
    assert [(o.problem, o.added) for o in outcomes] == [
        (LineProblem.UNKNOWN, 0),
        (LineProblem.INACTIVE, 0),
        (LineProblem.OUT_OF_STOCK, 0),
        (LineProblem.SHORT, 2),
    ]
    assert _cart(customer) == {"SHORT": 2}
