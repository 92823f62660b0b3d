"""Orders placed the way the chat places them, for the push and fulfilment tests."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from orders.models import Order
from orders.services import Address, cart_add_item, order_place
from tests.factories import (
    CustomerFactory,
    PaymentOptionFactory,
    ProductFactory,
    ShippingOptionFactory,
)


def place_order(*, variant_id: int | None = 10, stock: int = 5, quantity: int = 2) -> Order:
    """A customer inside the 24-hour window orders `quantity` of a Shopify-linked product."""
    customer = CustomerFactory(
        last_inbound_at=timezone.now() - timedelta(minutes=5), profile_name="Sara"
    )
    product = ProductFactory(stock=stock, shopify_variant_id=variant_id, shopify_product_id=1)
    cart_add_item(customer=customer, product=product, quantity=quantity)
    return order_place(
        customer=customer,
        contact_name="Sara Haddad",
        address=Address(text="12 Palm Street, Riyadh"),
        shipping_option=ShippingOptionFactory(),
        payment_option=PaymentOptionFactory(),
        idempotency_key=None,
    )
