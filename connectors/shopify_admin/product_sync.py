"""`sync_products()`: page through Shopify, upsert one inventory Product per variant in
bulk, deactivate what Shopify archived (never delete: orders reference products), and
remember where the next incremental run starts."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from brandkit.models import Brand
from brandkit.specs import specs_clean
from inventory.models import Category, Product

from .client import ShopifyClient, ShopifyError
from .collections import CategoryResolver
from .inventory_levels import levels_record, levels_stock, shopify_time
from .mapping import MappingError, VariantRecord, map_product
from .models import ProductVersion, SyncRun, SyncStatus, VariantLink

logger = logging.getLogger(__name__)

BATCH = 500
# Incremental runs start a little before the last successful run started: clocks of the shop
# and this server differ, and re-reading a few products costs nothing (idempotent upserts).
INCREMENTAL_OVERLAP = timedelta(minutes=5)
SPEC_DROPS_KEPT = 500
# The version a product starts from before any state of it was applied.
_NEVER = datetime(2000, 1, 1, tzinfo=UTC)
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
# The written fields that feed a product's embedding text (recos.texts.product_text: names,
# descriptions, brand, category and its parent, specs). A change of price, stock, image or
# status leaves the text, and so the embedding, as it was: no retraining is queued for it.
EMBEDDED_FIELDS = frozenset({"name_en", "description_en", "brand_id", "category_id", "specs"})


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0
    # variants of products whose state was older than one already applied (webhook or sync)
    stale: int = 0
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
            "stale": self.stale,
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
    """Bulk upsert of variant records. Brands and categories are read as batches need them
    (and kept for the run); the products already here bring theirs along."""

    def __init__(self, result: SyncResult, *, product_ids: list[int] | None = None) -> None:
        """`product_ids`: the only Shopify products this upserter will see, when known (a
        webhook), so only the collection mappings that can place them are read."""
        self.result = result
        self.product_ids = product_ids
        self.brands: dict[str, Brand] = {}
        self.categories: dict[str, Category] = {}
        # slugs already asked for, found or not: each is read once per run
        self._brands_read: set[str] = set()
        self._categories_read: set[str] = set()
        self._resolver: CategoryResolver | None = None
        self.seen_variant_ids: set[int] = set()
        # products Shopify returned but we could not import: not gone, so not deactivated
        self.seen_product_ids: set[int] = set()
        # ids of products created, or whose embedding text changed: to be re-encoded
        self.embedding_stale: list[int] = []
        # (category id, key, value) -> ("ok", cleaned) | ("drop", reason): tags repeat
        # across a catalog, so the taxonomy is consulted once per distinct spec.
        self._spec_cache: dict[tuple[int, str, str], tuple[str, Any]] = {}

    @property
    def resolver(self) -> CategoryResolver:
        """Read the mappings on first use: a stale webhook never needs them."""
        if self._resolver is None:
            self._resolver = CategoryResolver(self.categories, product_ids=self.product_ids)
        return self._resolver

    def _read_brands_and_categories(
        self, records: list[VariantRecord], existing: list[Product]
    ) -> None:
        """The brands and categories `records` name, in at most one query each: those of
        the products already here come with them (select_related), the others by slug."""
        for product in existing:
            if product.brand is not None:
                self.brands.setdefault(product.brand.slug, product.brand)
            self.categories.setdefault(product.category.slug, product.category)
        brands = {r.brand_slug for r in records if r.brand_slug} - self._brands_read
        brands -= self.brands.keys()
        if brands:
            self.brands.update((b.slug, b) for b in Brand.objects.filter(slug__in=brands))
            self._brands_read |= brands
        categories = {r.category_slug for r in records if r.category_slug}
        categories -= self._categories_read | self.categories.keys()
        if categories:
            self.categories.update(
                (c.slug, c)
                for c in Category.objects.select_related("parent").filter(slug__in=categories)
            )
            self._categories_read |= categories

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
        return self.resolver.resolve(record)

    def _specs(self, record: VariantRecord, category: Category) -> dict[str, Any]:
        """Tag/metafield specs that the taxonomy accepts; the others are dropped and
        reported instead of failing the product."""
        kept: dict[str, Any] = {}
        unjudged = {
            key: value
            for key, value in record.raw_specs.items()
            if (category.pk, key, value) not in self._spec_cache
        }
        if len(unjudged) > 1:
            # One taxonomy read for all of them; only when some are refused is each judged
            # alone below, to report which and why.
            try:
                cleaned = specs_clean(specs=unjudged, category_slugs=category.lineage_slugs())
            except ValidationError:
                pass
            else:
                for key, value in unjudged.items():
                    self._spec_cache[(category.pk, key, value)] = ("ok", cleaned[key])
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
        """Local products matching the batch by variant id or SKU, with their brand and
        category, in one query."""
        return list(
            Product.objects.select_related("brand", "category__parent")
            .filter(
                Q(shopify_variant_id__in=[r.shopify_variant_id for r in records])
                | Q(sku__in=[r.sku for r in records])
            )
            .order_by()
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

    @staticmethod
    def _versions_locked(ids: list[int]) -> dict[int, ProductVersion]:
        return {
            v.shopify_product_id: v
            for v in ProductVersion.objects.select_for_update()
            .filter(shopify_product_id__in=ids)
            .order_by("shopify_product_id")
        }

    @staticmethod
    def _moved_forward(product_id: int, at: datetime) -> bool:
        """A webhook's one product, in one statement: lock its version and move it to
        `at` when the stored state is not newer and not deleted. False (nothing written)
        when it is, or when the product has no version yet: the general path decides."""
        return bool(
            ProductVersion.objects.filter(
                shopify_product_id=product_id, deleted=False, updated_at__lte=at
            ).update(updated_at=at)
        )

    def _newer_only(
        self, records: list[VariantRecord], versions: dict[int, datetime | None]
    ) -> list[VariantRecord]:
        """Records of products whose `updated_at` is not older than the state already
        applied (a webhook may have applied a newer one while this page was read), and
        move each product's version forward. Version rows are locked in id order, so a
        webhook and the sync applying the same product take turns."""
        ids = sorted(pid for pid, at in versions.items() if at is not None)
        if not ids:
            return records
        if len(ids) == 1 and self._moved_forward(ids[0], versions[ids[0]] or _NEVER):
            return records
        stored = self._versions_locked(ids)
        missing = [pid for pid in ids if pid not in stored]
        if missing:
            # Lock existing rows first and insert only the missing ones: on InnoDB an
            # INSERT IGNORE that meets an existing key takes a shared lock, and two of
            # those upgrading to FOR UPDATE deadlock.
            ProductVersion.objects.bulk_create(
                [
                    ProductVersion(shopify_product_id=pid, updated_at=versions[pid] or _NEVER)
                    for pid in missing
                ],
                ignore_conflicts=True,
                batch_size=BATCH,
            )
            stored.update(self._versions_locked(missing))
        stale: set[int] = set()
        newer: list[ProductVersion] = []
        for pid in ids:
            version, at = stored[pid], versions[pid] or _NEVER
            if version.deleted or at < version.updated_at:
                stale.add(pid)
            elif at > version.updated_at:
                version.updated_at = at
                newer.append(version)
        _update_rows(ProductVersion, newer, {"updated_at"})
        kept = []
        for record in records:
            if record.shopify_product_id in stale:
                self.seen_variant_ids.add(record.shopify_variant_id)  # it exists in Shopify
                self.result.stale += 1
            else:
                kept.append(record)
        return kept

    def _with_level_stock(self, records: list[VariantRecord]) -> list[VariantRecord]:
        """With SHOPIFY_LOCATION_IDS, stock is the sum at those locations (stored levels),
        not the variant's total across every location."""
        if not settings.SHOPIFY_LOCATION_IDS:
            return records
        stock = levels_stock(
            inventory_item_ids=[r.inventory_item_id for r in records if r.inventory_item_id]
        )
        return [
            replace(r, stock=stock[r.inventory_item_id]) if r.inventory_item_id in stock else r
            for r in records
        ]

    @staticmethod
    def _link_variants(records: list[VariantRecord]) -> None:
        links = [
            VariantLink(
                shopify_variant_id=r.shopify_variant_id,
                shopify_product_id=r.shopify_product_id,
                inventory_item_id=r.inventory_item_id,
            )
            for r in records
            if r.inventory_item_id is not None
        ]
        if links:
            # MySQL/MariaDB upsert on any unique key and refuse a named target.
            target = connection.features.supports_update_conflicts_with_target
            VariantLink.objects.bulk_create(
                links,
                update_conflicts=True,
                unique_fields=["shopify_variant_id"] if target else None,
                update_fields=["shopify_product_id", "inventory_item_id"],
                batch_size=BATCH,
            )

    # Without a savepoint: a webhook applies inside its event's transaction, which rolls
    # back whole on any error anyway; the sync calls this outside any transaction.
    @transaction.atomic(savepoint=False)
    def upsert(
        self, records: list[VariantRecord], versions: dict[int, datetime | None] | None = None
    ) -> None:
        """Create or update the products of `records`. With `versions` (Shopify product id
        → its `updated_at`), a product older than the state already applied is left alone.
        Only the fields that changed are written: the products are read after their
        versions are locked, so no other Shopify state of them is applied meanwhile."""
        records = list({r.shopify_variant_id: r for r in records}.values())
        if versions:
            records = self._newer_only(records, versions)
        if not records:
            return
        self._link_variants(records)
        records = self._with_level_stock(records)
        existing = self._existing(records)
        records = self._without_sku_conflicts(records, existing)
        self._read_brands_and_categories(records, existing)
        by_variant = {p.shopify_variant_id: p for p in existing if p.shopify_variant_id}
        by_sku = {p.sku: p for p in existing if p.shopify_variant_id is None}
        to_create: list[Product] = []
        to_update: list[tuple[Product, set[str]]] = []
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
            changed: set[str] = set()
            if product.shopify_variant_id is None:
                product.shopify_variant_id = record.shopify_variant_id  # link a local product
                changed.add("shopify_variant_id")
            was_active = product.active
            for name, value in values.items():
                if getattr(product, name) != value:
                    setattr(product, name, value)
                    changed.add(name)
            if not changed:
                self.result.unchanged += 1
                continue
            if was_active and not product.active:
                self.result.deactivated += 1
            else:
                self.result.updated += 1
            if changed & EMBEDDED_FIELDS:
                self.embedding_stale.append(product.pk)
            product.updated_at = timezone.now()  # neither update path applies auto_now
            changed.add("updated_at")
            to_update.append((product, changed))
        if self._resolver is not None:
            self._resolver.record_unmapped()
        Product.objects.bulk_create(to_create, batch_size=BATCH)
        self.embedding_stale.extend(self._created_ids(to_create))
        _update_rows(Product, [p for p, _ in to_update], set().union(*(f for _, f in to_update)))
        self.result.created += len(to_create)

    @staticmethod
    def _created_ids(created: list[Product]) -> list[int]:
        """Primary keys of products just bulk-created: set by the insert where the database
        returns them (SQLite, MariaDB 10.5+), else read back by variant id."""
        if all(p.pk is not None for p in created):
            return [p.pk for p in created]
        return list(
            Product.objects.filter(
                shopify_variant_id__in=[p.shopify_variant_id for p in created]
            ).values_list("pk", flat=True)
        )

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


def _update_rows(model: type[models.Model], rows: list[Any], fields: set[str]) -> None:
    """Write `fields` of `rows` (already set on the instances) in one UPDATE. A single row,
    a webhook's usual case, is updated by primary key: bulk_update's CASE WHEN per field
    costs more to build than the row costs to write."""
    if not rows or not fields:
        return
    if len(rows) == 1:
        [row] = rows
        model._default_manager.filter(pk=row.pk).update(**{f: getattr(row, f) for f in fields})
        return
    model._default_manager.bulk_update(rows, sorted(fields), batch_size=BATCH)


def embedding_training_queue(product_ids: list[int] | None = None) -> None:
    """Changed products are re-encoded by the incremental training (it compares text
    hashes); queue it now rather than waiting for the next scheduled run. A webhook names
    its products, so a price change costs a hash comparison of a few rows."""
    from recos.tasks import train_product_embeddings_task

    try:
        train_product_embeddings_task.delay(product_ids=product_ids)
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
    After a successful run that created products or changed what their embedding text is
    made of (EMBEDDED_FIELDS), embedding training is queued (`queue_embedding_training=False`
    leaves it to the schedule, e.g. in benchmarks)."""
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
            versions: dict[int, datetime | None] = {}
            for raw in page:
                try:
                    records.extend(map_product(raw))
                    versions[raw["id"]] = shopify_time(raw.get("updated_at"))
                except MappingError as exc:
                    product_id = raw.get("id") if isinstance(raw, dict) else None
                    if isinstance(product_id, int):
                        upserter.seen_product_ids.add(product_id)
                    result.skip(product_id=product_id, reason=str(exc))
            if settings.SHOPIFY_LOCATION_IDS:
                items = [r.inventory_item_id for r in records if r.inventory_item_id]
                if items:
                    levels_record(
                        levels=client.inventory_levels(
                            inventory_item_ids=items, location_ids=settings.SHOPIFY_LOCATION_IDS
                        )
                    )
            db_started = time.perf_counter()
            upserter.upsert(records, versions)
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
    if queue_embedding_training and upserter.embedding_stale:
        embedding_training_queue()
    return result


def product_webhook_apply(*, payload: dict[str, Any]) -> str:
    """`products/create` / `products/update`: upsert the product's variants like the sync
    does, unless a newer state of it was applied already. Embedding training is queued
    (after commit) only for variants created or whose embedding text changed, so a price
    or stock change costs no training task. Returns what was done."""
    result = SyncResult()
    try:
        records = map_product(payload)
    except MappingError as exc:
        return f"skipped: {exc}"
    upserter = _Upserter(result, product_ids=[payload["id"]])
    upserter.upsert(records, {payload["id"]: shopify_time(payload.get("updated_at"))})
    if upserter.embedding_stale:
        ids = sorted(upserter.embedding_stale)
        transaction.on_commit(lambda: embedding_training_queue(product_ids=ids))
    if result.stale:
        return f"stale: product {payload['id']} has a newer state already"
    return (
        f"product {payload['id']}: created {result.created}, updated {result.updated}, "
        f"deactivated {result.deactivated}, unchanged {result.unchanged}, "
        f"skipped {len(result.skipped)}"
    )


@transaction.atomic
def product_delete_apply(*, shopify_product_id: int, at: datetime) -> str:
    """`products/delete`: deactivate the product's variants (never delete: orders point at
    them) and remember the deletion, so a late update never brings the product back."""
    version, created = ProductVersion.objects.select_for_update().get_or_create(
        shopify_product_id=shopify_product_id, defaults={"updated_at": at, "deleted": True}
    )
    if not created:
        version.deleted = True
        version.updated_at = max(version.updated_at, at)
        version.save(update_fields=["deleted", "updated_at"])
    gone = Product.objects.filter(shopify_product_id=shopify_product_id, active=True).update(
        active=False, updated_at=timezone.now()
    )
    return f"product {shopify_product_id}: {gone} variant(s) deactivated"
