"""The product index on disk: one snapshot per machine and embedding model, written by
whoever builds it (the training command and task, or the first process of a machine that
finds none) and memory-mapped by every process of the machine, so they share its pages.

A snapshot is a directory `RECOS_INDEX_DIR/products/<database>/<model>/<build id>/` (the
database's engine, host, port and name: two databases on one machine keep apart):
- `dense.faiss`: exact (a flat inner-product index) or, from RECOS_ANN_MIN_PRODUCTS
  products, approximate (IVF with 8-bit scalar quantisation) whose best candidates are
  re-ranked exactly against `vectors.npy` (float32, memory-mapped, read row by row);
- rows in product id order, or for an approximate snapshot grouped by category (top
  category, category, id), so a category's rows are one contiguous range: a category
  filter then checks a slice of the columns, not a gather from every row;
- `columns/*.npy`: product ids, the filter columns and each row's versions, with room
  after the rows for the overlay; mapped copy-on-write (a process's changes are its own,
  and only the pages it changes cost it memory);
- `lookup/`: each category's positions (its products' and its subcategories'), and the
  product ids sorted with their positions (a product's row by binary search);
- `lexical/`: BM25 postings and the SKU hashes, memory-mapped;
- `meta.json`: model, size, kind and the watermark: the time the rows were read from, so a
  process replays the changes made since (`recos.index`).
`CURRENT` names the build in use, replaced atomically; a build holds `.lock` (flock), so
the processes of a machine build one snapshot at a time, and one that waited for another's
build uses it instead of building again. Old builds are removed (a process still mapping
one keeps its pages until it lets go)."""

from __future__ import annotations

import fcntl
import json
import logging
import math
import os
import re
import shutil
import time
import uuid
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import faiss
import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models.functions import Coalesce
from django.utils import timezone

from inventory.models import Product

from .lexical import LexicalIndex, lexical_tokens
from .models import ProductEmbedding

logger = logging.getLogger(__name__)

# 2: columns as mapped .npy files, vocabulary as hashes; 3: the `lookup/` files, and an
# approximate snapshot's rows grouped by category
FORMAT = 3
COLUMNS = (
    "ids",
    "price",
    "category",
    "parent_category",
    "brand",
    "in_stock",
    "active",
    # updated_at of the row's embedding and product (microseconds since the epoch): a
    # process catching up on a snapshot skips the changes it already holds.
    "vector_at",
    "product_at",
)
KEEP_BUILDS = 2
ROW_COLUMNS = (
    "product_id",
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


def row_text(row: tuple) -> str:
    """What the lexical leg indexes of a product row (ROW_COLUMNS[7:]): SKU, names, brand."""
    return " ".join(filter(None, row[7:12]))


class BaseDense:
    """The snapshot's vectors, searched within a bitmap of allowed positions. Exact: a
    flat scan that skips the rows outside the bitmap. Approximate: IVF lists probed more
    widely the fewer rows a filter allows, then the best candidates re-ranked by exact
    inner product."""

    def __init__(self, dense: faiss.Index, vectors: np.ndarray) -> None:
        self.index = dense
        self.vectors = vectors  # (n, d) float32, memory-mapped (bulk reads: bench, tests)
        self._rows = _RowReader(vectors) if isinstance(vectors, np.memmap) else None
        self.ivf = (
            faiss.try_extract_index_ivf(dense) if not isinstance(dense, faiss.IndexFlat) else None
        )
        if self.ivf is not None:
            lists = faiss.downcast_InvertedLists(self.ivf.invlists)
            if isinstance(lists, faiss.OnDiskInvertedLists):
                # Mapped lists are in the page cache already; faiss's default starts 32
                # prefetch threads per search to touch them, which doubled a 1M-row
                # query's time (2.4 vs 1.3 ms unfiltered, 5.8 vs 1.5 ms filtered).
                lists.prefetch_nthread = 0
        self.nprobe = settings.RECOS_ANN_NPROBE
        self.rerank = settings.RECOS_ANN_RERANK

    @property
    def kind(self) -> str:
        return "ivf-sq8" if self.ivf is not None else "flat"

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def search(self, vector: np.ndarray, limit: int, mask: np.ndarray) -> list[tuple[int, float]]:
        """(position, cosine similarity) of the nearest allowed rows, best first."""
        n = len(self)
        allowed = int(np.count_nonzero(mask)) if n else 0
        if not allowed:
            return []
        selector = None
        if allowed < n:
            bitmap = np.packbits(mask, bitorder="little")
            selector = faiss.IDSelectorBitmap(n, faiss.swig_ptr(bitmap))
        if self.ivf is None:
            params = faiss.SearchParameters(sel=selector) if selector is not None else None
            similarities, positions = self.index.search(
                vector[None, :], min(limit, allowed), params=params
            )
            return [
                (int(p), float(s))
                for p, s in zip(positions[0], similarities[0], strict=True)
                if p >= 0
            ]
        # A filter that allows few rows leaves few of them in the nearest lists: probe
        # more lists, by the square root of the rows it rules out (all lists at once would
        # cost a full scan; the nearest lists hold most of the relevant allowed rows).
        nlist = self.ivf.nlist
        nprobe = min(nlist, max(self.nprobe, math.ceil(self.nprobe * math.sqrt(n / allowed))))
        params = faiss.SearchParametersIVF(sel=selector, nprobe=nprobe)
        candidates = min(allowed, max(limit, self.rerank))
        _, positions = self.index.search(vector[None, :], candidates, params=params)
        found = positions[0][positions[0] >= 0]
        if not len(found):
            return []
        found = np.sort(found)  # the re-rank reads the rows in file order
        exact = self._read(found) @ vector
        best = np.argsort(-exact, kind="stable")[:limit]
        return [(int(found[i]), float(exact[i])) for i in best]

    def vector(self, position: int) -> np.ndarray:
        return self._read(np.array([position]))[0]

    def _read(self, positions: np.ndarray) -> np.ndarray:
        if self._rows is None:
            return np.asarray(self.vectors[positions], dtype=np.float32)
        return self._rows.read(positions)


class _RowReader:
    """Rows of a float32 .npy file read with pread, not through its memory map: a page
    fault on a map also maps the cached pages around it (fault-around, 64 KB), so re-ranking
    a hundred 2 KB rows a query would grow every process's resident set towards the whole
    2 GB file at 1M products. Read this way the rows come from the page cache, which the
    kernel shares and reclaims, and no process holds them."""

    def __init__(self, vectors: np.memmap) -> None:
        self._fd = os.open(vectors.filename, os.O_RDONLY)
        self._offset = vectors.offset
        self._row_bytes = vectors.shape[1] * 4
        self._dim = vectors.shape[1]
        os.posix_fadvise(self._fd, 0, 0, os.POSIX_FADV_RANDOM)

    def read(self, positions: np.ndarray) -> np.ndarray:
        size = self._row_bytes
        chunks = [os.pread(self._fd, size, self._offset + int(p) * size) for p in positions]
        return np.frombuffer(b"".join(chunks), np.float32).reshape(len(positions), self._dim)

    def __del__(self) -> None:
        with suppress(OSError):
            os.close(self._fd)


class Lookup:
    """A snapshot's positions by category and by product id, built with it and mapped.
    A category's group holds the rows whose category or parent category it is (what a
    category filter allows), ascending; rows whose category changed since, and the
    overlay's, are the index's to add (`recos.index.ProductMatrix.category_rows`)."""

    NAMES = ("keys", "starts", "positions", "ids", "id_positions")

    def __init__(
        self,
        keys: np.ndarray,
        starts: np.ndarray,
        positions: np.ndarray,
        ids: np.ndarray,
        id_positions: np.ndarray,
    ) -> None:
        self.keys = keys  # category ids, ascending
        self.starts = starts  # group i is positions[starts[i]:starts[i + 1]]
        self.positions = positions
        self.ids = ids  # the rows' product ids, ascending
        self.id_positions = id_positions  # the row of each

    def position(self, product_id: int) -> int | None:
        """The snapshot row of a product, if it has one."""
        at = int(np.searchsorted(self.ids, product_id))
        if at < len(self.ids) and self.ids[at] == product_id:
            return int(self.id_positions[at])
        return None

    @classmethod
    def build(cls, columns: dict[str, np.ndarray], n: int) -> Lookup:
        category, parent_category = columns["category"][:n], columns["parent_category"][:n]
        rows = np.arange(n, dtype=np.int64)
        has_parent = parent_category >= 0
        keys = np.concatenate([category, parent_category[has_parent]])
        positions = np.concatenate([rows, rows[has_parent]])
        order = np.lexsort((positions, keys))
        keys, positions = keys[order], positions[order]
        unique, starts = np.unique(keys, return_index=True)
        by_id = np.argsort(columns["ids"][:n], kind="stable")
        return cls(
            unique,
            np.append(starts, len(keys)).astype(np.int64),
            positions,
            np.ascontiguousarray(columns["ids"][:n][by_id]),
            by_id.astype(np.int64),
        )

    def group(self, category_id: int) -> np.ndarray | slice:
        """The category's rows in the snapshot: a slice when they are contiguous (a
        snapshot grouped by category), else their positions, ascending."""
        at = int(np.searchsorted(self.keys, category_id))
        if at >= len(self.keys) or self.keys[at] != category_id:
            return slice(0, 0)
        group = self.positions[int(self.starts[at]) : int(self.starts[at + 1])]
        first, last = int(group[0]), int(group[-1])
        return slice(first, last + 1) if last - first + 1 == len(group) else group

    def save(self, directory: Path) -> None:
        directory.mkdir()
        for name in self.NAMES:
            np.save(directory / f"{name}.npy", getattr(self, name))

    @classmethod
    def load(cls, directory: Path) -> Lookup:
        return cls(*(np.load(directory / f"{name}.npy", mmap_mode="r") for name in cls.NAMES))


def category_order(columns: dict[str, np.ndarray]) -> np.ndarray:
    """The row order of an approximate snapshot: by top category (the parent, or the
    category itself), then category, then product id."""
    parent, category = columns["parent_category"], columns["category"]
    top = np.where(parent >= 0, parent, category)
    return np.lexsort((columns["ids"], category, top))


@dataclass
class Snapshot:
    build_id: str
    model_name: str
    watermark: datetime
    size: int  # rows; the columns may be longer (room for the overlay)
    columns: dict[str, np.ndarray]
    dense: BaseDense
    lexical: LexicalIndex
    lookup: Lookup


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "_"


def _database_dir() -> Path:
    """The snapshots of this process's database: two databases on one machine (a demo
    and an eval database, staging beside production) never load each other's."""
    db = connection.settings_dict
    where = f"{db['ENGINE'].rsplit('.', 1)[-1]}-{db.get('HOST') or 'local'}-{db.get('PORT') or ''}"
    return Path(settings.RECOS_INDEX_DIR) / "products" / _slug(f"{where}-{db['NAME']}")


def _model_dir(model_name: str) -> Path:
    return _database_dir() / _slug(model_name)


@contextmanager
def _build_lock(directory: Path):
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def current_build(model_name: str) -> str | None:
    """The build id CURRENT names for the model, if any (one small read: polled often)."""
    try:
        return (_model_dir(model_name) / "CURRENT").read_text().strip() or None
    except FileNotFoundError:
        return None


def _meta(directory: Path) -> dict | None:
    try:
        meta = json.loads((directory / "meta.json").read_text())
    except (FileNotFoundError, ValueError):
        return None
    return meta if meta.get("format") == FORMAT else None


def snapshot_load(model_name: str) -> Snapshot | None:
    """The current snapshot of the model, memory-mapped; None when there is none (or it
    is unreadable: the caller builds one)."""
    build_id = current_build(model_name)
    if build_id is None:
        return None
    directory = _model_dir(model_name) / build_id
    meta = _meta(directory)
    if meta is None or meta["model"] != model_name:
        return None
    try:
        flags = faiss.IO_FLAG_MMAP_IFC if meta["kind"] == "flat" else faiss.IO_FLAG_MMAP
        dense = faiss.read_index(str(directory / "dense.faiss"), flags | faiss.IO_FLAG_READ_ONLY)
        vectors = np.load(directory / "vectors.npy", mmap_mode="r")
        columns = {
            name: np.load(directory / "columns" / f"{name}.npy", mmap_mode="c") for name in COLUMNS
        }
        lexical = LexicalIndex.load(directory / "lexical", meta["size"])
        lookup = Lookup.load(directory / "lookup")
    except (FileNotFoundError, RuntimeError, ValueError, KeyError):
        logger.exception("product index snapshot %s is unreadable; rebuilding", directory)
        return None
    lexical.brand_words = frozenset(meta["brand_words"])
    return Snapshot(
        build_id=build_id,
        model_name=model_name,
        watermark=datetime.fromisoformat(meta["watermark"]),
        size=meta["size"],
        columns=columns,
        dense=BaseDense(dense, vectors),
        lexical=lexical,
        lookup=lookup,
    )


def snapshot_build(
    model_name: str,
    *,
    unless_newer_than: datetime | None = None,
    if_missing: bool = False,
    threads: int = 1,
) -> str:
    """Build the model's snapshot from the database and make it CURRENT; returns its id.
    With `unless_newer_than`, a snapshot whose watermark is at least that recent (built
    by another process while this one waited for the lock) is used instead; with
    `if_missing`, any current snapshot is (the processes of a machine starting together
    build one, not one each: catching up on deltas does the rest)."""
    model_dir = _model_dir(model_name)
    with _build_lock(model_dir):
        if if_missing:
            build_id = current_build(model_name)
            if build_id and _meta(model_dir / build_id):
                return build_id
        if unless_newer_than is not None:
            build_id = current_build(model_name)
            meta = _meta(model_dir / build_id) if build_id else None
            if meta and datetime.fromisoformat(meta["watermark"]) >= unless_newer_than:
                return build_id
        started = time.perf_counter()
        directory = build_directory(model_name)
        meta = _write(model_name, directory, threads=threads)
        build_id = make_current(directory)
        logger.info(
            "product index %s: %d products (%s) in %.1fs",
            build_id,
            meta["size"],
            meta["kind"],
            time.perf_counter() - started,
        )
        return build_id


def _write(model_name: str, directory: Path, *, threads: int, chunk_size: int = 5000) -> dict:
    """Stream the embeddings and filter columns into the snapshot's files, a chunk at a
    time (no per-row Python objects kept beyond the lexical texts)."""
    watermark = timezone.now()
    rows = ProductEmbedding.objects.filter(model_name=model_name)
    counted = rows.count()
    if counted >= settings.RECOS_ANN_MIN_PRODUCTS:  # approximate: grouped by category
        top = Coalesce("product__category__parent_id", "product__category_id")
        rows = rows.order_by(top, "product__category_id", "product_id")
    else:
        rows = rows.order_by("product_id")
    dim = rows.values_list("dim", flat=True).first() or 1  # one model, one dimension
    vectors = np.lib.format.open_memmap(
        directory / "vectors.npy", mode="w+", dtype=np.float32, shape=(counted, dim)
    )
    columns = columns_empty(counted)
    skus: list[str] = []
    texts: list[str] = []
    brand_names: set[str] = set()
    n = 0
    values = rows.values_list("vector", "updated_at", "product__updated_at", *ROW_COLUMNS)
    for n, row in enumerate(values.iterator(chunk_size=chunk_size), start=1):
        if n > counted:  # rows added while streaming: the deltas bring them
            n = counted
            break
        i = n - 1
        vectors[i] = np.frombuffer(bytes(row[0]), dtype=np.float32)
        columns["vector_at"][i] = micros(row[1])
        columns["product_at"][i] = micros(row[2])
        product = row[3:]
        _columns_set(columns, i, product)
        skus.append(product[7])
        texts.append(row_text(product))
        brand_names.update(name for name in product[10:12] if name)
    if n < counted:  # rows deleted while streaming
        np.save(directory / "vectors.tmp.npy", np.array(vectors[:n]))
        del vectors
        os.replace(directory / "vectors.tmp.npy", directory / "vectors.npy")
        vectors = np.load(directory / "vectors.npy", mmap_mode="r")
        columns = {name: array[:n] for name, array in columns.items()}
    else:
        vectors.flush()
    return files_write(
        directory,
        model_name=model_name,
        watermark=watermark,
        vectors=vectors,
        columns=columns,
        skus=skus,
        texts=texts,
        brand_names=brand_names,
        threads=threads,
    )


def columns_empty(n: int) -> dict[str, np.ndarray]:
    return {
        "ids": np.zeros(n, np.int64),
        "price": np.zeros(n, np.float64),
        "category": np.zeros(n, np.int64),
        "parent_category": np.full(n, -1, np.int64),
        "brand": np.full(n, -1, np.int64),
        "in_stock": np.zeros(n, bool),
        "active": np.zeros(n, bool),
        "vector_at": np.zeros(n, np.int64),
        "product_at": np.zeros(n, np.int64),
    }


def micros(at: datetime) -> int:
    """A stored `updated_at` as an integer (exact: the databases keep microseconds)."""
    return round(at.timestamp() * 1_000_000)


def files_write(
    directory: Path,
    *,
    model_name: str,
    watermark: datetime,
    vectors: np.ndarray,
    columns: dict[str, np.ndarray],
    skus: list[str],
    texts: list[str],
    brand_names: set[str],
    threads: int = 1,
) -> dict:
    """Write a snapshot's files into `directory` (which holds `vectors.npy` already, the
    float32 rows in the order of the columns: by product id, or by `category_order` for
    an approximate snapshot)."""
    n = len(columns["ids"])
    dense = _dense_build(vectors, vectors.shape[1], threads=threads)
    faiss.write_index(dense, str(directory / "dense.faiss"))
    del dense
    # Room for the overlay: a process's overlay is folded into a new snapshot when it
    # passes RECOS_INDEX_REBUILD_SHARE, so it rarely outgrows this.
    room = max(1024, math.ceil(2 * settings.RECOS_INDEX_REBUILD_SHARE * n))
    (directory / "columns").mkdir()
    for name, array in columns.items():
        stored = np.lib.format.open_memmap(
            directory / "columns" / f"{name}.npy", mode="w+", dtype=array.dtype, shape=(n + room,)
        )
        stored[:n] = array[:n]
        stored.flush()
        del stored
    lexical = LexicalIndex(skus, texts)
    lexical.save(directory / "lexical")
    Lookup.build(columns, n).save(directory / "lookup")
    meta = {
        "format": FORMAT,
        "model": model_name,
        "dim": int(vectors.shape[1]),
        "size": n,
        "kind": "ivf-sq8" if n >= settings.RECOS_ANN_MIN_PRODUCTS else "flat",
        "watermark": watermark.isoformat(),
        "brand_words": sorted({w for name in brand_names for w in lexical_tokens(name)}),
    }
    (directory / "meta.json").write_text(json.dumps(meta))
    return meta


def build_directory(model_name: str) -> Path:
    """A new, empty build directory for the model (not CURRENT until `make_current`)."""
    build_id = f"{timezone.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    directory = _model_dir(model_name) / build_id
    directory.mkdir(parents=True)
    return directory


def make_current(directory: Path) -> str:
    """Point CURRENT at a written build (atomically) and remove older builds."""
    model_dir, build_id = directory.parent, directory.name
    pointer = model_dir / f"CURRENT.{build_id}"
    pointer.write_text(build_id)
    os.replace(pointer, model_dir / "CURRENT")
    _prune(model_dir, keep=build_id)
    return build_id


def _columns_set(columns: dict[str, np.ndarray], i: int, product: tuple) -> None:
    """Write one product row (ROW_COLUMNS order) into position `i` of the columns."""
    columns["ids"][i] = product[0]
    columns["price"][i] = float(product[1])
    columns["category"][i] = product[2]
    columns["parent_category"][i] = -1 if product[3] is None else product[3]
    columns["brand"][i] = -1 if product[4] is None else product[4]
    columns["in_stock"][i] = product[5] > 0
    columns["active"][i] = product[6]


def _dense_build(vectors: np.ndarray, dim: int, *, threads: int) -> faiss.Index:
    n = len(vectors)
    previous = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(threads)
    try:
        if n < settings.RECOS_ANN_MIN_PRODUCTS:
            dense = faiss.IndexFlatIP(dim)
        else:
            # k-means wants ~40 training points a list; a small catalog gets fewer lists.
            nlist = settings.RECOS_ANN_NLIST or int(math.sqrt(n))
            nlist = max(1, min(nlist, n // 40))
            dense = faiss.IndexIVFScalarQuantizer(
                faiss.IndexFlatIP(dim),
                dim,
                nlist,
                faiss.ScalarQuantizer.QT_8bit,
                faiss.METRIC_INNER_PRODUCT,
            )
            sample = np.random.default_rng(0).choice(n, min(n, 40 * nlist), replace=False)
            dense.train(np.ascontiguousarray(vectors[np.sort(sample)]))
        for start in range(0, n, 50_000):
            dense.add(np.ascontiguousarray(vectors[start : start + 50_000]))
        return dense
    finally:
        faiss.omp_set_num_threads(previous)


def _prune(model_dir: Path, *, keep: str) -> None:
    builds = sorted((p for p in model_dir.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in builds[:-KEEP_BUILDS]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)


def snapshots_forget() -> None:
    """Forget every model's CURRENT snapshot (tests; a fresh database): the next load
    builds from the database."""
    root = _database_dir()
    if root.exists():
        for pointer in root.glob("*/CURRENT"):
            pointer.unlink(missing_ok=True)


PRODUCT_COLUMNS = ("pk", *(c.removeprefix("product__") for c in ROW_COLUMNS[1:]), "updated_at")


def product_rows(**lookup: object) -> list[tuple]:
    """Products' ROW_COLUMNS (read from the product itself) and `updated_at`: the rows the
    deltas apply."""
    return list(Product.objects.filter(**lookup).values_list(*PRODUCT_COLUMNS))
