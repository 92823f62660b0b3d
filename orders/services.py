"""Cart and order actions. Every write to carts and orders goes through here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from inventory.exceptions import OutOfStock, ProductUnavailable, Shortfall
from inventory.models import Product
from inventory.services import stock_return, stock_take
from payments.models import PaymentOption
from payments.services import payment_cancel, payment_create, payment_mark_paid
from project_core.metrics import ORDERS_PLACED

from . import calculations
from .exceptions import EmptyCart, InvalidQuantity, InvalidTransition, OptionUnavailable
from .models import (
    RESTOCK_ON_CANCEL,
    Cart,
    CartItem,
    CartStatus,
    Order,
    OrderEvent,
    OrderItem,
    OrderSequence,
    OrderStatus,
    ShippingOption,
)
from .signals import order_placed, order_status_changed

if TYPE_CHECKING:
    from users.models import Customer

MAX_LINE_QUANTITY = 20


# --- Cart ---------------------------------------------------------------------------------
def cart_get_or_create(*, customer: Customer) -> Cart:
    """The customer's one open cart, created when missing (race-safe: the database allows
    only one open cart per customer)."""
    cart = Cart.objects.filter(customer=customer, is_open=True).first()
    if cart is not None:
        return cart
    try:
        with transaction.atomic():
            return Cart.objects.create(customer=customer)
    except IntegrityError:
        return Cart.objects.get(customer=customer, is_open=True)


def _check_quantity(quantity: int) -> None:
    if quantity < 1 or quantity > MAX_LINE_QUANTITY:
        raise InvalidQuantity(f"Quantity must be between 1 and {MAX_LINE_QUANTITY}.")


def _sellable(product: Product, quantity: int) -> None:
    if not product.active:
        raise ProductUnavailable(product.sku)
    if product.stock < quantity:
        raise OutOfStock([Shortfall(product.sku, product.name_en, quantity, product.stock)])


def _cart_locked(*, customer: Customer) -> Cart:
    """The customer's open cart (created when missing), locked until the caller commits.

    Every service that writes cart lines takes this lock first, before any line: the
    writes of one cart are serialised, so `Cart.has_items` read (read committed) and
    written under it is exact, and the lock order (cart, then lines) is the one
    `order_place` uses too."""
    cart = cart_get_or_create(customer=customer)
    return Cart.objects.select_for_update().get(pk=cart.pk)


def _cart_line_save(
    *, cart: Cart, product: Product, quantity: int, reset_reminder: bool = False
) -> CartItem:
    """Write a line of the locked `cart` with `quantity` (the line's new total) and mark
    the cart as holding an item. The one place a service puts an item in a cart: adding,
    setting a quantity, a reorder and a WhatsApp catalog order all come through here."""
    item, _ = CartItem.objects.update_or_create(
        cart=cart, product=product, defaults={"quantity": quantity}
    )
    touched: dict[str, object] = {"updated_at": timezone.now(), "has_items": True}
    if reset_reminder:
        touched["reminder_sent_at"] = None
    Cart.objects.filter(pk=cart.pk).update(**touched)
    return item


@transaction.atomic
def cart_add_item(*, customer: Customer, product: Product, quantity: int = 1) -> CartItem:
    """Add `quantity` of a product (added to what the cart already holds). Checks that the
    product is for sale and that the shelf holds the new total; stock is only taken when
    the order is placed."""
    _check_quantity(quantity)
    cart = _cart_locked(customer=customer)
    item = CartItem.objects.select_for_update().filter(cart=cart, product=product).first()
    new_quantity = quantity + (item.quantity if item else 0)
    _check_quantity(new_quantity)
    product.refresh_from_db(fields=["stock", "active", "price"])
    _sellable(product, new_quantity)
    # An addition starts a new idle spell: one more abandoned-cart reminder is allowed.
    return _cart_line_save(cart=cart, product=product, quantity=new_quantity, reset_reminder=True)


@transaction.atomic
def cart_set_quantity(*, customer: Customer, product: Product, quantity: int) -> CartItem | None:
    """Set a line's quantity; 0 removes the line. Returns the line or None if removed."""
    if quantity == 0:
        cart_remove_item(customer=customer, product=product)
        return None
    _check_quantity(quantity)
    cart = _cart_locked(customer=customer)
    product.refresh_from_db(fields=["stock", "active", "price"])
    _sellable(product, quantity)
    return _cart_line_save(cart=cart, product=product, quantity=quantity)


@transaction.atomic
def cart_remove_item(*, customer: Customer, product: Product) -> bool:
    """Remove a product from the open cart. True if a line was removed."""
    cart = Cart.objects.select_for_update().filter(customer=customer, is_open=True).first()
    if cart is None:
        return False
    deleted, _ = CartItem.objects.filter(cart=cart, product=product).delete()
    if deleted:
        cart_has_items_refresh(cart_id=cart.pk)
    return deleted > 0


@transaction.atomic
def cart_clear(*, customer: Customer) -> int:
    """Empty the open cart; returns the number of lines removed."""
    cart = Cart.objects.select_for_update().filter(customer=customer, is_open=True).first()
    if cart is None:
        return 0
    deleted, _ = CartItem.objects.filter(cart=cart).delete()
    Cart.objects.filter(pk=cart.pk).update(has_items=False)
    return deleted


@transaction.atomic
def cart_has_items_refresh(*, cart_id: int) -> bool:
    """Set `Cart.has_items` from the cart's lines, after lines were removed (here, or by
    staff in the cart admin's inline); returns it. Locks the cart row first, like every
    line writer, so no line is added between the count and the write."""
    Cart.objects.select_for_update().filter(pk=cart_id).first()
    has_items = CartItem.objects.filter(cart_id=cart_id).exists()
    Cart.objects.filter(pk=cart_id).update(has_items=has_items)
    return has_items


def cart_abandon(*, cart_id: int) -> bool:
    """Close an idle open cart (housekeeping). Idempotent: False if already closed."""
    return (
        Cart.objects.filter(pk=cart_id, is_open=True).update(
            status=CartStatus.ABANDONED, is_open=None, updated_at=timezone.now()
        )
        == 1
    )


# --- Order numbers ------------------------------------------------------------------------
def order_number_next(*, day: date | None = None) -> str:
    """`PREFIX-YYYYMMDD-NNNN`, unique without races: the day's counter row is created if
    missing, then incremented under its row lock, which holds until the caller commits."""
    day = day or timezone.localdate()
    with transaction.atomic():
        OrderSequence.objects.get_or_create(day=day)
        OrderSequence.objects.filter(day=day).update(last_value=F("last_value") + 1)
        value = OrderSequence.objects.get(day=day).last_value
    return order_number_format(day=day, value=value)


def order_number_format(*, day: date, value: int) -> str:
    return f"{settings.ORDER_NUMBER_PREFIX}-{day:%Y%m%d}-{value:04d}"


@cache
def _order_number_pattern(prefix: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?<![\w-]){re.escape(prefix)}[\s#-]*(\d{{8}})[\s-]*(\d{{1,6}})(?!\d)", re.IGNORECASE
    )


def order_number_find(text: str) -> str | None:
    """The order number in `text` (normalised by `intent_classifier`: Latin digits), in
    its canonical form, or None. The one reader of what `order_number_next` writes: case,
    spaces or a missing dash and a short sequence ("ord 20260101 42") all read as
    `ORD-20260101-0042`."""
    match = _order_number_pattern(settings.ORDER_NUMBER_PREFIX).search(text)
    if not match:
        return None
    return f"{settings.ORDER_NUMBER_PREFIX}-{match.group(1)}-{int(match.group(2)):04d}"


# --- Placing and moving orders ------------------------------------------------------------
@dataclass(frozen=True)
class Address:
    text: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None


def _active_shipping(option: ShippingOption) -> ShippingOption:
    option = ShippingOption.objects.filter(pk=option.pk, active=True).first()
    if option is None:
        raise OptionUnavailable("That shipping option is no longer available.")
    return option


def _active_payment(option: PaymentOption) -> PaymentOption:
    option = PaymentOption.objects.filter(pk=option.pk, active=True).first()
    if option is None:
        raise OptionUnavailable("That payment option is no longer available.")
    return option


def order_place(
    *,
    customer: Customer,
    contact_name: str,
    address: Address,
    shipping_option: ShippingOption,
    payment_option: PaymentOption,
    idempotency_key: str | None = None,
    language: str = "en",
    notes: str = "",
) -> Order:
    """Turn the customer's open cart into an order, atomically.

    Stock is taken without overselling (OutOfStock names every short line and nothing
    changes), prices are snapshotted from the catalog now, a pending payment is created
    and the cart is closed. With `idempotency_key`, placing twice returns the first order.
    """
    if idempotency_key:
        existing = Order.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    try:
        order = _order_place(
            customer=customer,
            contact_name=contact_name,
            address=address,
            shipping_option=shipping_option,
            payment_option=payment_option,
            idempotency_key=idempotency_key,
            language=language,
            notes=notes,
        )
    except IntegrityError:
        # A concurrent Confirm with the same key won the race.
        if idempotency_key:
            existing = Order.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        raise
    transaction.on_commit(lambda: order_placed.send(sender=Order, order_id=order.pk))
    transaction.on_commit(ORDERS_PLACED.labels(payment_kind=payment_option.kind).inc)
    return order


@transaction.atomic
def _order_place(
    *,
    customer: Customer,
    contact_name: str,
    address: Address,
    shipping_option: ShippingOption,
    payment_option: PaymentOption,
    idempotency_key: str | None,
    language: str,
    notes: str,
) -> Order:
    shipping_option = _active_shipping(shipping_option)
    payment_option = _active_payment(payment_option)
    # Locking the cart serialises two Confirms of the same customer.
    cart = Cart.objects.select_for_update().filter(customer=customer, is_open=True).first()
    items = list(cart.items.select_related("product")) if cart else []
    if not items:
        raise EmptyCart()
    stock_take(lines=[(item.product_id, item.quantity) for item in items])

    currency = items[0].product.currency
    totals = calculations.totals(
        lines=[(item.product.price, item.quantity) for item in items],
        currency=currency,
        shipping_price=shipping_option.price,
        free_over=shipping_option.free_over,
    )
    order = Order.objects.create(
        order_number=order_number_next(),
        customer=customer,
        contact_name=contact_name.strip()[:120],
        contact_phone=customer.phone or customer.wa_id,
        address=address.text.strip(),
        latitude=address.latitude,
        longitude=address.longitude,
        shipping_option=shipping_option,
        payment_option=payment_option,
        subtotal=totals.subtotal,
        shipping_cost=totals.shipping,
        total=totals.total,
        currency=currency,
        language=language,
        idempotency_key=idempotency_key or None,
        notes=notes,
    )
    OrderItem.objects.bulk_create(
        [
            OrderItem(
                order=order,
                product=item.product,
                sku=item.product.sku,
                name_en=item.product.name_en,
                name_ar=item.product.name_ar,
                unit_price=item.product.price,
                quantity=item.quantity,
                line_total=calculations.line_total(
                    unit_price=item.product.price, quantity=item.quantity
                ),
            )
            for item in items
        ]
    )
    OrderEvent.objects.create(order=order, to_status=OrderStatus.PLACED, actor="customer")
    payment_create(order=order, option=payment_option, amount=order.total, currency=currency)
    Cart.objects.filter(pk=cart.pk).update(
        status=CartStatus.ORDERED, is_open=None, updated_at=timezone.now()
    )
    return order


@transaction.atomic
def order_transition(*, order: Order, to_status: str, actor: str = "", note: str = "") -> Order:
    """Move an order along the status pipeline (ALLOWED_TRANSITIONS) or raise
    InvalidTransition. Cancelling a placed or paid order returns its stock."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    from_status = locked.status
    if to_status not in OrderStatus.values or not locked.can_move_to(to_status):
        raise InvalidTransition(locked.order_number, from_status, to_status)
    if to_status == OrderStatus.CANCELLED:
        if from_status in RESTOCK_ON_CANCEL:
            stock_return(lines=locked.items.values_list("product_id", "quantity"))
        payment_cancel(order=locked)
    if to_status == OrderStatus.PAID:
        payment_mark_paid(order=locked)
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    OrderEvent.objects.create(
        order=locked, from_status=from_status, to_status=to_status, actor=actor, note=note[:300]
    )
    transaction.on_commit(
        lambda: order_status_changed.send(sender=Order, order_id=locked.pk, status=to_status)
    )
    order.status = locked.status
    return locked


def order_cancel(*, order: Order, actor: str = "customer", note: str = "") -> Order:
    return order_transition(order=order, to_status=OrderStatus.CANCELLED, actor=actor, note=note)


def order_mark_paid(*, order: Order, actor: str = "staff") -> Order:
    return order_transition(order=order, to_status=OrderStatus.PAID, actor=actor)


def order_ship(*, order: Order, actor: str = "staff", note: str = "") -> Order:
    return order_transition(order=order, to_status=OrderStatus.SHIPPED, actor=actor, note=note)


def order_deliver(*, order: Order, actor: str = "staff") -> Order:
    return order_transition(order=order, to_status=OrderStatus.DELIVERED, actor=actor)


def cart_claim_reminder(*, cart_id: int) -> bool:
    """Record that the one reminder of this idle spell is being sent. Conditional, so two
    concurrent housekeeping runs never both send it: only the one that gets True sends.
    (`cart_add_item` clears the mark, allowing one reminder per idle spell.)"""
    return (
        Cart.objects.filter(pk=cart_id, is_open=True, reminder_sent_at__isnull=True).update(
            reminder_sent_at=timezone.now()
        )
        == 1
    )


# --- Staff corrections --------------------------------------------------------------------
# Once the parcel has left (or the order ended), a new address would change nothing.
ADDRESS_LOCKED_STATUSES = frozenset(
    {OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CANCELLED, OrderStatus.REFUNDED}
)


@transaction.atomic
def order_correct_address(*, order: Order, address: str, note: str, actor: str) -> Order:
    """Correct the delivery address of an order that has not shipped yet, and record the
    old address and the reason in its timeline (an OrderEvent with no status change).
    Money, items and options never change. The shared location pin is dropped: it
    belonged to the old address. Raises AddressLocked once shipped, cancelled or done."""
    from .exceptions import AddressLocked

    address, note = address.strip(), note.strip()
    if not address or not note:
        raise ValueError("both the new address and a note are required")
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.status in ADDRESS_LOCKED_STATUSES:
        raise AddressLocked(locked.order_number, locked.status)
    old = locked.address
    locked.address = address
    locked.latitude = locked.longitude = None
    locked.save(update_fields=["address", "latitude", "longitude", "updated_at"])
    OrderEvent.objects.create(
        order=locked,
        from_status=locked.status,
        to_status="",
        actor=actor[:120],
        note=f"Address corrected (was: {old[:120]}). {note}"[:300],
    )
    order.address, order.latitude, order.longitude = address, None, None
    return locked
