"""Shared steps of the payments tests: a customer's card order, and signed Stripe
webhooks posted through the real endpoint with their on-commit work run."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orders.models import Order
from orders.services import Address, cart_add_item, order_place
from tests.factories import (
    CustomerFactory,
    PaymentOptionFactory,
    ProductFactory,
    ShippingOptionFactory,
)

from .fake_stripe import stripe_signature

WA_ID = "966530000777"


def card_option():
    return PaymentOptionFactory(
        code="card",
        kind="payment_link",
        name_en="Card (pay online)",
        name_ar="بطاقة",
        instructions_en="",
        instructions_ar="",
    )


def card_order(
    *, price: Decimal = Decimal("49.99"), currency: str = "USD", wa_id: str = WA_ID
) -> Order:
    """An order placed in the chat by a customer inside the 24-hour window, paying by
    card: total = price + 15.00 shipping."""
    customer = CustomerFactory(wa_id=wa_id, last_inbound_at=timezone.now())
    product = ProductFactory(price=price, currency=currency, stock=5)
    shipping = ShippingOptionFactory(code="std", price=Decimal("15.00"), currency=currency)
    cart_add_item(customer=customer, product=product, quantity=1)
    return order_place(
        customer=customer,
        contact_name="Sara Ahmed",
        address=Address(text="12 King Fahd Road, Riyadh"),
        shipping_option=shipping,
        payment_option=card_option(),
    )


def post_stripe(
    body: bytes, *, capture, signature: str | None = None, client: Client | None = None
):
    """POST a Stripe webhook (signed with the test secret unless `signature` is given),
    running its on-commit work (the eager Celery task) as a committed request would."""
    header = stripe_signature(body) if signature is None else signature
    with capture(execute=True):
        return (client or Client()).post(
            reverse("payments:stripe_webhook"),
            data=body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header,
        )
