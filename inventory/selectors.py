from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, QuerySet

from .models import Category, Product


def product_get(*, sku: str, active_only: bool = True) -> Product | None:
    qs = Product.objects.select_related("brand", "category").filter(sku=sku)
    if active_only:
        qs = qs.filter(active=True)
    return qs.first()


def product_list(
    *,
    category: Category | None = None,
    brand_slug: str | None = None,
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
    in_stock: bool | None = None,
    text: str | None = None,
) -> QuerySet[Product]:
    """Active products matching every filter given, cheapest first within a category."""
    qs = Product.objects.select_related("brand", "category").filter(active=True)
    if category is not None:
        qs = qs.filter(Q(category=category) | Q(category__parent=category))
    if brand_slug:
        qs = qs.filter(brand__slug=brand_slug)
    if price_min is not None:
        qs = qs.filter(price__gte=price_min)
    if price_max is not None:
        qs = qs.filter(price__lte=price_max)
    if in_stock:
        qs = qs.filter(stock__gt=0)
    if text:
        qs = qs.filter(
            Q(name_en__icontains=text) | Q(name_ar__icontains=text) | Q(sku__iexact=text)
        )
    return qs


def category_list(*, parent: Category | None = None) -> QuerySet[Category]:
    """Active categories under `parent` (top level when None)."""
    return Category.objects.filter(active=True, parent=parent)


def category_get(*, slug: str) -> Category | None:
    return Category.objects.filter(slug=slug, active=True).first()


def category_list_active() -> QuerySet[Category]:
    """Every active category of the tree, in display order (parents are referenced by slug
    in the API, so the flat list is enough to rebuild the tree)."""
    return Category.objects.select_related("parent").filter(active=True)


_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "for",
        "with",
        "and",
        "or",
        "of",
        "in",
        "on",
        "to",
        "me",
        "i",
        "want",
        "need",
        "show",
        "looking",
        "some",
        "any",
        "please",
        "في",
        "من",
        "على",
        "عن",
        "مع",
        "او",
        "أو",
        "و",
        "ابي",
        "أبي",
        "ابغى",
        "أبغى",
        "اريد",
        "أريد",
        "عندكم",
        "هل",
    }
)


def product_search_words(
    *, words: list[str], price_max: Decimal | None = None, limit: int = 10
) -> list[Product]:
    """Keyword search: every meaningful word must appear in the name (EN or AR), brand or
    category; in-stock first, then cheapest. The lexical fallback when no embedding index
    is available."""
    qs = Product.objects.select_related("brand", "category").filter(active=True)
    meaningful = [w for w in words if w.lower() not in _STOPWORDS and len(w) > 1]
    if not meaningful:
        return []
    for word in meaningful:
        stem = word[:-1] if len(word) > 4 and word.lower().endswith("s") else word
        qs = qs.filter(
            Q(name_en__icontains=stem)
            | Q(name_ar__icontains=stem)
            | Q(sku__iexact=word)
            | Q(brand__name_en__icontains=stem)
            | Q(brand__name_ar__icontains=stem)
            | Q(category__name_en__icontains=stem)
            | Q(category__name_ar__icontains=stem)
            | Q(category__parent__name_en__icontains=stem)
            | Q(category__parent__name_ar__icontains=stem)
            | Q(description_en__icontains=f" {stem} ")
        )
    if price_max is not None:
        qs = qs.filter(price__lte=price_max)
    return sorted(qs[:200], key=lambda p: (p.stock <= 0, p.price))[:limit]


def stock_alert_ids_due(*, limit: int = 500) -> list[int]:
    """Open back-in-stock alerts whose product is for sale again, oldest first."""
    from .models import StockAlert

    return list(
        StockAlert.objects.filter(
            notified_at__isnull=True, product__active=True, product__stock__gt=0
        )
        .order_by("created_at", "id")
        .values_list("id", flat=True)[:limit]
    )
