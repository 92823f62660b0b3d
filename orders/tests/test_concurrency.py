"""Concurrent checkouts on MariaDB: the shop never oversells."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection

from inventory.exceptions import OutOfStock
from inventory.models import Product
from orders import services
from orders.models import Order
from tests.factories import (
    CustomerFactory,
    PaymentOptionFactory,
    ProductFactory,
    ShippingOptionFactory,
)


@pytest.mark.mysql_only
@pytest.mark.django_db(transaction=True)
def test_twenty_buyers_of_the_last_five_units_make_exactly_five_orders() -> None:
    # given: 5 units left and 20 customers with 1 unit each in their cart
    assert connection.vendor == "mysql"
    product = ProductFactory(stock=5, price=Decimal("999.00"))
    shipping, payment = ShippingOptionFactory(), PaymentOptionFactory()
    customers = [CustomerFactory() for _ in range(20)]
    for customer in customers:
        services.cart_add_item(customer=customer, product=product, quantity=1)
    barrier = threading.Barrier(len(customers))
    outcomes: list[str] = []
    lock = threading.Lock()

    def buy(customer) -> None:
        close_old_connections()
        try:
            barrier.wait()
            services.order_place(
                customer=customer,
                contact_name="Buyer",
                address=services.Address(text="Somewhere"),
                shipping_option=shipping,
                payment_option=payment,
            )
            result = "ordered"
        except OutOfStock:
            result = "out_of_stock"
        except Exception as exc:  # noqa: BLE001 - reported in the assertion below
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    # when
    threads = [threading.Thread(target=buy, args=(c,)) for c in customers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then
    assert sorted(outcomes).count("ordered") == 5, outcomes
    assert outcomes.count("out_of_stock") == 15, outcomes
    assert Order.objects.count() == 5
    assert Product.objects.get(pk=product.pk).stock == 0
    numbers = list(Order.objects.values_list("order_number", flat=True))
    assert len(set(numbers)) == 5
