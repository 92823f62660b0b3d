"""Product search and its policy.

Retrieval (`recommend`): dense cosine over the product index (`recos.index`: exact, or
approximate with an exact re-rank for large catalogs), fused (reciprocal rank) with a
lexical BM25 leg for SKUs, model numbers and brand names; filters on category, brand,
price and stock are a bitmap the scan skips rows by, before ranking.
Policy (`product_search`): price and brand limits are hard, the category the words name
is a boost, and when nothing meets the limits the nearest products beyond them come back
with the limit that was broken, so the customer is told instead of misled."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

import numpy as np
from django.conf import settings

from brandkit.models import Brand, BrandAlias, BrandAliasKind
from inventory.models import Category, Product
from project_core.metrics import SEARCH_SECONDS

from . import index
from .encoders import get_encoder
from .language import FOR_MARKER, content_stems, encoder_text, latin_spelled, normalise
from .lexical import lexical_tokens

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
    brand_slugs: tuple[str, ...] = ()  # any of these brands (with brand_slug: all of them)


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
    nothing). A category filter checks only the rows the index groups under it (in a
    large, approximate index one contiguous range), not every row of the catalog."""
    category_id = None
    if filters.category_slug:
        category = Category.objects.filter(slug=filters.category_slug).values_list("pk", flat=True)
        category_id = category.first()
        if category_id is None:
            return np.zeros(len(matrix.ids), bool)
    brand_ids: list[int] = []
    brands = {filters.brand_slug} if filters.brand_slug else set(filters.brand_slugs)
    if brands:
        brand_ids = list(Brand.objects.filter(slug__in=brands).values_list("pk", flat=True))
        if not brand_ids:
            return np.zeros(len(matrix.ids), bool)

    def allowed(rows: np.ndarray | slice) -> np.ndarray:
        keep = matrix.active[rows].copy()
        if category_id is not None:
            keep &= (matrix.category[rows] == category_id) | (
                matrix.parent_category[rows] == category_id
            )
        if filters.in_stock:
            keep &= matrix.in_stock[rows]
        if filters.price_min is not None:
            keep &= matrix.price[rows] >= float(filters.price_min)
        if filters.price_max is not None:
            keep &= matrix.price[rows] <= float(filters.price_max)
        if brand_ids:
            keep &= np.isin(matrix.brand[rows], brand_ids)
        return keep

    parts = [slice(None)] if category_id is None else matrix.category_rows(category_id)
    if parts == [slice(None)]:  # every row
        return allowed(slice(None))
    mask = np.zeros(len(matrix.ids), bool)
    for rows in parts:
        if isinstance(rows, slice):
            mask[rows] = allowed(rows)
        else:
            mask[rows[allowed(rows)]] = True
    return mask


def _dense(
    matrix: index.ProductMatrix, vector: np.ndarray, mask: np.ndarray, threshold: float
) -> list[tuple[int, float]]:
    """(position, distance) of the nearest rows within `threshold`, best first: a scan
    that skips the rows outside `mask` (a bitmap), so a selective filter costs less than
    no filter (`index.ProductMatrix.dense_search`)."""
    return [
        (position, 1.0 - similarity)
        for position, similarity in matrix.dense_search(vector, CANDIDATES, mask)
        if 1.0 - similarity <= threshold
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
        position = lexical.sku_position(word)
        if position is not None and mask[position]:
            strong.add(position)
    # Names spelt in Arabic ("اكس بوكس") are matched by their Latin letters ("xbox").
    tokens = lexical_tokens(latin_spelled(query))
    ranked = lexical.search(tokens, LEXICAL_CANDIDATES, mask)
    model_words = [t for t in tokens if any(c.isdigit() for c in t)]
    if model_words:
        strong.update(lexical.search(model_words, LEXICAL_CANDIDATES, mask))
    names = lexical.brand_words | line_words.get("all")
    brand_words = [t for t in tokens if t in names]
    if brand_words:
        # Brand-only matches rank by the whole query, so "xiaomi phone" puts phones first.
        branded = set(lexical.search(brand_words, LEXICAL_CANDIDATES * 5, mask))
        by_query = lexical.search(tokens, LEXICAL_CANDIDATES * 5, mask)
        strong.update([p for p in by_query if p in branded][:LEXICAL_CANDIDATES])
    ranked = ranked + [p for p in sorted(strong) if p not in ranked]
    return ranked, strong


def _line_version(_key: str) -> tuple:
    lines = BrandAlias.objects.filter(kind=BrandAliasKind.LINE)
    return (lines.count(), lines.order_by("-pk").values_list("pk", flat=True).first())


def _line_load(_key: str) -> frozenset[str]:
    aliases = BrandAlias.objects.filter(kind=BrandAliasKind.LINE).values_list("alias", flat=True)
    return frozenset(
        word
        for alias in aliases
        if alias.isascii() and len(words := lexical_tokens(alias)) == 1
        for word in words
    )


# One-word product lines in Latin letters ("xbox", "galaxy", "thinkpad", from the brand
# aliases): as strong a lexical match as a brand name, so "الاكس بوكس سيريس اكس" (read as
# "xbox series x") finds the console even where the encoder places it far.
line_words: index.VersionedCache[frozenset[str]] = index.VersionedCache(_line_version, _line_load)


def _names_a_line(query: str) -> bool:
    """Whether the words name a product line ("zenbook", "زين بوك", "thinkpad")."""
    return bool(set(lexical_tokens(latin_spelled(query))) & line_words.get("all"))


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


@SEARCH_SECONDS.labels(entry="recommend").time()
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
    query = query.strip()
    if not query:
        return []
    encoder = get_encoder()
    matrix = index.products.get(encoder.name)
    if not len(matrix.ids):
        return []
    vector = encoder.encode([encoder_text(query)])[0]
    return _ranked(matrix, vector, query, filters or SearchFilters(), language, k)


def _ranked(
    matrix: index.ProductMatrix,
    vector: np.ndarray,
    query: str,
    filters: SearchFilters,
    language: str,
    k: int,
) -> list[Hit]:
    """Dense and lexical legs within `filters`, fused by reciprocal rank."""
    mask = filters_mask(matrix, filters)
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


# --- the search policy ---------------------------------------------------------------------
@dataclass(frozen=True)
class SearchRequest:
    """What a customer asked for: words, hard limits (price, brands) and a soft hint (the
    product type the words name)."""

    query: str
    language: str = "en"
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    brand_slugs: tuple[str, ...] = ()
    category_slug: str | None = None  # a boost: never excludes what the words name
    newest: bool = False  # "what's new?": the latest products in, not what the words say
    # The router's last guess before asking the customer back: an Arabic use is matched
    # against the categories' Arabic terms even without a "something" ("جدتي تبي تسمع
    # القرآن في غرفتها" → speakers).
    guess: bool = False
    limit: int = 30

    @property
    def limits(self) -> SearchFilters:
        return SearchFilters(
            price_min=self.price_min, price_max=self.price_max, brand_slugs=self.brand_slugs
        )


class LimitBroken:
    PRICE_MAX = "price_max"
    PRICE_MIN = "price_min"
    BRAND = "brand"


@dataclass(frozen=True)
class SearchResult:
    """`products` all meet the request's limits. When none does, `nearest` holds the
    closest products beyond the limit named by `broken` (cheapest first over a maximum,
    dearest first under a minimum), so the customer is told why and what is closest."""

    products: list[Product]
    nearest: list[Product] = field(default_factory=list)
    broken: str = ""


@SEARCH_SECONDS.labels(entry="product_search").time()
def product_search(request: SearchRequest) -> SearchResult:
    """Products for a customer's request: price and brand limits are hard filters; the
    type the words name comes first and, when nothing of that type meets the limits, the
    nearest of that type beyond them is offered (never other types under the limit's
    heading); dense and lexical legs are fused; words that find nothing with no limit
    (nonsense) find nothing. In-stock products come first."""
    if request.newest and not (request.category_slug or request.brand_slugs):
        return SearchResult(_newest(request))
    words = request.query.strip()
    vector = get_encoder().encode([encoder_text(words)])[0] if words else None
    guessed = False
    if vector is not None and not request.category_slug:
        # No product type named: what the customer wants it for may say ("something to
        # listen to music while running" → earbuds).
        request = replace(
            request, category_slug=use_case_category(vector, words, guess=request.guess)
        )
        guessed = request.category_slug is not None
    elif vector is not None and request.category_slug and not _names_a_line(words):
        # A broad type named with a use ("laptop for office work" is a business laptop):
        # the sub-type the use points to comes first, the type named when it has nothing
        # within the limits. A product line named says which itself ("زين بوك من اسوس"
        # is a Zenbook, whatever sub-type the encoder places it nearest).
        child = use_case_subcategory(vector, request.category_slug, words)
        if child is not None:
            result = _policy(replace(request, category_slug=child), vector)
            if result.products:
                return result
    result = _policy(request, vector)
    if request.category_slug and not result.products and (guessed or not result.nearest):
        # The type hint matched nothing at all, or it was only guessed from the use and
        # nothing of it keeps the limits ("something nice from apple under 1000" is not
        # a gaming laptop beyond the brand): the words alone decide.
        fallback = _policy(replace(request, category_slug=None), vector)
        if fallback.products or not result.nearest:
            result = fallback
    return result


def _policy(request: SearchRequest, vector: np.ndarray | None) -> SearchResult:
    found = _search(request, request.limits, vector)
    if found:
        return SearchResult(found)
    priced = request.price_min is not None or request.price_max is not None
    # The named brands' products of the named type, at any price: the nearest beyond a
    # price limit come from them (never from other types, which the heading would not name).
    of_brand = (
        _search(request, SearchFilters(brand_slugs=request.brand_slugs), vector, others=False)
        if priced
        else []
    )
    below = []
    if request.price_min is not None:
        below = sorted((p for p in of_brand if p.price < request.price_min), key=lambda p: -p.price)
    if request.brand_slugs and below:
        # More budget than that brand needs ("samsung tab between 1000 and 1500" when its
        # dearest tablet is 800): its dearest, before other brands at the price.
        return SearchResult([], below, LimitBroken.PRICE_MIN)
    if request.brand_slugs and request.price_max is not None:
        # A little more than the budget ("playstation 5 under 450", its cheapest 499.99;
        # "كاميرا فوجي بحدود ١٥٠٠"): the brand asked for, cheapest first, before other
        # brands at the price.
        near = request.price_max * NEAR_BUDGET
        close = sorted((p for p in of_brand if request.price_max < p.price <= near), key=_price)
        if close:
            return SearchResult([], close, LimitBroken.PRICE_MAX)
    if request.brand_slugs:
        nearest = _search(request, replace(request.limits, brand_slugs=()), vector, others=False)
        if nearest:
            return SearchResult([], nearest, LimitBroken.BRAND)
    if request.price_max is not None:
        above = sorted((p for p in of_brand if p.price > request.price_max), key=_price)
        if above:
            return SearchResult([], above, LimitBroken.PRICE_MAX)
    if below:
        return SearchResult([], below, LimitBroken.PRICE_MIN)
    return SearchResult([])


def _price(product: Product) -> Decimal:
    return product.price


def _search(
    request: SearchRequest,
    filters: SearchFilters,
    vector: np.ndarray | None,
    *,
    others: bool = True,
) -> list[Product]:
    """The ranked products within `filters`; with a type hint, only when that type has
    some (its products first, then, with `others`, the other types the words found)."""
    words = request.query.strip()
    limited = filters.brand_slugs or filters.price_min is not None or filters.price_max is not None
    if vector is None:
        return _listing(filters, request.category_slug, request.limit)
    matrix = index.products.get(get_encoder().name)
    if not len(matrix.ids):
        return []

    def ranked(within: SearchFilters) -> list[Product]:
        hits = _ranked(matrix, vector, words, within, request.language, request.limit)
        return [h.product for h in hits]

    products = ranked(filters)
    if request.category_slug:
        typed = replace(filters, category_slug=request.category_slug)
        # The words name this type: its products ranked by the words (all of them when
        # the encoder placed none), the other types the words found, then the rest of the
        # type (the encoder places only some of a type near a short or dialect word:
        # "speaker under 300" is every speaker under 300, not the one it placed).
        by_words = ranked(typed)
        listed = [] if by_words else _listing(typed, request.category_slug, request.limit)
        of_type = by_words or listed
        if not of_type:
            return []
        # Other types the words found follow only when the named type has few products:
        # a page of gaming laptops needs no gaming mice after it.
        rest = [p for p in products if p not in of_type] if others and len(of_type) < _FEW else []
        more = []
        if by_words and len(of_type) + len(rest) < request.limit:
            # the listing is read only when the page has room for it
            more = [
                p
                for p in _listing(typed, request.category_slug, request.limit)
                if p not in of_type and p not in rest
            ]
        # In stock first within each group: an iPhone out of stock still comes before
        # the iPads the words also found, and the earbuds the words found before the
        # headphones listed after them.
        groups = (of_type, rest, more)
        return [p for group in groups for p in _in_stock_first(group)][: request.limit]
    if not products and limited:
        # "gift under $50", "acer nitro": the words found nothing, the limits are the ask.
        products = _listing(filters, None, request.limit)
    if not products and _GIFT.search(words.lower()) and not _GIFT_SERVICE.search(words.lower()):
        # "ابي اشتري هدية لاختي بعيد ميلادها": nothing said of what she likes
        products = _gift_ideas(matrix, filters, request.limit)
    return _in_stock_first(products[: request.limit])


def _gift_ideas(matrix: index.ProductMatrix, filters: SearchFilters, limit: int) -> list[Product]:
    """Gift ideas when nothing narrows them: from each department, the in-stock product
    nearest its median price, from the smallest gift to the largest."""
    positions = np.nonzero(filters_mask(matrix, replace(filters, in_stock=True)))[0]
    department = np.where(
        matrix.parent_category[positions] >= 0,
        matrix.parent_category[positions],
        matrix.category[positions],
    )
    picks = []
    for dept in np.unique(department):
        rows = positions[department == dept]
        prices = matrix.price[rows]
        picks.append(int(rows[int(np.argmin(np.abs(prices - np.median(prices))))]))
    best = sorted(picks, key=lambda row: matrix.price[row])[:limit]
    current = _products_current(matrix, best, in_stock=True)
    return [current[pk] for pk in (int(matrix.ids[row]) for row in best) if pk in current]


_FEW = 3  # fewer products of the named type than this: other types the words found follow
# A brand's product this much over a maximum comes before other brands within it.
NEAR_BUDGET = Decimal("1.15")

# A request this close to a category's search terms names that category by its use.
USE_CASE_DISTANCE = 0.72
# An Arabic request for "something" for a use ("ابغى شي لولدي يتفرج فيه كرتون") is matched
# against the Arabic terms alone, within a wider distance: the encoder places dialect far
# from the mixed-language profile. Only such a request: any Arabic text within 0.82 of a
# category would turn commands the classifier is unsure of into searches.
ARABIC_USE_CASE_DISTANCE = 0.82
# The router's last guess at an Arabic use that asks for no "something" ("جدتي تبي تسمع
# القرآن في غرفتها", 0.68 from the audio categories) takes a closer one: an unrelated
# message ("ابي اعمل اعلان معاكم") sits about 0.78 from some category.
GUESS_DISTANCE = 0.72
_SIBLING_GAP = 0.05  # how much closer a sub-category must be than the next to stand out
# A gift is a "something" too: "هدية لزوجتي تحب التصوير", "a gift for my dad who likes music".
_GIFT_EN = "gift|present"
_GIFT_AR = "هديه|هدايا"
_THING = re.compile(rf"(?:^|\s)(?:شي|شيء|اشي|حاجه|جهاز|{_GIFT_AR})(?:\s|$)")
_THING_WORDS = frozenset({"something", "anything", "thing", "device", "gadget", "جهاز", "حاجه"})
_SOMETHING = re.compile(rf"\b(?:something|anything|a thing|a device|a gadget|a (?:{_GIFT_EN}))\b")
_ARABIC_WORD = re.compile(r"[\u0600-\u06ff]")
_GIFT = re.compile(rf"\b(?:{_GIFT_EN})s?\b|(?:^|\s)\S*(?:{_GIFT_AR})")
# Wrapping and gift cards are the shop's to answer, not gift ideas ("ابغاه مغلف هدية").
_GIFT_SERVICE = re.compile(r"\b(?:wrap\w*|card|cards|voucher\w*)\b|غلف|تغليف|مغلف|بطاق|كرت|قسيم")


@dataclass(frozen=True)
class CategoryProfiles:
    slugs: list[str]
    vectors: np.ndarray  # (n, d) float32, one row per category with search terms
    arabic: np.ndarray  # the same rows from the Arabic name and terms alone
    parents: list[str | None]  # each row's parent category slug
    terms: list[frozenset[str]]  # each row's words of use (`_use_words`)


def _category_version(model_name: str) -> tuple:
    return tuple(Category.objects.order_by("pk").values_list("pk", "active", "search_terms"))


def _category_load(model_name: str) -> CategoryProfiles:
    categories = [
        c
        for c in Category.objects.filter(active=True).select_related("parent")
        if c.search_terms.strip()
    ]
    if not categories:
        empty = np.zeros((0, 1), np.float32)
        return CategoryProfiles([], empty, empty, [], [])
    encoder = get_encoder(model_name)
    texts = [f"{c.name_en}. {c.name_ar}. {c.search_terms}" for c in categories]
    arabic = [
        " ".join([c.name_ar, *(w for w in c.search_terms.split() if _ARABIC_WORD.search(w))])
        for c in categories
    ]
    return CategoryProfiles(
        [c.slug for c in categories],
        encoder.encode(texts),
        encoder.encode(arabic),
        [c.parent.slug if c.parent else None for c in categories],
        _use_words(categories),
    )


def _use_words(categories: list[Category]) -> list[frozenset[str]]:
    """Each category's words of use (its search terms without the words that name any
    product type: "جوال" in "شي يشحن جوالي" is a feature, not a use)."""
    type_words = {
        stem
        for c in Category.objects.all()
        for name in (c.name_en, c.name_ar)
        for stem in content_stems(name or "")
    }
    return [frozenset(content_stems(c.search_terms) - type_words) for c in categories]


def _clitic_free(stems: set[str]) -> set[str]:
    """Stems with a glued preposition or "and" off too ("لولد" is also "ولد")."""
    return stems | {s[1:] for s in stems if len(s) > 3 and s[0] in "وفبلك"}


def _use_case_by_words(
    profiles: CategoryProfiles, words: str, rows: Iterable[int] | None = None
) -> str | None:
    """The one category (of `rows`, default all) whose words of use the request shares
    most ("شي لولدي يتفرج فيه كرتون" → the tablets' "كرتون"), or None on a tie or nothing
    shared."""
    asked = _clitic_free(content_stems(words)) - _THING_WORDS
    rows = range(len(profiles.slugs)) if rows is None else rows
    shared = sorted(
        ((len(asked & profiles.terms[i]), profiles.slugs[i]) for i in rows),
        reverse=True,
    )
    if not shared or shared[0][0] == 0 or (len(shared) > 1 and shared[1][0] == shared[0][0]):
        return None
    return shared[0][1]


category_profiles: index.VersionedCache[CategoryProfiles] = index.VersionedCache(
    _category_version, _category_load
)


def _clearly_closest(distances: np.ndarray, rows: Iterable[int]) -> int | None:
    """The row of `rows` within the use-case distance and clearly closer than the next
    (`_SIBLING_GAP`), or None."""
    near = sorted(
        (i for i in rows if distances[i] <= USE_CASE_DISTANCE), key=lambda i: distances[i]
    )
    if near and (len(near) == 1 or distances[near[1]] - distances[near[0]] >= _SIBLING_GAP):
        return near[0]
    return None


def use_case_subcategory(vector: np.ndarray, parent: str, words: str = "") -> str | None:
    """The sub-category of `parent` the request's use points to ("for office work" among
    laptops), when one is close and clearly closer than the parent itself and than its
    siblings ("سماعات للجري" is no closer to earbuds than to any headphones for the
    encoder: no narrowing); failing that, for an Arabic request, the one sub-category
    whose words of use `words` share most ("لابتوب للدوام" → business laptops: the encoder
    places dialect far from every profile)."""
    profiles = category_profiles.get(get_encoder().name)
    rows = [i for i, of in enumerate(profiles.parents) if of == parent]
    if not rows:
        return None
    distances = 1.0 - profiles.vectors @ vector
    best = _clearly_closest(distances, rows)
    if best is not None and not (
        parent in profiles.slugs
        and distances[profiles.slugs.index(parent)] - distances[best] < _SIBLING_GAP
    ):
        return profiles.slugs[best]
    # Only Arabic: English is the encoder's strength, and one word in common there ("noise
    # cancelling earphones" and the over-ear ones' "block noise") is weaker evidence.
    return _use_case_by_words(profiles, words, rows) if _ARABIC_WORD.search(words) else None


def use_case_category(vector: np.ndarray, words: str = "", *, guess: bool = False) -> str | None:
    """The category whose search terms (what customers use it for) are closest to the
    request (`vector`, of `words`), if close enough; nonsense is far from every one.
    `guess`: the router's last guess (see `SearchRequest.guess`)."""
    profiles = category_profiles.get(get_encoder().name)
    if not profiles.slugs:
        return None
    distances = 1.0 - profiles.vectors @ vector
    best = int(np.argmin(distances))
    if distances[best] <= USE_CASE_DISTANCE:
        # A sub-category close enough, and clearly closer than its siblings, says more
        # than its parent ("music while running": earbuds, not any headphones)
        children = [i for i, of in enumerate(profiles.parents) if of == profiles.slugs[best]]
        child = _clearly_closest(distances, children)
        return profiles.slugs[best if child is None else child]
    if _SOMETHING.search(words.lower()):
        # "something big to watch football on in the majlis": the words of use decide
        return _use_case_by_words(profiles, words)
    if not ((guess or _THING.search(words)) and _ARABIC_WORD.search(words)):
        return None
    thing = bool(_THING.search(words))
    distances = 1.0 - profiles.arabic @ vector
    best = int(np.argmin(distances))
    if distances[best] <= (ARABIC_USE_CASE_DISTANCE if thing else GUESS_DISTANCE):
        return profiles.slugs[best]
    # Dialect the encoder places far from every category: the words of use decide (not
    # for a guess at words that asked for no thing: one word in common is too little).
    return _use_case_by_words(profiles, words) if thing else None


def _listing(filters: SearchFilters, category_slug: str | None, limit: int) -> list[Product]:
    """Products within `filters` (and the category) when there are no words to rank by:
    in stock first, then the best the budget buys."""
    mask_filters = replace(filters, category_slug=category_slug or filters.category_slug)
    matrix = index.products.get(get_encoder().name)
    positions = np.nonzero(filters_mask(matrix, mask_filters))[0]
    order = np.lexsort((-matrix.price[positions], ~matrix.in_stock[positions]))
    best = [int(p) for p in positions[order][: limit * 2]]
    current = _products_current(matrix, best, in_stock=False)
    return [current[pk] for pk in (int(matrix.ids[p]) for p in best) if pk in current][:limit]


def _newest(request: SearchRequest) -> list[Product]:
    """The products added last, in stock, within the price limits ("what's new under 100")."""
    qs = Product.objects.select_related("brand", "category").filter(active=True, stock__gt=0)
    if request.price_min is not None:
        qs = qs.filter(price__gte=request.price_min)
    if request.price_max is not None:
        qs = qs.filter(price__lte=request.price_max)
    return list(qs.order_by("-created_at", "-id")[: request.limit])


def _in_stock_first(products: list[Product]) -> list[Product]:
    return sorted(products, key=lambda p: p.stock <= 0)


_WORD = re.compile(r"[\w-]+")
_SQUASH = re.compile(r"[^\w]|_")
_SPEC_WORD = re.compile(r"\d+(?:\.\d+)?(?:g|gb|tb|mb|mp|w|hz|k|mah|inch|in|m)", re.IGNORECASE)
# Words that never glue to a model number ("the ps5" is "ps5", "hero 12" is "hero12").
_FILLER = frozenset(
    {
        "the",
        "a",
        "an",
        "is",
        "are",
        "of",
        "for",
        "and",
        "or",
        "my",
        "your",
        "this",
        "that",
        "how",
        "much",
        "price",
        "does",
        "do",
        "in",
        "on",
        "with",
        "to",
        "سعر",
        "كم",
        "هل",
        "في",
        "عندكم",
        "عن",
        "ال",
    }
)


def product_named(query: str, language: str = "en", brand: str | None = None) -> Product | None:
    """The one product a text names by model ("is the galaxy s24 in stock?", "how much
    is the ps5 slim", "hero 12 waterproof?"): among the best hits, one whose name or SKU
    holds the text's model numbers (preferring the one naming most of its other words),
    or None when the text names no model. `brand`: the brand (slug) the text names; a
    product of another brand is not the one named ("samsung oled 55" is no LG OLED55C4)."""
    words = _WORD.findall(latin_spelled(query))  # "ايفون ١٥" → "iphone", "15"
    # Letters with digits ("s24", "ps5", "wh-1000xm5") must all be in the name; a number
    # alone counts glued to the word before it ("hero 12" → "hero12"), and is dropped when
    # no product has it ("add 2 galaxy a15": "add2" names nothing).
    strong: list[str] = []
    glued: list[str] = []
    for i, word in enumerate(words):
        if not any(c.isdigit() for c in word):
            continue
        if _SPEC_WORD.fullmatch(word):
            continue  # "5g", "256gb", "4k": a feature many products share, not a model
        if not word.isdigit():
            strong.append(_SQUASH.sub("", word))
            continue
        before = words[i - 1] if i and words[i - 1] not in _FILLER else ""
        if before and not any(c.isdigit() for c in before):
            glued.append(_SQUASH.sub("", before + word))
    if not strong and not glued:
        return None
    others = [w for w in words if w not in _FILLER and len(w) >= 2 and not w.isdigit()]
    best: tuple[tuple[int, bool, int], Product] | None = None
    for hit in recommend(query, language, k=10):
        product = hit.product
        if brand and (product.brand is None or product.brand.slug != brand):
            continue
        haystack = _SQUASH.sub("", normalise(f"{product.sku} {product.name_en} {product.name_ar}"))
        if not all(model in haystack for model in strong):
            continue
        numbers = sum(1 for model in glued if model in haystack)
        if not strong and not numbers:
            continue
        # "ps5 slim", "iphone 15 256gb": of the products naming the model, the one naming
        # most of the other words; one that names it only as what it is for ("controller
        # for PS5") is the model's accessory, not the model.
        score = 2 * numbers + sum(1 for word in others if _SQUASH.sub("", word) in haystack)
        score -= _names_it_as_for(product, strong + glued)
        # Equal on the words: the one in stock, then the plainest name ("ps5" is the PS5
        # on the shelf before a sold-out PS5 Pro 2TB)
        rank = (score, product.stock > 0, -len(product.name_en.split()))
        if best is None or rank > best[0]:
            best = (rank, product)
    return best[1] if best else None


def _names_it_as_for(product: Product, models: list[str]) -> int:
    """1 when every model the text names is in the product's name only after a "for"
    (an accessory for it: "DualSense Wireless Controller for PS5"), else 0."""
    for name in (product.name_en, product.name_ar):
        plain = f" {normalise(name or '')} "
        cut = FOR_MARKER.search(plain)
        if cut is None:
            continue
        head, tail = (_SQUASH.sub("", part) for part in (plain[: cut.start()], plain[cut.end() :]))
        if all(m in tail and m not in head for m in models):
            return 1
    return 0


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
    nearest = _dense(matrix, matrix.vector(position), mask, threshold=2.0)[: k * 3]
    found = _products_current(matrix, [p for p, _ in nearest], in_stock=in_stock)
    return [
        Hit(found[int(matrix.ids[p])], distance, 1.0 - distance)
        for p, distance in nearest
        if int(matrix.ids[p]) in found
    ][:k]
