"""Shopify product JSON → inventory rows: one record per variant."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.text import slugify

_TAGS = re.compile(r"<[^>]+>")
_SPEC_TAG = re.compile(r"^\s*([a-z_]+)\s*[:=]\s*(.+?)\s*$", re.IGNORECASE)
INACTIVE_STATUSES = frozenset({"archived", "draft"})


class MappingError(ValueError):
    """The product cannot be imported; the message says why."""


@dataclass(frozen=True)
class VariantRecord:
    shopify_product_id: int
    shopify_variant_id: int
    sku: str
    name_en: str
    description_en: str
    brand_name: str
    category_name: str
    price: Decimal
    compare_at_price: Decimal | None
    stock: int
    image_url: str
    active: bool
    raw_specs: dict[str, str]
    # Inventory level webhooks name the item, not the variant.
    inventory_item_id: int | None = None

    @property
    def brand_slug(self) -> str:
        return slugify(self.brand_name)[:80]

    @property
    def category_slug(self) -> str:
        return slugify(self.category_name)[:80]


def plain_text(body_html: str | None) -> str:
    text = _TAGS.sub(" ", body_html or "")
    return " ".join(html.unescape(text).split())


def _money(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise MappingError(f"{field} is not a number: {value!r}") from exc
    if amount < 0:
        raise MappingError(f"{field} is negative: {value!r}")
    return amount


def _specs_from_tags(tags: str | None) -> dict[str, str]:
    """Tags like `ram_gb:16` or `noise_cancelling=yes` become spec candidates; the sync
    keeps those that match the taxonomy."""
    specs: dict[str, str] = {}
    for tag in (tags or "").split(","):
        match = _SPEC_TAG.match(tag)
        if match:
            specs[match.group(1).lower()] = match.group(2)
    return specs


def _specs_from_metafields(metafields: Any) -> dict[str, str]:
    """Metafields whose key names a spec (e.g. `specs.ram_gb = 16`) are spec candidates."""
    specs: dict[str, str] = {}
    for field in metafields if isinstance(metafields, list) else []:
        if isinstance(field, dict) and field.get("key") and field.get("value") not in (None, ""):
            specs[str(field["key"]).lower()] = str(field["value"])
    return specs


def map_product(raw: dict[str, Any]) -> list[VariantRecord]:
    """All variants of one Shopify product, or MappingError for a malformed product."""
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), int):
        raise MappingError("product without an integer id")
    title = str(raw.get("title") or "").strip()
    if not title:
        raise MappingError(f"product {raw['id']} has no title")
    variants = raw.get("variants")
    if not isinstance(variants, list) or not variants:
        raise MappingError(f"product {raw['id']} has no variants")
    images = raw.get("images") or []
    image = raw.get("image") or (images[0] if images else None) or {}
    active = str(raw.get("status") or "active").lower() not in INACTIVE_STATUSES
    specs = {**_specs_from_tags(raw.get("tags")), **_specs_from_metafields(raw.get("metafields"))}
    # The product type as Shopify has it (may be empty or Arabic); collections.py maps it.
    category_name = str(raw.get("product_type") or "").strip()
    records = []
    for variant in variants:
        if not isinstance(variant, dict) or not isinstance(variant.get("id"), int):
            raise MappingError(f"product {raw['id']} has a variant without an integer id")
        variant_title = str(variant.get("title") or "").strip()
        name = title if variant_title in ("", "Default Title") else f"{title} - {variant_title}"
        price = _money(variant.get("price"), "price")
        compare = variant.get("compare_at_price")
        compare_at = _money(compare, "compare_at_price") if compare not in (None, "") else None
        if compare_at is not None and compare_at <= price:
            compare_at = None  # not a discount: Shopify stores stale compare-at prices
        try:
            stock = max(int(variant.get("inventory_quantity") or 0), 0)
        except (TypeError, ValueError) as exc:
            raise MappingError(f"variant {variant['id']} has a bad inventory quantity") from exc
        item_id = variant.get("inventory_item_id")
        records.append(
            VariantRecord(
                shopify_product_id=raw["id"],
                shopify_variant_id=variant["id"],
                sku=(str(variant.get("sku") or "").strip() or f"shopify-{variant['id']}")[:64],
                name_en=name[:200],
                description_en=plain_text(raw.get("body_html")),
                brand_name=str(raw.get("vendor") or "").strip(),
                category_name=category_name,
                price=price,
                compare_at_price=compare_at,
                stock=stock,
                image_url=str(image.get("src") or "")[:500],
                active=active,
                raw_specs=specs,
                inventory_item_id=item_id if isinstance(item_id, int) else None,
            )
        )
    return records
