"""The per-process product index, kept current by deltas instead of reloads.

A process maps its machine's snapshot (`index_store`: the vectors, BM25 postings and SKU
hashes shared by the machine's processes) and copies the filter columns (price, category,
parent category, brand, in stock, active). Every DELTA_CHECK_SECONDS a search polls the
database for what changed since it last looked (products and embeddings by `updated_at`,
re-read over DELTA_MARGIN_SECONDS for commits that land late) and applies it:
- a changed price, stock, activity, category or brand is written into the columns in
  place (a price edit reaches search within a second, with no reload); a row whose
  category changed is also listed as moved, since category filters start from the
  snapshot's per-category groups;
- a new or re-encoded product's vector goes into a small in-memory overlay, its old row in
  the snapshot tombstoned (the overlay has its own flat index and BM25, searched with the
  snapshot's and merged).
A full rebuild happens only for a model change, when the overlay passes
RECOS_INDEX_REBUILD_SHARE of the snapshot, or when the safety net (every
SAFETY_CHECK_SECONDS: the count and id sum of the model's embeddings) finds the index
disagreeing with the database (a deleted product). It is built in a background thread
(one per machine: the others wait for its snapshot), loaded, caught up on deltas and then
swapped in by reference, so no query waits for it.

`VersionedCache` (reload when a cheap version changes) serves the smaller indexes: the
helpdesk's FAQ wordings and the categories' use-case profiles."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Generic, TypeVar

import faiss
import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from . import index_store
from .lexical import LexicalIndex, lexical_tokens
from .models import ProductEmbedding

__all__ = ["LexicalIndex", "lexical_tokens"]  # re-exported: the helpdesk's FAQ index

logger = logging.getLogger(__name__)

VERSION_CHECK_SECONDS = 5.0
DELTA_CHECK_SECONDS = 0.5
DELTA_MARGIN_SECONDS = 10.0
SAFETY_CHECK_SECONDS = 60.0
REBUILD_MIN_OVERLAY = 64  # below this many overlay rows a rebuild is never worth it

# One query is one thread's scan: the parallelism is the web/worker threads serving many
# customers. faiss's default OpenMP team for a single query spins on the other cores and
# measured 4x slower (40 ms vs 10 ms at 100k unfiltered) on a loaded 2-core machine.
faiss.omp_set_num_threads(1)

T = TypeVar("T")


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


def vectors_from_bytes(blobs: list[bytes], dim: int | None = None) -> np.ndarray:
    """Stack float32 byte strings into one contiguous (n, dim) matrix in one copy."""
    if not blobs:
        return np.zeros((0, dim or 1), dtype=np.float32)
    joined = b"".join(bytes(blob) for blob in blobs)
    return np.frombuffer(joined, dtype=np.float32).reshape(len(blobs), -1).copy()


# --- what a search reads ---------------------------------------------------------------------
@dataclass(frozen=True)
class Overlay:
    """Vectors added since the snapshot, immutable once published (a change makes a new
    one): position n_base + i is row i."""

    flat: faiss.IndexFlatIP
    lexical: LexicalIndex | None

    def __len__(self) -> int:
        return int(self.flat.ntotal)


class CombinedLexical:
    """The snapshot's lexical index and the overlay's, searched as one."""

    def __init__(self, base: LexicalIndex, overlay: LexicalIndex | None, n_base: int) -> None:
        self.base, self.overlay, self.n_base = base, overlay, n_base
        self.brand_words = base.brand_words | (overlay.brand_words if overlay else frozenset())

    def sku_position(self, word: str) -> int | None:
        if self.overlay is not None:
            position = self.overlay.sku_position(word)
            if position is not None:
                return self.n_base + position
        return self.base.sku_position(word)

    def scores(
        self, tokens: list[str], k: int, mask: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        n = self.n_base
        found = self.base.scores(tokens, k, None if mask is None else mask[:n])
        if self.overlay is not None and len(self.overlay):
            extra = self.overlay.scores(tokens, k, None if mask is None else mask[n:])
            found += [(n + p, s) for p, s in extra]
            found.sort(key=lambda item: (-item[1], item[0]))
        return found[:k]

    def search(self, tokens: list[str], k: int, mask: np.ndarray | None = None) -> list[int]:
        return [position for position, _ in self.scores(tokens, k, mask)]


@dataclass(frozen=True)
class ProductMatrix:
    """One consistent view of the index for a search: positions [0, n_base) are the
    snapshot's rows, the rest the overlay's. The columns are views of arrays updated in
    place, so a price change shows in views already handed out."""

    model_name: str
    ids: np.ndarray  # int64 product ids
    price: np.ndarray  # float64
    category: np.ndarray  # int64
    parent_category: np.ndarray  # int64, -1 for none
    brand: np.ndarray  # int64, -1 for none
    in_stock: np.ndarray  # bool
    active: np.ndarray  # bool (False for a tombstoned row; re-checked in the database)
    base: index_store.BaseDense
    overlay: Overlay
    lexical: CombinedLexical
    lookup: index_store.Lookup
    moved: np.ndarray  # snapshot positions whose category changed since, ascending
    _positions: Callable[[int], int | None] = field(repr=False)

    @property
    def n_base(self) -> int:
        return len(self.base)

    def position(self, product_id: int) -> int | None:
        position = self._positions(product_id)
        # A product added to the index after this view was taken is not in it.
        return position if position is not None and position < len(self.ids) else None

    def category_rows(self, category_id: int) -> list[np.ndarray | slice]:
        """The rows a filter on `category_id` (a category or a parent) may allow, as
        slices and position arrays that may overlap: in a snapshot grouped by category
        its range, the rows whose category changed since and the overlay's; otherwise
        every row (a scan of whole columns beats a gather of scattered rows). A superset:
        the caller checks the category columns on them."""
        group = self.lookup.group(category_id)
        if not isinstance(group, slice):
            return [slice(None)]
        extra = [self.moved] if len(self.moved) else []
        if len(self.ids) > self.n_base:
            extra.append(np.arange(self.n_base, len(self.ids)))
        return [group, *extra]

    def vector(self, position: int) -> np.ndarray:
        if position < self.n_base:
            return self.base.vector(position)
        return self.overlay.flat.reconstruct(position - self.n_base)

    def dense_search(
        self, vector: np.ndarray, limit: int, mask: np.ndarray
    ) -> list[tuple[int, float]]:
        """(position, cosine similarity) of the nearest rows within `mask`, best first."""
        n = self.n_base
        found = self.base.search(vector, limit, mask[:n])
        allowed = mask[n:]
        if len(self.overlay) and allowed.any():
            bitmap = np.packbits(allowed, bitorder="little")
            params = faiss.SearchParameters(
                sel=faiss.IDSelectorBitmap(len(allowed), faiss.swig_ptr(bitmap))
            )
            k = min(limit, int(np.count_nonzero(allowed)))
            similarities, positions = self.overlay.flat.search(vector[None, :], k, params=params)
            found += [
                (n + int(p), float(s))
                for p, s in zip(positions[0], similarities[0], strict=True)
                if p >= 0
            ]
            found.sort(key=lambda item: (-item[1], item[0]))
        return found[:limit]


# --- keeping it current ----------------------------------------------------------------------
class _Live:
    """The mutable index of one model in one process (changed only under the
    ProductIndex's lock; searches read the ProductMatrix it publishes)."""

    def __init__(self, snapshot: index_store.Snapshot) -> None:
        self.model_name = snapshot.model_name
        self.build_id = snapshot.build_id
        self.base = snapshot.dense
        self.base_lexical = snapshot.lexical
        self.lookup = snapshot.lookup
        self.moved: set[int] = set()  # snapshot positions whose category changed since
        n = self.n_base = snapshot.size
        # The snapshot's columns, mapped copy-on-write with room for the overlay: a price
        # change costs this process one private page, not a copy of every column.
        self.columns: dict[str, np.ndarray] = dict(snapshot.columns)
        self.size = n
        self.dead = np.zeros(n, bool)  # snapshot rows whose product has a newer vector
        dim = snapshot.dense.vectors.shape[1] if n else 1
        self.overlay_vectors = np.zeros((0, dim), np.float32)
        self.overlay_ids: dict[int, int] = {}  # product id -> overlay row
        self.overlay_rows: list[tuple] = []  # product rows (ROW_COLUMNS) of overlay rows
        self.overlay = Overlay(faiss.IndexFlatIP(dim), None)
        self.polled_from = snapshot.watermark
        self.applied_products: dict[int, datetime] = {}
        self.applied_vectors: dict[int, datetime] = {}
        self.matrix = self._publish()

    # positions
    def position(self, product_id: int) -> int | None:
        row = self.overlay_ids.get(product_id)
        if row is not None:
            return self.n_base + row
        return self._base_position(product_id)

    def _base_position(self, product_id: int) -> int | None:
        at = self.lookup.position(product_id)
        return at if at is not None and not self.dead[at] else None

    @property
    def base_ids(self) -> np.ndarray:
        """The snapshot rows' product ids, in row order."""
        return self.columns["ids"][: self.n_base]

    @property
    def overlay_share(self) -> float:
        return len(self.overlay_ids) / max(self.n_base, 1)

    def _publish(self) -> ProductMatrix:
        size = self.size
        return ProductMatrix(
            model_name=self.model_name,
            ids=self.columns["ids"][:size],
            price=self.columns["price"][:size],
            category=self.columns["category"][:size],
            parent_category=self.columns["parent_category"][:size],
            brand=self.columns["brand"][:size],
            in_stock=self.columns["in_stock"][:size],
            active=self.columns["active"][:size],
            base=self.base,
            overlay=self.overlay,
            lexical=CombinedLexical(self.base_lexical, self.overlay.lexical, self.n_base),
            lookup=self.lookup,
            moved=np.array(sorted(self.moved), np.int64),
            _positions=self.position,
        )

    # deltas
    def apply_deltas(self) -> bool:
        """Apply what changed in the database since the last poll; True if anything did."""
        started = timezone.now()
        since = self.polled_from - timedelta(seconds=DELTA_MARGIN_SECONDS)
        vector_rows = [
            (pid, at)
            for pid, at in ProductEmbedding.objects.filter(
                model_name=self.model_name, updated_at__gte=since
            ).values_list("product_id", "updated_at")
            if self.applied_vectors.get(pid) != at and not self._held(pid, "vector_at", at)
        ]
        products = {
            row[0]: row
            for row in index_store.product_rows(updated_at__gte=since)
            if self.applied_products.get(row[0]) != row[-1]
            and not self._held(row[0], "product_at", row[-1])
        }
        vectors: dict[int, tuple[bytes, datetime]] = {}
        if vector_rows:
            wanted = [pid for pid, _ in vector_rows]
            vectors = {
                pid: (blob, at)
                for pid, blob, at in ProductEmbedding.objects.filter(
                    model_name=self.model_name, product_id__in=wanted
                ).values_list("product_id", "vector", "updated_at")
            }
            missing = [pid for pid in vectors if pid not in products]
            for row in index_store.product_rows(pk__in=missing) if missing else []:
                products[row[0]] = row
        changed = bool(vectors or products)
        if vectors:
            self._vectors_replace(
                {pid: np.frombuffer(bytes(blob), np.float32) for pid, (blob, _) in vectors.items()},
                products,
            )
        for pid, row in products.items():
            position = self.position(pid)
            if position is not None:
                self._columns_set(position, row)
        self.applied_vectors.update({pid: at for pid, (_, at) in vectors.items()})
        self.applied_products.update({pid: row[-1] for pid, row in products.items()})
        self.polled_from = started
        horizon = started - timedelta(seconds=DELTA_MARGIN_SECONDS)
        for applied in (self.applied_vectors, self.applied_products):
            for pid in [pid for pid, at in applied.items() if at < horizon]:
                del applied[pid]
        if changed:
            self.matrix = self._publish()
        return changed

    def _held(self, product_id: int, column: str, at: datetime) -> bool:
        """Whether the snapshot's row of the product is this version already (the rows a
        poll re-reads from the margin before the snapshot's watermark)."""
        position = self._base_position(product_id)
        return position is not None and self.columns[column][position] == index_store.micros(at)

    def _columns_set(self, position: int, row: tuple) -> None:
        """Write a product row (index_store.PRODUCT_COLUMNS) into the columns in place."""
        before = (self.columns["category"][position], self.columns["parent_category"][position])
        index_store._columns_set(self.columns, position, row)
        after = (self.columns["category"][position], self.columns["parent_category"][position])
        if position < self.n_base and after != before:
            self.moved.add(position)  # out of its snapshot category group
        self.columns["product_at"][position] = index_store.micros(row[-1])
        if position < self.n_base and self.dead[position]:
            self.columns["active"][position] = False

    def _vectors_replace(self, vectors: dict[int, np.ndarray], products: dict[int, tuple]) -> None:
        """New or re-encoded products: their vectors go into a new overlay (the snapshot's
        row, if any, is tombstoned) and their columns are appended."""
        for pid in list(vectors):
            at = self._base_position(pid)
            # Re-read from the margin, or re-encoded to the same vector: nothing to do.
            if (
                at is not None
                and pid not in self.overlay_ids
                and np.array_equal(self.base.vector(at), vectors[pid])
            ):
                del vectors[pid]
        if not vectors:
            return
        added = [pid for pid in vectors if pid not in self.overlay_ids]
        for pid in added:
            at = self._base_position(pid)
            if at is not None:
                self.dead[at] = True
                self.columns["active"][at] = False
        if self.size + len(added) > len(self.columns["ids"]):
            capacity = int((self.size + len(added)) * 1.5) + 256
            for name, array in self.columns.items():
                grown = np.zeros(capacity, array.dtype)
                grown[: self.size] = array[: self.size]
                self.columns[name] = grown
        dim = len(next(iter(vectors.values())))
        stacked = np.zeros((len(self.overlay_ids) + len(added), dim), np.float32)
        stacked[: len(self.overlay_vectors)] = self.overlay_vectors
        rows = list(self.overlay_rows)
        for pid in added:
            self.overlay_ids[pid] = len(rows)
            rows.append(products[pid][:12] if pid in products else (pid,) + (None,) * 11)
        for pid, vector in vectors.items():
            stacked[self.overlay_ids[pid]] = vector
            if pid in products:
                rows[self.overlay_ids[pid]] = products[pid][:12]
        for pid in added:
            position = self.n_base + self.overlay_ids[pid]
            self.columns["ids"][position] = pid
            self.size = max(self.size, position + 1)
        flat = faiss.IndexFlatIP(dim)
        flat.add(stacked)
        lexical = LexicalIndex([r[7] or "" for r in rows], [index_store.row_text(r) for r in rows])
        lexical.brand_words = frozenset(
            w for r in rows for name in r[10:12] if name for w in lexical_tokens(name)
        )
        self.overlay_vectors, self.overlay_rows = stacked, rows
        self.overlay = Overlay(flat, lexical)

    def agrees_with_database(self) -> bool:
        """The safety net: the model's embeddings in the database are the ones indexed
        (count and id sum; a deleted product changes both)."""
        stored = ProductEmbedding.objects.filter(model_name=self.model_name).aggregate(
            n=Count("pk"), total=Sum("product_id")
        )
        live = np.concatenate([self.base_ids[~self.dead], np.fromiter(self.overlay_ids, np.int64)])
        return stored["n"] == len(live) and (stored["total"] or 0) == int(live.sum())


class ProductIndex:
    """The process's product index (one model at a time): `get` returns the current
    ProductMatrix, polling for deltas at most every DELTA_CHECK_SECONDS (a search that
    finds another thread polling does not wait for it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live: _Live | None = None
        self._polled = 0.0
        self._safety_checked = 0.0
        self._rebuilding: threading.Thread | None = None
        self._ready: _Live | None = None  # a rebuilt index waiting to be swapped in

    def get(self, model_name: str) -> ProductMatrix:
        live = self._live
        if live is not None and live.model_name == model_name:
            if time.monotonic() - self._polled < DELTA_CHECK_SECONDS:
                return live.matrix
            if not self._lock.acquire(blocking=False):
                return live.matrix
            try:
                self._poll(model_name)
            finally:
                self._lock.release()
            return self._live.matrix
        with self._lock:  # first use, or a model change: the only load a search waits for
            if self._live is None or self._live.model_name != model_name:
                self._live = self._load(model_name)
                self._polled = self._safety_checked = time.monotonic()
            return self._live.matrix

    def _load(self, model_name: str) -> _Live:
        snapshot = index_store.snapshot_load(model_name)
        if snapshot is None:
            index_store.snapshot_build(model_name, if_missing=True)
            snapshot = index_store.snapshot_load(model_name)
        if snapshot is None:  # the current one is unreadable
            index_store.snapshot_build(model_name)
            snapshot = index_store.snapshot_load(model_name)
        live = _Live(snapshot)
        live.apply_deltas()
        if not live.agrees_with_database():
            index_store.snapshot_build(model_name, unless_newer_than=timezone.now())
            live = _Live(index_store.snapshot_load(model_name))
            live.apply_deltas()
        return live

    def _poll(self, model_name: str) -> None:
        self._polled = time.monotonic()
        if self._ready is not None and self._ready.model_name == model_name:
            self._live, self._ready = self._ready, None
        live = self._live
        current = index_store.current_build(model_name)
        rebuild = False
        if current is not None and current != live.build_id:
            rebuild = True  # another process (or the training task) wrote a newer snapshot
        live.apply_deltas()
        if (
            live.overlay_share > settings.RECOS_INDEX_REBUILD_SHARE
            and len(live.overlay_ids) > REBUILD_MIN_OVERLAY
        ):
            rebuild = True
        if time.monotonic() - self._safety_checked >= SAFETY_CHECK_SECONDS:
            self._safety_checked = time.monotonic()
            rebuild = rebuild or not live.agrees_with_database()
        if rebuild:
            self._rebuild(model_name, fresh=current is not None and current != live.build_id)

    def _rebuild(self, model_name: str, *, fresh: bool) -> None:
        """Build (or, with `fresh`, only load) a snapshot and catch it up: in a background
        thread when RECOS_INDEX_BACKGROUND (searches go on with the current index and the
        next poll swaps the new one in), else here."""

        def work() -> _Live:
            if not fresh:
                index_store.snapshot_build(model_name, unless_newer_than=timezone.now())
            live = _Live(index_store.snapshot_load(model_name))
            live.apply_deltas()
            return live

        if not settings.RECOS_INDEX_BACKGROUND:
            self._live = work()
            return
        if self._rebuilding is not None and self._rebuilding.is_alive():
            return

        def run() -> None:
            try:
                self._ready = work()
            except Exception:
                logger.exception("product index rebuild failed; the current index stays")
            finally:
                connection.close()

        self._rebuilding = threading.Thread(target=run, name="product-index-rebuild", daemon=True)
        self._rebuilding.start()

    def invalidate(self) -> None:
        with self._lock:
            self._live = self._ready = None
            self._polled = 0.0


def _release_free_memory() -> None:
    """Hand the heap pages freed after a load back to the OS: glibc keeps them otherwise.
    No-op elsewhere."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return
    trim = getattr(ctypes.CDLL(libc_name), "malloc_trim", None)
    if trim is not None:
        trim(0)


products = ProductIndex()


def index_rebuild(model_name: str, *, threads: int = 1) -> str:
    """Write a new snapshot of the model (after training); every process of the machine
    swaps it in on its next poll. Returns the build id."""
    build_id = index_store.snapshot_build(model_name, threads=threads)
    _release_free_memory()
    return build_id


def index_invalidate() -> None:
    """Drop this process's index and forget the machine's snapshots (tests, a fresh
    database): the next search builds from the database."""
    products.invalidate()
    index_store.snapshots_forget()
