"""Shopify collections, and where synced products go in the local taxonomy.

Collections are read with GraphQL (custom and smart alike) and stored with their product
ids; staff map a collection or a product type to a local category (`CategoryMapping`) and
may give a collection a role (deals, featured). A product's category is, in order: the
category of its mapped collection (lowest priority), of its mapped product type, the local
category whose slug is the type's (an existing taxonomy keeps working), else the visible
"unmapped" category, with the type listed for staff (`UnmappedProductType`). No category
is created from a product type any more.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils.text import slugify

from inventory.models import Category
from inventory.services import category_get_or_create

from .client import ShopifyClient, ShopifyError
from .inventory_levels import shopify_time
from .mapping import VariantRecord
from .models import CategoryMapping, Collection, UnmappedProductType

logger = logging.getLogger(__name__)

UNMAPPED_SLUG = "shopify-unmapped"
COLLECTION_PAGE = 5  # 5 collections x 100 products stays far below the 1,000-point cost cap
COLLECTION_PRODUCTS = 100

COLLECTIONS_QUERY = f"""
query Collections($first: Int!, $after: String) {{
  collections(first: $first, after: $after) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{
      id legacyResourceId title handle updatedAt
      products(first: {COLLECTION_PRODUCTS}) {{
        pageInfo {{ hasNextPage endCursor }}
        nodes {{ legacyResourceId }}
      }}
    }}
  }}
}}
"""

COLLECTION_PRODUCTS_QUERY = """
query CollectionProducts($id: ID!, $after: String) {
  collection(id: $id) {
    products(first: 250, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { legacyResourceId }
    }
  }
}
"""


def unmapped_category() -> Category:
    return category_get_or_create(
        slug=UNMAPPED_SLUG,
        name_en="Unmapped (Shopify)",
        name_ar="غير مصنّف (Shopify)",
        description_en="Shopify products whose type or collection is not mapped yet.",
    )


def _ids(nodes: Any) -> list[int]:
    out = []
    for node in nodes or []:
        try:
            out.append(int(node["legacyResourceId"]))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def collections_sync(*, client: ShopifyClient | None = None) -> int:
    """Read every collection with its product ids and store them; collections Shopify no
    longer has are removed (with their mappings) after a complete read. Returns the
    number of collections."""
    client = client or ShopifyClient()
    seen: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        data = client.graphql(COLLECTIONS_QUERY, {"first": COLLECTION_PAGE, "after": after})
        try:
            connection = data["collections"]
            nodes, page = connection["nodes"], connection["pageInfo"]
        except (KeyError, TypeError) as exc:
            raise ShopifyError("GraphQL response without data.collections") from exc
        for node in nodes:
            products = node.get("products") or {}
            product_ids = _ids(products.get("nodes"))
            more = products.get("pageInfo") or {}
            cursor = more.get("endCursor") if more.get("hasNextPage") else None
            while cursor:
                extra = client.graphql(
                    COLLECTION_PRODUCTS_QUERY, {"id": node["id"], "after": cursor}
                )
                conn = ((extra.get("collection") or {}).get("products")) or {}
                product_ids.extend(_ids(conn.get("nodes")))
                info = conn.get("pageInfo") or {}
                cursor = info.get("endCursor") if info.get("hasNextPage") else None
            seen.append({**node, "product_ids": product_ids})
        if not page.get("hasNextPage"):
            break
        after = page["endCursor"]
    with transaction.atomic():
        kept = []
        for node in seen:
            try:
                collection_id = int(node["legacyResourceId"])
            except (KeyError, TypeError, ValueError):
                continue
            kept.append(collection_id)
            Collection.objects.update_or_create(
                shopify_collection_id=collection_id,
                defaults={
                    "title": str(node.get("title") or "")[:255],
                    "handle": str(node.get("handle") or "")[:255],
                    "updated_at": shopify_time(node.get("updatedAt")),
                    "product_ids": sorted(set(node["product_ids"])),
                },
            )
        Collection.objects.exclude(shopify_collection_id__in=kept).delete()
    return len(kept)


class CategoryResolver:
    """The category of each synced record (see the module docstring), with the mappings
    read once per sync run or webhook."""

    def __init__(
        self, categories: dict[str, Category], *, product_ids: list[int] | None = None
    ) -> None:
        """`categories`: slug -> category, filled by the caller (the local categories the
        records' types name, those of the products already here) and by this resolver.
        `product_ids`: the only products to be resolved, when known (a webhook): then only
        the collections holding them are read, where the database can search JSON
        (MariaDB); otherwise every mapped collection is."""
        self.categories = categories
        mappings = CategoryMapping.objects.all()  # by priority: the first collection wins
        if product_ids is not None and connection.features.supports_json_field_contains:
            holding = Q()
            for product_id in product_ids:
                holding |= Q(collection__product_ids__contains=[product_id])
            mappings = mappings.filter(Q(collection__isnull=True) | holding)
        # Category ids: a mapped category is read when a record lands in it, and most
        # records land where their product already is.
        self.by_type: dict[str, int] = {}
        self.by_product: dict[int, int] = {}
        for product_type, collection_id, category_id, in_collection in mappings.values_list(
            "product_type", "collection_id", "category_id", "collection__product_ids"
        ):
            if collection_id is None:
                self.by_type[product_type.strip().lower()] = category_id
                continue
            for product_id in in_collection or []:
                self.by_product.setdefault(int(product_id), category_id)
        self._by_id: dict[int, Category] = {}
        self._unmapped: Category | None = None
        self.unmapped_products: dict[str, set[int]] = defaultdict(set)
        self.mapped_types: set[str] = set()

    def _mapped(self, category_id: int) -> Category:
        category = self._by_id.get(category_id)
        if category is None:
            self._by_id.update((c.pk, c) for c in self.categories.values())
            category = self._by_id.get(category_id)
        if category is None:  # mapped categories are protected: it exists
            category = Category.objects.select_related("parent").get(pk=category_id)
            self._by_id[category_id] = category
        return category

    def resolve(self, record: VariantRecord) -> Category:
        product_type = record.category_name.strip()
        category_id = self.by_product.get(record.shopify_product_id) or self.by_type.get(
            product_type.lower()
        )
        category = self._mapped(category_id) if category_id is not None else None
        slug = slugify(product_type)[:80]
        if category is None and slug and slug != UNMAPPED_SLUG:
            category = self.categories.get(slug)
        if category is not None:
            self.mapped_types.add(product_type)
            return category
        self.unmapped_products[product_type[:255]].add(record.shopify_product_id)
        if self._unmapped is None:
            self._unmapped = unmapped_category()
            self.categories[self._unmapped.slug] = self._unmapped
        return self._unmapped

    def record_unmapped(self) -> None:
        """List the types seen unmapped (with how many products this run saw) for staff;
        drop the ones that resolve now."""
        for product_type, products in self.unmapped_products.items():
            UnmappedProductType.objects.update_or_create(
                product_type=product_type, defaults={"products": len(products)}
            )
        if self.mapped_types:
            UnmappedProductType.objects.filter(product_type__in=self.mapped_types).delete()


def collection_product_ids(*, role: str) -> set[int]:
    """Shopify product ids in the collections staff gave `role` (deals, featured)."""
    ids: set[int] = set()
    for product_ids in Collection.objects.filter(role=role).values_list("product_ids", flat=True):
        ids.update(int(i) for i in product_ids or [])
    return ids
