"""`sync_products()`: page through Shopify, upsert one inventory Product per variant in
bulk, deactivate what Shopify archived (never delete: orders reference products), and
remember where the next incremental run starts."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from brandkit.models import Brand
from brandkit.specs import specs_clean
from inventory.models import Category, Product

from .client import ShopifyClient, ShopifyError
from .mapping import MappingError, VariantRecord, map_product
from .models import SyncRun, SyncStatus

logger = logging.getLogger(__name__)

BATCH = 500
# Incremental runs start a little before the last successful run started: clocks of the shop
# and this server differ, and re-reading a few products costs nothing (idempotent upserts).
INCREMENTAL_OVERLAP = timedelta(minutes=5)
SPEC_DROPS_KEPT = 500
COMPARED_FIELDS = (
    "sku",
    "name_en",
    "description_en",
    "brand_id",
    "category_id",
    "price",
    "compare_at_price",
    "stock",
    "image_url",
    "active",
    "shopify_product_id",
    "specs",
)


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Specs dropped from an imported product (the product itself is kept).
    spec_drops: list[dict[str, Any]] = field(default_factory=list)
    specs_dropped: int = 0
    requests: int = 0
    db_seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "deactivated": self.deactivated,
            "unchanged": self.unchanged,
            "skipped": len(self.skipped),
            "errors": len(self.errors),
            "specs_dropped": self.specs_dropped,
            "requests": self.requests,
        }

    def skip(self, *, product_id: Any, reason: str, variant_id: int | None = None) -> None:
        item: dict[str, Any] = {"id": product_id, "reason": reason}
        if variant_id is not None:
            item["variant_id"] = variant_id
        self.skipped.append(item)


class _Upserter:
    """Bulk upsert of variant records with cached brands and categories."""

    def __init__(self, result: SyncResult) -> None:
        self.result = result
        self.brands = {b.slug: b for b in Brand.objects.all()}
        self.categories = {c.slug: c for c in Category.objects.select_related("parent")}
        self.seen_variant_ids: set[int] = set()
        # products Shopify returned but we could not import: not gone, so not deactivated
        self.seen_product_ids: set[int] = set()
        # (category id, key, value) -> ("ok", cleaned) | ("drop", reason): tags repeat
        # across a catalog, so the taxonomy is consulted once per distinct spec.
        self._spec_cache: dict[tuple[int, str, str], tuple[str, Any]] = {}

    def _brand(self, record: VariantRecord) -> Brand | None:
        if not record.brand_slug:
            return None
        brand = self.brands.get(record.brand_slug)
        if brand is None:
            brand, _ = Brand.objects.get_or_create(
                slug=record.brand_slug, defaults={"name_en": record.brand_name[:120]}
            )
            self.brands[brand.slug] = brand
        return brand

    def _category(self, record: VariantRecord) -> Category:
        slug = record.category_slug or "imported"
        category = self.categories.get(slug)
        if category is None:
            category, _ = Category.objects.get_or_create(
                slug=slug,
                defaults={
                    "name_en": record.category_name[:120],
                    "name_ar": record.category_name[:120],
                },
            )
            self.categories[slug] = category
        return category

    def _specs(self, record: VariantRecord, category: Category) -> dict[str, Any]:
        """Tag/metafield specs that the taxonomy accepts; the others are dropped and
        reported instead of failing the product."""
        kept: dict[str, Any] = {}
        for key, value in record.raw_specs.items():
            cache_key = (category.pk, key, value)
            verdict = self._spec_cache.get(cache_key)
            if verdict is None:
                try:
                    cleaned = specs_clean(
                        specs={key: value}, category_slugs=category.lineage_slugs()
                    )
                    verdict = ("ok", cleaned[key])
                except ValidationError as exc:
                    verdict = ("drop", "; ".join(exc.messages))
                self._spec_cache[cache_key] = verdict
            outcome, detail = verdict
            if outcome == "ok":
                kept[key] = detail
                continue
            self.result.specs_dropped += 1
            if len(self.result.spec_drops) < SPEC_DROPS_KEPT:
                self.result.spec_drops.append(
                    {"variant_id": record.shopify_variant_id, "spec": key, "reason": detail}
                )
        return kept

    @staticmethod
    def _existing(records: list[VariantRecord]) -> list[Product]:
        """Local products matching the batch by variant id or SKU, in one query."""
        return list(
            Product.objects.filter(
                Q(shopify_variant_id__in=[r.shopify_variant_id for r in records])
                | Q(sku__in=[r.sku for r in records])
            )
        )

    def _without_sku_conflicts(
        self, records: list[VariantRecord], existing: list[Product]
    ) -> list[VariantRecord]:
        """Records whose SKU no other product holds. Shopify allows duplicate SKUs, the
        local catalog does not (unique constraint): the later variant is skipped with a
        reason rather than failing the whole batch."""
        owners = {p.sku: p.shopify_variant_id for p in existing}
        imported = {p.shopify_variant_id for p in existing if p.shopify_variant_id is not None}
        claimed: dict[str, int] = {}
        kept: list[VariantRecord] = []
        for record in records:
            variant_id = record.shopify_variant_id
            owner = owners.get(record.sku, variant_id)
            if record.sku in claimed:
                holder = f"variant {claimed[record.sku]} of this sync"
            elif owner is not None and owner != variant_id:
                holder = f"the local product of variant {owner}"
            elif owner is None and variant_id in imported:
                # this variant's own row would take the SKU of an unlinked local product
                holder = "an unlinked local product"
            else:
                holder = ""
            if holder:
                self.seen_variant_ids.add(variant_id)  # it exists in Shopify
                self.result.skip(
                    product_id=record.shopify_product_id,
                    variant_id=variant_id,
                    reason=f"SKU {record.sku!r} is already used by {holder}",
                )
                continue
            claimed[record.sku] = record.shopify_variant_id
            kept.append(record)
        return kept

    @transaction.atomic
    def upsert(self, records: list[VariantRecord]) -> None:
        records = list({r.shopify_variant_id: r for r in records}.values())
        if not records:
            return
        existing = self._existing(records)
        records = self._without_sku_conflicts(records, existing)
        by_variant = {p.shopify_variant_id: p for p in existing if p.shopify_variant_id}
        by_sku = {p.sku: p for p in existing if p.shopify_variant_id is None}
        to_create: list[Product] = []
        to_update: list[Product] = []
        for record in records:
            self.seen_variant_ids.add(record.shopify_variant_id)
            category = self._category(record)
            values = {
                "sku": record.sku,
                "name_en": record.name_en,
                "description_en": record.description_en,
                "brand_id": (brand.pk if (brand := self._brand(record)) else None),
                "category_id": category.pk,
                "price": record.price,
                "compare_at_price": record.compare_at_price,
                "stock": record.stock,
                "image_url": record.image_url,
                "active": record.active,
                "shopify_product_id": record.shopify_product_id,
                "specs": self._specs(record, category),
            }
            product = by_variant.get(record.shopify_variant_id) or by_sku.get(record.sku)
            if product is None:
                to_create.append(
                    Product(
                        shopify_variant_id=record.shopify_variant_id,
                        currency=settings.DEFAULT_CURRENCY,
                        **values,
                    )
                )
                continue
            if product.shopify_variant_id is None:
                product.shopify_variant_id = record.shopify_variant_id  # link a local product
                changed = True
            else:
                changed = False
            was_active = product.active
            for name, value in values.items():
                if getattr(product, name) != value:
                    setattr(product, name, value)
                    changed = True
            if not changed:
                self.result.unchanged += 1
                continue
            if was_active and not product.active:
                self.result.deactivated += 1
            else:
                self.result.updated += 1
            product.updated_at = timezone.now()  # bulk_update skips auto_now
            to_update.append(product)
        Product.objects.bulk_create(to_create, batch_size=BATCH)
        Product.objects.bulk_update(
            to_update, [*COMPARED_FIELDS, "shopify_variant_id", "updated_at"], batch_size=BATCH
        )
        self.result.created += len(to_create)

    def deactivate_unseen(self) -> int:
        """After a full read: deactivate linked products Shopify no longer returns (deleted
        there). Compared in Python and updated by primary key in chunks, so a large catalog
        never builds one huge NOT IN list."""
        rows = Product.objects.filter(shopify_variant_id__isnull=False, active=True).values_list(
            "pk", "shopify_variant_id", "shopify_product_id"
        )
        gone = [
            pk
            for pk, variant_id, product_id in rows
            if variant_id not in self.seen_variant_ids and product_id not in self.seen_product_ids
        ]
        now = timezone.now()
        for start in range(0, len(gone), BATCH):
            Product.objects.filter(pk__in=gone[start : start + BATCH]).update(
                active=False, updated_at=now
            )
        return len(gone)


def _retrain_embeddings() -> None:
    """Changed products are re-encoded by the incremental training (it compares text
    hashes); queue it now rather than waiting for the next scheduled run."""
    from recos.tasks import train_product_embeddings_task

    try:
        train_product_embeddings_task.delay()
    except Exception:  # the next training run catches up
        logger.exception("could not enqueue embedding training after the Shopify sync")


def _last_success() -> SyncRun | None:
    return SyncRun.objects.filter(status=SyncStatus.SUCCESS).order_by("-started_at").first()


def sync_products(
    full: bool = False,
    since: datetime | None = None,
    *,
    client: ShopifyClient | None = None,
    api: str | None = None,
    progress: Callable[[int], None] | None = None,
    queue_embedding_training: bool = True,
) -> SyncResult:
    """Import the Shopify catalog. Incremental by default (from the last successful run's
    start, or `since`); `full` reads everything and deactivates local Shopify products that
    no longer exist there. Idempotent: a second run with no changes writes nothing.
    After a successful run that created or changed products, embedding training is queued
    (`queue_embedding_training=False` leaves it to the schedule, e.g. in benchmarks)."""
    if full and since is not None:
        # a full run deactivates what it did not see: it must see everything
        raise ValueError("a full sync reads every product; it takes no `since`")
    api = (api or settings.SHOPIFY_API).lower()
    if not full and since is None:
        last = _last_success()
        since = last.started_at - INCREMENTAL_OVERLAP if last else None
        full = last is None
    run = SyncRun.objects.create(api=api, full=full, since=since)
    result = SyncResult()
    client = client or ShopifyClient()
    upserter = _Upserter(result)
    try:
        for page in client.iter_products(
            api=api, updated_at_min=since.isoformat() if since else None
        ):
            records: list[VariantRecord] = []
            for raw in page:
                try:
                    records.extend(map_product(raw))
                except MappingError as exc:
                    product_id = raw.get("id") if isinstance(raw, dict) else None
                    if isinstance(product_id, int):
                        upserter.seen_product_ids.add(product_id)
                    result.skip(product_id=product_id, reason=str(exc))
            db_started = time.perf_counter()
            upserter.upsert(records)
            result.db_seconds += time.perf_counter() - db_started
            if progress:
                progress(len(page))
        if full:
            result.deactivated += upserter.deactivate_unseen()
    except ShopifyError as exc:
        result.errors.append(str(exc))
        result.requests = client.requests_made
        SyncRun.objects.filter(pk=run.pk).update(
            status=SyncStatus.FAILED,
            finished_at=timezone.now(),
            counts=result.counts(),
            skipped=result.skipped[:500],
            spec_drops=result.spec_drops[:SPEC_DROPS_KEPT],
            error=str(exc),
            requests_made=client.requests_made,
        )
        logger.error("Shopify sync #%s failed: %s", run.pk, exc)
        raise
    result.requests = client.requests_made
    SyncRun.objects.filter(pk=run.pk).update(
        status=SyncStatus.SUCCESS,
        finished_at=timezone.now(),
        counts=result.counts(),
        skipped=result.skipped[:500],
        spec_drops=result.spec_drops[:SPEC_DROPS_KEPT],
        requests_made=client.requests_made,
    )
    logger.info("Shopify sync #%s: %s", run.pk, result.counts())
    if queue_embedding_training and (result.created or result.updated):
        _retrain_embeddings()
    return result
