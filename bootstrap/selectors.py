"""Read-only views of the seeded shop, for `manage.py catalog_summary` and the demo."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Min, Q

from brandkit.models import Brand, SpecDefinition
from helpdesk.models import FAQ
from inventory.models import Category, Product
from orders.models import ShippingOption
from payments.models import PaymentOption


@dataclass(frozen=True)
class DepartmentSummary:
    """A top-level category with the active products in it and its subcategories."""

    slug: str
    name_en: str
    name_ar: str
    products: int
    in_stock: int
    price_min: Decimal | None
    price_max: Decimal | None


@dataclass(frozen=True)
class CatalogSummary:
    brands: int
    categories: int
    spec_definitions: int
    products: int
    active_products: int
    in_stock: int
    out_of_stock: int
    faqs: int
    shipping_options: int
    payment_options: int
    departments: tuple[DepartmentSummary, ...]


def catalog_summary_get() -> CatalogSummary:
    """Counts of the catalog and, per top-level category, products and price range.

    One grouped query over products (by leaf category), folded into departments in Python,
    so it stays fast with 100k products.
    """
    active = Product.objects.filter(active=True)
    in_stock = active.filter(stock__gt=0).count()
    active_count = active.count()
    per_category = {
        row["category_id"]: row
        for row in active.values("category_id").annotate(
            n=Count("id"),
            stocked=Count("id", filter=Q(stock__gt=0)),
            low=Min("price"),
            high=Max("price"),
        )
    }
    categories = list(Category.objects.all())
    parents = {c.pk: c.parent_id for c in categories}
    top_of: dict[int, int] = {}
    for pk in parents:  # climb to the root, whatever the depth of the tree
        node = pk
        while parents.get(node):
            node = parents[node]
        top_of[pk] = node
    departments = []
    for top in (c for c in categories if c.parent_id is None):
        rows = [row for pk, row in per_category.items() if top_of.get(pk) == top.pk]
        lows = [r["low"] for r in rows if r["low"] is not None]
        highs = [r["high"] for r in rows if r["high"] is not None]
        departments.append(
            DepartmentSummary(
                slug=top.slug,
                name_en=top.name_en,
                name_ar=top.name_ar,
                products=sum(r["n"] for r in rows),
                in_stock=sum(r["stocked"] for r in rows),
                price_min=min(lows) if lows else None,
                price_max=max(highs) if highs else None,
            )
        )
    return CatalogSummary(
        brands=Brand.objects.count(),
        categories=len(categories),
        spec_definitions=SpecDefinition.objects.count(),
        products=Product.objects.count(),
        active_products=active_count,
        in_stock=in_stock,
        out_of_stock=active_count - in_stock,
        faqs=FAQ.objects.filter(active=True).count(),
        shipping_options=ShippingOption.objects.filter(active=True).count(),
        payment_options=PaymentOption.objects.filter(active=True).count(),
        departments=tuple(departments),
    )
