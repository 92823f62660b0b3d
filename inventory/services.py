from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .exceptions import OutOfStock, Shortfall
from .models import Category, Product

if TYPE_CHECKING:
    from users.models import Customer


def stock_take(*, lines: Iterable[tuple[int, int]]) -> None:
    """Decrement stock for (product_id, quantity) lines, all or nothing.

    Must run inside a transaction. Rows are locked in primary-key order (no deadlocks
    between two checkouts of the same products) and each decrement is a conditional
    update, so stock never goes below zero even under concurrent checkouts. Raises
    OutOfStock naming every short line.
    """
    wanted: dict[int, int] = {}
    for product_id, quantity in lines:
        wanted[product_id] = wanted.get(product_id, 0) + quantity
    products = {
        p.pk: p for p in Product.objects.select_for_update().filter(pk__in=wanted).order_by("pk")
    }
    shortfalls = [
        Shortfall(
            sku=p.sku,
            name=p.name_en,
            requested=wanted[pk],
            available=p.stock if p.active else 0,
        )
        for pk, p in products.items()
        if not p.active or p.stock < wanted[pk]
    ]
    if shortfalls:
        raise OutOfStock(shortfalls)
    for pk in sorted(wanted):
        updated = Product.objects.filter(pk=pk, active=True, stock__gte=wanted[pk]).update(
            stock=F("stock") - wanted[pk], updated_at=timezone.now()
        )
        if updated != 1:  # defensive: the row lock above makes this unreachable
            p = products[pk]
            raise OutOfStock([Shortfall(p.sku, p.name_en, wanted[pk], p.stock)])


def stock_return(*, lines: Iterable[tuple[int, int]]) -> None:
    """Put (product_id, quantity) lines back on the shelf (cancelled order)."""
    for product_id, quantity in sorted(lines):
        Product.objects.filter(pk=product_id).update(
            stock=F("stock") + quantity, updated_at=timezone.now()
        )


def product_set_stock(*, product: Product, stock: int) -> Product:
    if stock < 0:
        raise ValueError("stock cannot be negative")
    Product.objects.filter(pk=product.pk).update(stock=stock, updated_at=timezone.now())
    product.stock = stock
    return product


@transaction.atomic
def product_create(*, validate: bool = True, **fields: Any) -> Product:
    """Create a product; specs are validated against the taxonomy when `validate`."""
    product = Product(**fields)
    if validate:
        product.full_clean()
    product.save()
    return product


def category_get_or_create(*, slug: str, name_en: str, name_ar: str = "", **extra: Any) -> Category:
    category, _ = Category.objects.get_or_create(
        slug=slug, defaults={"name_en": name_en, "name_ar": name_ar or name_en, **extra}
    )
    return category


def stock_alert_subscribe(*, customer: Customer, product: Product, language: str = "en") -> bool:
    """Ask to be told when `product` is back in stock. Idempotent: True when the customer
    starts waiting, False when they already wait for this product."""
    from .models import StockAlert

    try:
        with transaction.atomic():
            alert, created = StockAlert.objects.get_or_create(
                customer=customer, product=product, defaults={"language": language}
            )
    except IntegrityError:  # a concurrent subscribe won the race
        return False
    if created:
        return True
    # An alert that was already sent: wait again.
    return (
        StockAlert.objects.filter(pk=alert.pk, notified_at__isnull=False).update(
            notified_at=None, language=language
        )
        == 1
    )


def stock_alert_claim(*, alert_id: int) -> bool:
    """Mark an alert as sent before sending it, so two overlapping runs never message a
    customer twice. True when this caller claimed it."""
    from django.utils import timezone

    from .models import StockAlert

    return (
        StockAlert.objects.filter(pk=alert_id, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
        == 1
    )
