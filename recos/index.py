"""The per-process product index: the normalised float32 vectors in a faiss flat
inner-product index (exact search; a filter is a bitmap the scan skips rows by) with the
product ids and the filter columns (price, category, parent category, brand, in stock,
active). Rebuilt only when the embeddings or the catalog change, checked cheaply (a count
and two max timestamps) at most every few seconds; never a full reload per query.

`VersionedCache` is shared with the helpdesk's FAQ index."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import re
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

import bm25s
import faiss
import numpy as np
from django.db.models import Count, Max

from inventory.models import Product

from .language import normalise
from .models import ProductEmbedding

VERSION_CHECK_SECONDS = 5.0

# bm25s sets its own logger to DEBUG on import ("Building index from tokens" per load),
# overriding the LOGGING setting; keep its warnings only.
logging.getLogger("bm25s").setLevel(logging.WARNING)

# One query is one thread's scan: the parallelism is the web/worker threads serving many
# customers. faiss's default OpenMP team for a single query spins on the other cores and
# measured 4x slower (40 ms vs 10 ms at 100k unfiltered) on a loaded 2-core machine.
faiss.omp_set_num_threads(1)

T = TypeVar("T")


@dataclass
class ProductMatrix:
    model_name: str
    ids: np.ndarray  # int64 product ids
    flat: faiss.IndexFlatIP  # owns the vectors; position i is product ids[i]
    price: np.ndarray  # float64
    category: np.ndarray  # int64
    parent_category: np.ndarray  # int64, -1 for none
    brand: np.ndarray  # int64, -1 for none
    in_stock: np.ndarray  # bool
    active: np.ndarray  # bool (activity is re-checked in the database for the final hits)
    lexical: LexicalIndex | None = None

    @property
    def vectors(self) -> np.ndarray:
        """(n, d) float32, L2-normalised: a view of the faiss index's storage, no copy."""
        n, d = self.flat.ntotal, self.flat.d
        if not n:
            return np.zeros((0, d), np.float32)
        return faiss.rev_swig_ptr(self.flat.get_xb(), n * d).reshape(n, d)

    def position(self, product_id: int) -> int | None:
        found = np.nonzero(self.ids == product_id)[0]
        return int(found[0]) if len(found) else None


_WORD = re.compile(r"(?u)\b\w\w+\b")


def lexical_tokens(text: str) -> list[str]:
    """Word tokens of the normalised text (`language.normalise`: case, Arabic letter
    forms, digits); SKUs like "PH-IP15-128" also give their parts, so a model number
    matches on its own."""
    return _WORD.findall(normalise(text))


class LexicalIndex:
    """BM25 over SKU, names and brand (both languages), plus exact SKU lookup: the leg
    that finds SKUs, model numbers and brand names an embedding blurs."""

    def __init__(
        self,
        skus: list[str],
        texts: list[str],
        tokenizer: Callable[[str], list[str]] = lexical_tokens,
    ) -> None:
        self.sku_positions = {sku.lower(): i for i, sku in enumerate(skus)}
        self.brand_words: frozenset[str] = frozenset()
        self._bm25 = bm25s.BM25()
        corpus = [tokenizer(text) or ["_"] for text in texts]
        if corpus:
            self._bm25.index(corpus, show_progress=False)
        self._size = len(corpus)

    def scores(
        self, tokens: list[str], k: int, mask: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """(position, BM25 score > 0) of the best matches for `tokens`, within `mask`."""
        vocab = getattr(self._bm25, "vocab_dict", None) or {}
        known = [t for t in tokens if t in vocab]
        if not known or not self._size:
            return []
        # get_scores is a sum of the tokens' precomputed postings; bm25s's retrieve() adds
        # a thread pool and a progress bar per call, 10x the cost at 100k documents.
        scores = self._bm25.get_scores(known)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        k = min(k, self._size)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.lexsort((top, -scores[top]))]  # best first, ties by position
        return [(int(p), float(scores[p])) for p in top if scores[p] > 0]

    def search(self, tokens: list[str], k: int, mask: np.ndarray | None = None) -> list[int]:
        """Positions of the best BM25 matches for `tokens`, best first."""
        return [position for position, _ in self.scores(tokens, k, mask)]


class VersionedCache(Generic[T]):
    """A value loaded per model name and reloaded only when `version_fn` changes, with
    the version itself checked at most every VERSION_CHECK_SECONDS."""

    def __init__(self, version_fn: Callable[[str], Hashable], load_fn: Callable[[str], T]) -> None:
        self._version_fn = version_fn
        self._load_fn = load_fn
        self._lock = threading.Lock()
        self._value: T | None = None
        self._version: Hashable | None = None
        self._checked = 0.0
        self._model: str | None = None

    def get(self, model_name: str) -> T:
        now = time.monotonic()
        value = self._value
        if (
            value is not None
            and self._model == model_name
            and now - self._checked < VERSION_CHECK_SECONDS
        ):
            return value
        with self._lock:
            version = self._version_fn(model_name)
            if self._value is None or version != self._version or self._model != model_name:
                self._value = self._load_fn(model_name)
                self._version, self._model = version, model_name
            self._checked = time.monotonic()
            return self._value

    def invalidate(self) -> None:
        with self._lock:
            self._value, self._version, self._checked = None, None, 0.0


def _product_version(model_name: str) -> tuple:
    emb = ProductEmbedding.objects.filter(model_name=model_name).aggregate(
        n=Count("pk"), t=Max("updated_at")
    )
    catalog = Product.objects.aggregate(n=Count("pk"), t=Max("updated_at"))
    return (emb["n"], emb["t"], catalog["n"], catalog["t"])


def vectors_from_bytes(blobs: list[bytes], dim: int | None = None) -> np.ndarray:
    """Stack float32 byte strings into one contiguous (n, dim) matrix in one copy."""
    if not blobs:
        return np.zeros((0, dim or 1), dtype=np.float32)
    joined = b"".join(bytes(blob) for blob in blobs)
    return np.frombuffer(joined, dtype=np.float32).reshape(len(blobs), -1).copy()


def product_matrix_load(model_name: str, chunk_size: int = 5000) -> ProductMatrix:
    """Stream the embeddings and filter columns into preallocated arrays and the vectors,
    a chunk at a time, into the faiss index (no per-row Python objects kept and no second
    copy of the vectors: at 100k products they alone are 200 MB)."""
    rows = ProductEmbedding.objects.filter(model_name=model_name).order_by("product_id")
    n = rows.count()
    dim = rows.values_list("dim", flat=True).first() or 1  # one model, one dimension
    flat = faiss.IndexFlatIP(dim)
    chunk = np.zeros((min(n, chunk_size), dim), np.float32)
    ids = np.zeros(n, np.int64)
    price = np.zeros(n, np.float64)
    category = np.zeros(n, np.int64)
    parent = np.full(n, -1, np.int64)
    brand = np.full(n, -1, np.int64)
    in_stock = np.zeros(n, bool)
    active = np.zeros(n, bool)
    skus: list[str] = []
    texts: list[str] = []
    brand_names: set[str] = set()
    columns = (
        "product_id",
        "vector",
        "product__price",
        "product__category_id",
        "product__category__parent_id",
        "product__brand_id",
        "product__stock",
        "product__active",
        "product__sku",
        "product__name_en",
        "product__name_ar",
        "product__brand__name_en",
        "product__brand__name_ar",
    )
    i = -1
    for i, row in enumerate(rows.values_list(*columns).iterator(chunk_size=chunk_size)):
        if i >= n:  # rows added while loading: the next version check reloads
            break
        ids[i] = row[0]
        chunk[i % chunk_size] = np.frombuffer(bytes(row[1]), dtype=np.float32)
        if i % chunk_size == chunk_size - 1:
            flat.add(chunk)
        price[i] = float(row[2])
        category[i] = row[3]
        if row[4] is not None:
            parent[i] = row[4]
        if row[5] is not None:
            brand[i] = row[5]
        in_stock[i] = row[6] > 0
        active[i] = row[7]
        skus.append(row[8])
        texts.append(" ".join(filter(None, row[8:13])))
        brand_names.update(name for name in row[11:13] if name)
    n = min(n, i + 1)
    if n % chunk_size:
        flat.add(chunk[: n % chunk_size])
    lexical = LexicalIndex(skus, texts)
    lexical.brand_words = frozenset(word for name in brand_names for word in lexical_tokens(name))
    del rows, skus, texts, chunk
    _release_free_memory()
    return ProductMatrix(
        model_name=model_name,
        ids=ids[:n],
        flat=flat,
        price=price[:n],
        category=category[:n],
        parent_category=parent[:n],
        brand=brand[:n],
        in_stock=in_stock[:n],
        active=active[:n],
        lexical=lexical,
    )


def _release_free_memory() -> None:
    """Hand the heap pages freed after a load (100k rows streamed through the ORM) back to
    the OS: glibc keeps them otherwise, ~170 MB of RSS at 100k products. No-op elsewhere."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return
    trim = getattr(ctypes.CDLL(libc_name), "malloc_trim", None)
    if trim is not None:
        trim(0)


products: VersionedCache[ProductMatrix] = VersionedCache(_product_version, product_matrix_load)


def index_invalidate() -> None:
    """Drop the cached product matrix (tests, or right after training in this process)."""
    products.invalidate()
