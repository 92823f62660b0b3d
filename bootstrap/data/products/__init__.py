"""The curated catalog: hand-written, realistic products, one module per department.

Descriptions name real use cases (gaming, travel, running, noise cancelling, battery life)
because embedding search runs over them; Arabic names keep brand and model names in Latin
script, as shops in the region write them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

IMAGE_URL = "https://cdn.example.com/products/{sku}.jpg"


@dataclass(frozen=True)
class ProductSeed:
    sku: str
    brand: str  # Brand slug
    category: str  # leaf Category slug
    name_en: str
    name_ar: str
    description_en: str
    description_ar: str
    price: Decimal
    stock: int
    specs: dict[str, Any] = field(default_factory=dict)
    compare_at_price: Decimal | None = None

    @property
    def image_url(self) -> str:
        return IMAGE_URL.format(sku=self.sku.lower())


def product(
    sku: str,
    brand: str,
    category: str,
    name_en: str,
    name_ar: str,
    description_en: str,
    description_ar: str,
    price: str,
    *,
    stock: int,
    specs: dict[str, Any],
    was: str | None = None,
) -> ProductSeed:
    """Compact constructor for the data modules (prices as strings, so never floats)."""
    return ProductSeed(
        sku=sku,
        brand=brand,
        category=category,
        name_en=name_en,
        name_ar=name_ar,
        description_en=description_en,
        description_ar=description_ar,
        price=Decimal(price),
        stock=stock,
        specs=specs,
        compare_at_price=Decimal(was) if was else None,
    )


def all_products() -> list[ProductSeed]:
    """Every curated product, in a stable order."""
    from . import accessories, audio, computers, entertainment, phones, wearables

    return [
        *phones.PRODUCTS,
        *computers.PRODUCTS,
        *audio.PRODUCTS,
        *wearables.PRODUCTS,
        *entertainment.PRODUCTS,
        *accessories.PRODUCTS,
    ]
