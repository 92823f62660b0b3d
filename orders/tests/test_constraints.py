"""The database itself rejects states the shop must never be in."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from orders.models import Cart, CartItem, Order
from tests.factories import (
    CustomerFactory,
    PaymentOptionFactory,
    ProductFactory,
    ShippingOptionFactory,
)

pytestmark = pytest.mark.django_db


def test_duplicate_sku_is_rejected_by_the_database() -> None:
    # given
    ProductFactory(sku="DUP-1")
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory(sku="DUP-1")


def test_negative_stock_is_rejected_by_the_database() -> None:
    # given
    product = ProductFactory(stock=1)
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        type(product).objects.filter(pk=product.pk).update(stock=-1)


def test_second_open_cart_for_a_customer_is_rejected() -> None:
    # given
    customer = CustomerFactory()
    Cart.objects.create(customer=customer)
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        Cart.objects.create(customer=customer)


def test_closed_carts_do_not_block_a_new_open_cart() -> None:
    # given
    customer = CustomerFactory()
    Cart.objects.create(customer=customer, status="ordered", is_open=None)
    Cart.objects.create(customer=customer, status="abandoned", is_open=None)
    # when
    Cart.objects.create(customer=customer)
    # then
    assert Cart.objects.filter(customer=customer).count() == 3


def test_cart_item_quantity_must_be_positive() -> None:
    # given
    cart = Cart.objects.create(customer=CustomerFactory())
    product = ProductFactory()
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        CartItem.objects.create(cart=cart, product=product, quantity=0)


def test_cart_holds_a_product_on_one_line_only() -> None:
    # given
    cart = Cart.objects.create(customer=CustomerFactory())
    product = ProductFactory()
    CartItem.objects.create(cart=cart, product=product, quantity=1)
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        CartItem.objects.create(cart=cart, product=product, quantity=2)


def _order(number: str, **overrides: object) -> Order:
    fields = {
        "order_number": number,
        "customer": CustomerFactory(),
        "contact_name": "Sara",
        "address": "1 Main St",
        "shipping_option": ShippingOptionFactory(),
        "payment_option": PaymentOptionFactory(),
        "subtotal": Decimal("10.00"),
        "shipping_cost": Decimal("5.00"),
        "total": Decimal("15.00"),
        "currency": "USD",
    }
    fields.update(overrides)
    return Order.objects.create(**fields)


def test_duplicate_order_number_is_rejected_by_the_database() -> None:
    # given
    _order("ORD-20260101-0001")
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        _order("ORD-20260101-0001")


def test_order_total_must_equal_subtotal_plus_shipping() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        _order("ORD-20260101-0002", total=Decimal("14.99"))
