from __future__ import annotations

from decimal import Decimal

import pytest

from inventory.exceptions import OutOfStock, ProductUnavailable
from orders import selectors, services
from orders.exceptions import EmptyCart, InvalidQuantity, InvalidTransition, OptionUnavailable
from orders.models import Cart, Order, OrderStatus
from payments.models import Payment, PaymentStatus
from tests.factories import (
    CustomerFactory,
    PaymentOptionFactory,
    ProductFactory,
    ShippingOptionFactory,
)

pytestmark = pytest.mark.django_db

ADDRESS = services.Address(text="12 Olaya St, Riyadh")


def _place(customer, **kwargs) -> Order:
    return services.order_place(
        customer=customer,
        contact_name="Sara",
        address=ADDRESS,
        shipping_option=kwargs.pop("shipping_option", None) or ShippingOptionFactory(),
        payment_option=kwargs.pop("payment_option", None) or PaymentOptionFactory(),
        **kwargs,
    )


def test_adding_a_product_twice_sums_the_quantity_on_one_line() -> None:
    # given
    customer = CustomerFactory()
    product = ProductFactory(stock=5)
    # when
    services.cart_add_item(customer=customer, product=product, quantity=1)
    services.cart_add_item(customer=customer, product=product, quantity=2)
    # then
    items = selectors.cart_items(customer=customer)
    assert [(i.product_id, i.quantity) for i in items] == [(product.pk, 3)]


def test_adding_more_than_the_shelf_holds_raises_out_of_stock() -> None:
    customer = CustomerFactory()
    product = ProductFactory(stock=2)
    with pytest.raises(OutOfStock) as exc:
        services.cart_add_item(customer=customer, product=product, quantity=3)
    assert exc.value.shortfalls[0].available == 2


def test_inactive_product_cannot_be_added() -> None:
    with pytest.raises(ProductUnavailable):
        services.cart_add_item(customer=CustomerFactory(), product=ProductFactory(active=False))


def test_quantity_outside_limits_is_refused() -> None:
    with pytest.raises(InvalidQuantity):
        services.cart_add_item(customer=CustomerFactory(), product=ProductFactory(), quantity=0)


def test_set_quantity_zero_removes_the_line() -> None:
    customer = CustomerFactory()
    product = ProductFactory()
    services.cart_add_item(customer=customer, product=product)
    assert services.cart_set_quantity(customer=customer, product=product, quantity=0) is None
    assert selectors.cart_items(customer=customer) == []


def test_clear_empties_the_cart() -> None:
    customer = CustomerFactory()
    services.cart_add_item(customer=customer, product=ProductFactory())
    services.cart_add_item(customer=customer, product=ProductFactory())
    assert services.cart_clear(customer=customer) == 2
    assert selectors.cart_totals(customer=customer).item_count == 0


def test_cart_totals_use_decimal_and_shipping_option() -> None:
    customer = CustomerFactory()
    services.cart_add_item(
        customer=customer, product=ProductFactory(price=Decimal("19.99")), quantity=3
    )
    shipping = ShippingOptionFactory(price=Decimal("4.50"))
    totals = selectors.cart_totals(customer=customer, shipping_option=shipping)
    assert (totals.subtotal, totals.shipping, totals.total) == (
        Decimal("59.97"),
        Decimal("4.50"),
        Decimal("64.47"),
    )


def test_placing_an_order_takes_stock_snapshots_prices_and_creates_payment() -> None:
    # given
    customer = CustomerFactory()
    product = ProductFactory(stock=5, price=Decimal("100.00"))
    services.cart_add_item(customer=customer, product=product, quantity=2)
    # when
    order = _place(customer, shipping_option=ShippingOptionFactory(price=Decimal("5.00")))
    type(product).objects.filter(pk=product.pk).update(price=Decimal("150.00"))
    # then
    product.refresh_from_db()
    assert product.stock == 3
    item = order.items.get()
    assert (item.sku, item.unit_price, item.quantity, item.line_total) == (
        product.sku,
        Decimal("100.00"),
        2,
        Decimal("200.00"),
    )
    assert (order.subtotal, order.shipping_cost, order.total) == (
        Decimal("200.00"),
        Decimal("5.00"),
        Decimal("205.00"),
    )
    assert order.status == OrderStatus.PLACED
    payment = Payment.objects.get(order=order)
    assert (payment.amount, payment.status) == (Decimal("205.00"), PaymentStatus.PENDING)
    assert not Cart.objects.filter(customer=customer, is_open=True).exists()


def test_order_numbers_carry_prefix_date_and_sequence(settings) -> None:
    settings.ORDER_NUMBER_PREFIX = "VOLT"
    numbers = []
    for _ in range(2):
        customer = CustomerFactory()
        services.cart_add_item(customer=customer, product=ProductFactory())
        numbers.append(_place(customer).order_number)
    assert numbers[0].startswith("VOLT-")
    assert numbers[0].endswith("-0001")
    assert numbers[1].endswith("-0002")


def test_out_of_stock_at_placement_names_every_short_item_and_changes_nothing() -> None:
    # given
    customer = CustomerFactory()
    plenty = ProductFactory(stock=10, name_en="Cable")
    scarce = ProductFactory(stock=3, name_en="Phone")
    services.cart_add_item(customer=customer, product=plenty, quantity=2)
    services.cart_add_item(customer=customer, product=scarce, quantity=3)
    type(scarce).objects.filter(pk=scarce.pk).update(stock=1)  # someone else bought
    # when
    with pytest.raises(OutOfStock) as exc:
        _place(customer)
    # then
    assert [s.sku for s in exc.value.shortfalls] == [scarce.sku]
    assert "Phone" in str(exc.value)
    plenty.refresh_from_db()
    assert plenty.stock == 10
    assert Order.objects.count() == 0
    assert Cart.objects.filter(customer=customer, is_open=True).exists()


def test_empty_cart_cannot_be_placed() -> None:
    with pytest.raises(EmptyCart):
        _place(CustomerFactory())


def test_inactive_shipping_option_is_refused() -> None:
    customer = CustomerFactory()
    services.cart_add_item(customer=customer, product=ProductFactory())
    with pytest.raises(OptionUnavailable):
        _place(customer, shipping_option=ShippingOptionFactory(active=False))


def test_confirming_twice_with_the_same_key_creates_one_order() -> None:
    customer = CustomerFactory()
    product = ProductFactory(stock=5)
    services.cart_add_item(customer=customer, product=product, quantity=1)
    first = _place(customer, idempotency_key="chat-1-confirm-7")
    second = _place(customer, idempotency_key="chat-1-confirm-7")
    assert first.pk == second.pk
    assert Order.objects.count() == 1
    product.refresh_from_db()
    assert product.stock == 4


def test_cancelling_a_placed_order_returns_stock_and_cancels_payment() -> None:
    customer = CustomerFactory()
    product = ProductFactory(stock=5)
    services.cart_add_item(customer=customer, product=product, quantity=2)
    order = _place(customer)
    services.order_cancel(order=order)
    product.refresh_from_db()
    assert product.stock == 5
    assert order.payments.get().status == PaymentStatus.CANCELLED
    assert list(order.events.values_list("to_status", flat=True)) == ["placed", "cancelled"]


def test_status_pipeline_allows_the_happy_path() -> None:
    customer = CustomerFactory()
    services.cart_add_item(customer=customer, product=ProductFactory())
    order = _place(customer)
    services.order_mark_paid(order=order)
    services.order_ship(order=order)
    services.order_deliver(order=order)
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert order.payments.get().status == PaymentStatus.PAID


@pytest.mark.parametrize(
    ("path", "illegal"),
    [
        ([], OrderStatus.DELIVERED),
        ([OrderStatus.SHIPPED], OrderStatus.CANCELLED),
        ([OrderStatus.CANCELLED], OrderStatus.PAID),
        ([OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED], OrderStatus.SHIPPED),
    ],
)
def test_illegal_status_moves_are_refused(path: list[str], illegal: str) -> None:
    customer = CustomerFactory()
    services.cart_add_item(customer=customer, product=ProductFactory())
    order = _place(customer)
    for status in path:
        services.order_transition(order=order, to_status=status)
    with pytest.raises(InvalidTransition):
        services.order_transition(order=order, to_status=illegal)
    order.refresh_from_db()
    assert order.status == (path[-1] if path else OrderStatus.PLACED)


def test_cancelling_a_shipped_order_is_refused_and_stock_untouched() -> None:
    customer = CustomerFactory()
    product = ProductFactory(stock=2)
    services.cart_add_item(customer=customer, product=product)
    order = _place(customer)
    services.order_ship(order=order)
    with pytest.raises(InvalidTransition):
        services.order_cancel(order=order)
    product.refresh_from_db()
    assert product.stock == 1


def test_a_customer_only_sees_their_own_orders() -> None:
    owner, stranger = CustomerFactory(), CustomerFactory()
    services.cart_add_item(customer=owner, product=ProductFactory())
    order = _place(owner)
    assert selectors.order_get(order_number=order.order_number, customer=owner) == order
    assert selectors.order_get(order_number=order.order_number, customer=stranger) is None


def test_totals_that_floats_cannot_add_exactly_still_place(settings) -> None:
    # given: 49.99 + 15.00 is 64.99000000000001 in floating point (SQLite CHECK arithmetic)
    customer = CustomerFactory()
    services.cart_add_item(customer=customer, product=ProductFactory(price=Decimal("49.99")))
    # when
    order = _place(customer, shipping_option=ShippingOptionFactory(price=Decimal("15.00")))
    # then
    assert order.total == Decimal("64.99")
