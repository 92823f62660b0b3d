"""Product search: dense cosine over the in-memory index, fused (reciprocal-rank fusion)
with a lexical BM25 leg for SKUs, model numbers and brand names; filters on category,
brand, price and stock are a bitmap the exact faiss scan skips rows by, before ranking."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import faiss
import numpy as np
from django.conf import settings

from brandkit.models import Brand
from inventory.models import Category, Product

from . import index
from .encoders import get_encoder
from .language import query_normalise

RRF_K = 60
CANDIDATES = 100
LEXICAL_CANDIDATES = 20
_QUERY_TOKEN = re.compile(r"[\w\-]+", re.UNICODE)


@dataclass(frozen=True)
class SearchFilters:
    category_slug: str | None = None
    brand_slug: str | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool = False


@dataclass(frozen=True)
class Hit:
    product: Product
    distance: float | None  # cosine distance of the dense leg; None for a lexical-only hit
    score: float


def distance_threshold(language: str) -> float:
    """The largest cosine distance a hit may have for a query in `language`."""
    return settings.DIST_REF_AR if language == "ar" else settings.DIST_REF_EN


def filters_mask(matrix: index.ProductMatrix, filters: SearchFilters) -> np.ndarray:
    """Rows of `matrix` that satisfy `filters` (an unknown category or brand matches
    nothing)."""
    mask = matrix.active.copy()
    if filters.in_stock:
        mask &= matrix.in_stock
    if filters.price_min is not None:
        mask &= matrix.price >= float(filters.price_min)
    if filters.price_max is not None:
        mask &= matrix.price <= float(filters.price_max)
    if filters.category_slug:
        category = Category.objects.filter(slug=filters.category_slug).values_list("pk", flat=True)
        category_id = category.first()
        if category_id is None:
            return np.zeros_like(mask)
        mask &= (matrix.category == category_id) | (matrix.parent_category == category_id)
    if filters.brand_slug:
        brand_id = Brand.objects.filter(slug=filters.brand_slug).values_list("pk", flat=True)
        brand_id = brand_id.first()
        if brand_id is None:
            return np.zeros_like(mask)
        mask &= matrix.brand == brand_id
    return mask


def _dense(
    matrix: index.ProductMatrix, vector: np.ndarray, mask: np.ndarray, threshold: float
) -> list[tuple[int, float]]:
    """(position, distance) of the nearest rows within `threshold`, best first: an exact
    faiss scan that skips the rows outside `mask` (a bitmap), so a selective filter costs
    less than no filter."""
    allowed = int(np.count_nonzero(mask))
    if not allowed:
        return []
    limit = min(CANDIDATES, allowed)
    params = None
    if allowed < len(mask):
        bitmap = np.packbits(mask, bitorder="little")
        params = faiss.SearchParameters(
            sel=faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bitmap))
        )
    similarities, positions = matrix.flat.search(vector[None, :], limit, params=params)
    return [
        (int(position), float(1.0 - similarity))
        for position, similarity in zip(positions[0], similarities[0], strict=True)
        if position >= 0 and 1.0 - similarity <= threshold
    ]


def _lexical(matrix: index.ProductMatrix, query: str, mask: np.ndarray) -> tuple[list[int], set]:
    """BM25 positions for the query's words, and the subset that is a strong match: an
    exact SKU, a model-number-like word (letters with digits) or a brand name found in
    the product. A strong match is kept even when the dense leg finds it too far."""
    lexical = matrix.lexical
    if lexical is None:
        return [], set()
    words = [w.lower() for w in _QUERY_TOKEN.findall(query)]
    strong: set[int] = set()
    for word in words:
        position = lexical.sku_positions.get(word)
        if position is not None and mask[position]:
            strong.add(position)
    tokens = index.lexical_tokens(query)
    ranked = lexical.search(tokens, LEXICAL_CANDIDATES, mask)
    model_words = [t for t in tokens if any(c.isdigit() for c in t)]
    if model_words:
        strong.update(lexical.search(model_words, LEXICAL_CANDIDATES, mask))
    brand_words = [t for t in tokens if t in lexical.brand_words]
    if brand_words:
        # Brand-only matches rank by the whole query, so "xiaomi phone" puts phones first.
        branded = set(lexical.search(brand_words, LEXICAL_CANDIDATES * 5, mask))
        by_query = lexical.search(tokens, LEXICAL_CANDIDATES * 5, mask)
        strong.update([p for p in by_query if p in branded][:LEXICAL_CANDIDATES])
    ranked = ranked + [p for p in sorted(strong) if p not in ranked]
    return ranked, strong


def _products_current(
    matrix: index.ProductMatrix, positions: list[int], *, in_stock: bool
) -> dict[int, Product]:
    """The products at `positions` that are still active (and in stock, if asked) in the
    database, by id: the index may be a few seconds behind the catalog."""
    ids = [int(matrix.ids[p]) for p in positions]
    qs = Product.objects.select_related("brand", "category").filter(pk__in=ids, active=True)
    if in_stock:
        qs = qs.filter(stock__gt=0)
    return qs.in_bulk()


def recommend(
    query: str,
    language: str = "en",
    k: int | None = None,
    filters: SearchFilters | None = None,
) -> list[Hit]:
    """The best `k` products for free text. Dense hits farther than the language's
    distance threshold are dropped (nonsense finds nothing); lexical hits count where the
    dense leg agrees, and strong lexical hits (SKU, model number) always count."""
    k = k or settings.RECOS_TOPK
    filters = filters or SearchFilters()
    query = query.strip()
    if not query:
        return []
    encoder = get_encoder()
    matrix = index.products.get(encoder.name)
    if not len(matrix.ids):
        return []
    mask = filters_mask(matrix, filters)
    vector = encoder.encode([query_normalise(query, language)])[0]
    dense = _dense(matrix, vector, mask, distance_threshold(language))
    lexical, strong = _lexical(matrix, query, mask)
    distances = dict(dense)
    scores: dict[int, float] = {}
    for rank, (position, _) in enumerate(dense):
        scores[position] = 1.0 / (RRF_K + rank)
    for rank, position in enumerate(lexical):
        if position in strong:
            scores[position] = scores.get(position, 0.0) + 2.0 / (RRF_K + rank)
        elif position in distances:
            scores[position] += 1.0 / (RRF_K + rank)
    ranked = sorted(scores, key=lambda p: -scores[p])[: k * 3]
    found = _products_current(matrix, ranked, in_stock=filters.in_stock)
    hits = [
        Hit(found[int(matrix.ids[p])], distances.get(p), scores[p])
        for p in ranked
        if int(matrix.ids[p]) in found
    ]
    return hits[:k]


def similar_to(product: Product, k: int | None = None, in_stock: bool = True) -> list[Hit]:
    """Nearest products to `product` (itself excluded), active and by default in stock."""
    k = k or settings.RECOS_TOPK
    matrix = index.products.get(get_encoder().name)
    position = matrix.position(product.pk)
    if position is None:
        return []
    mask = matrix.active & (matrix.ids != product.pk)
    if in_stock:
        mask &= matrix.in_stock
    nearest = _dense(matrix, matrix.vectors[position].copy(), mask, threshold=2.0)[: k * 3]
    found = _products_current(matrix, [p for p, _ in nearest], in_stock=in_stock)
    return [
        Hit(found[int(matrix.ids[p])], distance, 1.0 - distance)
        for p, distance in nearest
        if int(matrix.ids[p]) in found
    ][:k]
