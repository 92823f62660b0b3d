"""The text each catalog row is embedded from, and its hash (changed text → retrain)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING

from brandkit.specs import specs_display

if TYPE_CHECKING:
    from brandkit.models import SpecDefinition
    from inventory.models import Product


def product_text(product: Product, definitions: Mapping[str, SpecDefinition] | None = None) -> str:
    """Name, brand, category (and its parent), key specs and description, EN and AR.
    `definitions` (all spec definitions by key) saves a query per product in bulk use."""
    category = product.category
    parent = category.parent if category else None
    brand = product.brand
    specs = "; ".join(
        f"{label} {value}"
        for label, value in specs_display(
            specs=product.specs or {}, language="en", key_only=True, definitions=definitions
        )
    )
    parts = [
        product.name_en,
        product.name_ar,
        brand.name_en if brand else "",
        brand.name_ar if brand else "",
        category.name_en if category else "",
        category.name_ar if category else "",
        parent.name_en if parent else "",
        parent.name_ar if parent else "",
        specs,
        product.description_en,
        product.description_ar,
    ]
    return ". ".join(part.strip() for part in parts if part and part.strip())


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
