"""The lexical leg of search: BM25 over word tokens, and exact SKU lookup by hash. Shared
by the product index (SKU, names, brand) and the helpdesk's FAQ index (stemmed wordings)."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from pathlib import Path

import bm25s
import numpy as np

from .language import normalise

# bm25s sets its own logger to DEBUG on import ("Building index from tokens" per load),
# overriding the LOGGING setting; keep its warnings only.
logging.getLogger("bm25s").setLevel(logging.WARNING)

_WORD = re.compile(r"(?u)\b\w\w+\b")


def lexical_tokens(text: str) -> list[str]:
    """Word tokens of the normalised text (`language.normalise`: case, Arabic letter
    forms, digits); SKUs like "PH-IP15-128" also give their parts, so a model number
    matches on its own."""
    return _WORD.findall(normalise(text))


def text_key(text: str) -> int:
    """A 64-bit key for a word or SKU: a million of them are a sorted 8 MB array the
    processes of a machine share, not a dictionary of a hundred megabytes in each."""
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def sku_hash(sku: str) -> int:
    return text_key(sku.lower())


def _lookup(keys: np.ndarray, values: np.ndarray, key: int) -> int | None:
    at = int(np.searchsorted(keys, key))
    if at < len(keys) and keys[at] == key:
        return int(values[at])
    return None


class LexicalIndex:
    """BM25 over SKU, names and brand (both languages), plus exact SKU lookup: the leg
    that finds SKUs, model numbers and brand names an embedding blurs."""

    def __init__(
        self,
        skus: list[str],
        texts: list[str],
        tokenizer: Callable[[str], list[str]] = lexical_tokens,
        *,
        bm25: bm25s.BM25 | None = None,
        sku_keys: np.ndarray | None = None,
        sku_order: np.ndarray | None = None,
        vocab_keys: np.ndarray | None = None,
        vocab_ids: np.ndarray | None = None,
    ) -> None:
        self.brand_words: frozenset[str] = frozenset()
        if bm25 is None:
            bm25 = bm25s.BM25()
            corpus = [tokenizer(text) or ["_"] for text in texts]
            if corpus:
                bm25.index(corpus, show_progress=False)
            self._size = len(corpus)
        else:
            self._size = len(sku_keys) if sku_keys is not None else 0
        self._bm25 = bm25
        if sku_keys is None:
            keys = np.array([sku_hash(sku) for sku in skus], dtype=np.int64)
            sku_order = np.argsort(keys, kind="stable").astype(np.int64)
            sku_keys = keys[sku_order]
        self._sku_keys = sku_keys  # sorted hashes
        self._sku_order = sku_order  # position of each sorted hash
        # A loaded index maps words to BM25 token ids through sorted hashes (mapped, shared)
        # instead of bm25s's vocabulary dictionary (an entry per distinct word, per process).
        self._vocab_keys = vocab_keys
        self._vocab_ids = vocab_ids

    def __len__(self) -> int:
        return self._size

    def sku_position(self, word: str) -> int | None:
        """The position of the product whose SKU is `word` (any case), if any."""
        if not self._size:
            return None
        return _lookup(self._sku_keys, self._sku_order, sku_hash(word))

    def _token_ids(self, tokens: list[str]) -> list[int]:
        if self._vocab_keys is not None:
            found = (_lookup(self._vocab_keys, self._vocab_ids, text_key(t)) for t in tokens)
            return [i for i in found if i is not None]
        vocab = getattr(self._bm25, "vocab_dict", None) or {}
        return [vocab[t] for t in tokens if t in vocab]

    def scores(
        self, tokens: list[str], k: int, mask: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """(position, BM25 score > 0) of the best matches for `tokens`, within `mask`."""
        known = self._token_ids(tokens) if self._size else []
        if not known:
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

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self._size:
            self._bm25.save(str(directory / "bm25"), show_progress=False)
        vocab = getattr(self._bm25, "vocab_dict", None) or {}
        keys = np.array([text_key(word) for word in vocab], dtype=np.int64)
        ids = np.array(list(vocab.values()), dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        np.save(directory / "vocab_keys.npy", keys[order])
        np.save(directory / "vocab_ids.npy", ids[order])
        np.save(directory / "sku_keys.npy", self._sku_keys)
        np.save(directory / "sku_order.npy", self._sku_order)

    @classmethod
    def load(cls, directory: Path, size: int) -> LexicalIndex:
        """Memory-mapped: the machine's processes share the postings' pages."""
        keys = np.load(directory / "sku_keys.npy", mmap_mode="r")
        order = np.load(directory / "sku_order.npy", mmap_mode="r")
        if not size:
            return cls([], [], bm25=bm25s.BM25(), sku_keys=keys, sku_order=order)
        mapped = (directory / "vocab_keys.npy").exists()
        bm25 = bm25s.BM25.load(
            str(directory / "bm25"), mmap=True, load_vocab=not mapped, show_progress=False
        )
        return cls(
            [],
            [],
            bm25=bm25,
            sku_keys=keys,
            sku_order=order,
            vocab_keys=np.load(directory / "vocab_keys.npy", mmap_mode="r") if mapped else None,
            vocab_ids=np.load(directory / "vocab_ids.npy", mmap_mode="r") if mapped else None,
        )
