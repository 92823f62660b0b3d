"""Stock from Shopify inventory levels at the configured locations (SHOPIFY_LOCATION_IDS,
empty: every location), instead of only the variant's total across all of them.

Levels are stored per (inventory item, location) and a level never replaces a newer one
(Shopify's `updated_at`), so an inventory webhook delivered late changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from inventory.models import Product
from inventory.services import product_set_stock

from .client import ShopifyClient
from .models import InventoryLevel, VariantLink

logger = logging.getLogger(__name__)


def shopify_time(value: Any) -> datetime | None:
    """An aware datetime from Shopify's ISO 8601 text, or None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is None:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, UTC)


def _counted(location_id: int) -> bool:
    locations = settings.SHOPIFY_LOCATION_IDS
    return not locations or location_id in locations


def levels_record(*, levels: Iterable[dict[str, Any]]) -> set[int]:
    """Store levels (REST/webhook shape: inventory_item_id, location_id, available,
    updated_at), each only when newer than the stored one. Returns the items changed."""
    changed: set[int] = set()
    for level in levels:
        item, location = level.get("inventory_item_id"), level.get("location_id")
        at = shopify_time(level.get("updated_at")) or timezone.now()
        available = level.get("available")
        if not isinstance(item, int) or not isinstance(location, int):
            continue
        if not isinstance(available, int):
            available = 0  # Shopify sends null for an item not stocked at the location
        with transaction.atomic():
            row = (
                InventoryLevel.objects.select_for_update()
                .filter(inventory_item_id=item, location_id=location)
                .first()
            )
            if row is None:
                _, created = InventoryLevel.objects.get_or_create(
                    inventory_item_id=item,
                    location_id=location,
                    defaults={"available": available, "updated_at": at},
                )
                if created:
                    changed.add(item)
                    continue
                row = InventoryLevel.objects.select_for_update().get(
                    inventory_item_id=item, location_id=location
                )
            if at < row.updated_at:
                logger.info("inventory level of item %s @ %s is older: dropped", item, location)
                continue
            if row.available != available or row.updated_at != at:
                row.available, row.updated_at = available, at
                row.save(update_fields=["available", "updated_at"])
                changed.add(item)
    return changed


def levels_stock(*, inventory_item_ids: Iterable[int]) -> dict[int, int]:
    """Units available per item at the counted locations (never below 0), for items with
    at least one stored level there."""
    rows = InventoryLevel.objects.filter(inventory_item_id__in=list(inventory_item_ids))
    if settings.SHOPIFY_LOCATION_IDS:
        rows = rows.filter(location_id__in=settings.SHOPIFY_LOCATION_IDS)
    totals = rows.values("inventory_item_id").annotate(total=Sum("available"))
    return {r["inventory_item_id"]: max(int(r["total"] or 0), 0) for r in totals}


def stock_apply_levels(*, inventory_item_ids: Iterable[int]) -> int:
    """Set the stock of the local products of these items from their stored levels.
    Returns products changed."""
    stock = levels_stock(inventory_item_ids=inventory_item_ids)
    variants = dict(
        VariantLink.objects.filter(inventory_item_id__in=list(stock)).values_list(
            "shopify_variant_id", "inventory_item_id"
        )
    )
    changed = 0
    for product in Product.objects.filter(shopify_variant_id__in=list(variants)):
        wanted = stock[variants[product.shopify_variant_id]]
        if product.stock != wanted:
            product_set_stock(product=product, stock=wanted)
            changed += 1
    return changed


def inventory_level_webhook_apply(
    *, payload: dict[str, Any], client: ShopifyClient | None = None
) -> str:
    """`inventory_levels/update`: record the level, then (when every location counts, so a
    total needs all of them) read the item's other levels from the Admin API; set the stock
    of the item's products. Returns what was done, for the inbox row."""
    item, location = payload.get("inventory_item_id"), payload.get("location_id")
    if not isinstance(item, int) or not isinstance(location, int):
        raise ValueError("inventory level without integer inventory_item_id and location_id")
    if not _counted(location):
        return f"location {location} is not counted (SHOPIFY_LOCATION_IDS)"
    known = set(
        InventoryLevel.objects.filter(inventory_item_id=item).values_list("location_id", flat=True)
    )
    levels_record(levels=[payload])
    wanted = set(settings.SHOPIFY_LOCATION_IDS)
    missing = not (wanted <= known | {location}) if wanted else not known
    if missing:
        # A level never seen would be missing from the sum: read the item's levels once.
        # (With every location counted, a location added later is caught by the scheduled
        # sync, which sets the variant's total.)
        client = client or ShopifyClient()
        levels_record(
            levels=client.inventory_levels(
                inventory_item_ids=[item], location_ids=settings.SHOPIFY_LOCATION_IDS or None
            )
        )
    changed = stock_apply_levels(inventory_item_ids=[item])
    return f"item {item}: {changed} product(s) changed"
