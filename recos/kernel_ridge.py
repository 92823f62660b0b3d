"""A text classifier for short customer messages: kernel ridge regression over labelled
example texts with two kernels added, the cosine of their sentence embeddings and the
cosine of TF-IDF character 2-4-grams of the normalised text (robust to typos, clitics such
as بالسلة and spelling variants the encoder has never seen).

It is solved once in the dual and kept in its primal form, so scoring a text costs one
sentence encoding (the caller's) and a few dot products. Each class is scored by all its
examples together, not by the single closest one: a paraphrase far from every one of them
still lands where most of them point. The intent classifier (`intent_classifier`) and the
FAQ matcher (`helpdesk`) both use it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from .language import normalise

RIDGE = 1.0  # regularisation (chosen by cross-validation on the intent examples)

_PUNCTUATION = re.compile(r"[^\w\s]")


def char_grams(text: str) -> Counter[str]:
    """Character 2-4-grams of each normalised word (padded with spaces) and the words."""
    plain = _PUNCTUATION.sub(" ", normalise(text))
    grams: Counter[str] = Counter()
    for word in plain.split():
        padded = f" {word} "
        for size in (2, 3, 4):
            grams.update(padded[i : i + size] for i in range(max(1, len(padded) - size + 1)))
        grams[f"w:{word}"] += 1
    return grams


def _tfidf(
    grams: Counter[str], gram_rows: dict[str, int], idf: np.ndarray
) -> tuple[list[int], np.ndarray]:
    """The L2-normalised TF-IDF weights of the known grams, as (rows, values)."""
    known = [g for g in grams if g in gram_rows]
    rows = [gram_rows[g] for g in known]
    counts = np.array([grams[g] for g in known], dtype=np.float32)
    values = (1.0 + np.log(counts)) * idf[rows] if rows else counts
    return rows, values / (float(np.linalg.norm(values)) or 1.0)


@dataclass(frozen=True)
class KernelRidge:
    """The solution in primal form: one weight row per embedding dimension and per known
    character gram, one column per class (`classes`)."""

    classes: list[Hashable]
    embedding_weights: np.ndarray
    gram_rows: dict[str, int]
    gram_idf: np.ndarray
    gram_weights: np.ndarray
    bias: np.ndarray

    def scores(self, vector: np.ndarray, text: str) -> np.ndarray:
        """A score per class (about 1 for a class's own examples, about 0 for others) of
        `text`, whose embedding is `vector`."""
        scores = self.bias + vector @ self.embedding_weights
        rows, values = _tfidf(char_grams(text), self.gram_rows, self.gram_idf)
        if rows:
            scores = scores + values @ self.gram_weights[rows]
        return scores


def kernel_ridge_fit(
    vectors: np.ndarray, texts: Sequence[str], labels: Sequence[Hashable], *, ridge: float = RIDGE
) -> KernelRidge:
    """Kernel ridge regression (one-hot targets, centred) of `labels` on the examples
    (`texts` and their L2-normalised embeddings `vectors`), with the embedding and gram
    kernels summed, solved in the dual and stored in the primal."""
    classes = sorted(set(labels), key=str)
    position = {label: column for column, label in enumerate(classes)}
    targets = np.zeros((len(texts), len(classes)))
    targets[np.arange(len(texts)), [position[label] for label in labels]] = 1.0
    bias = targets.mean(axis=0)
    vectors = np.asarray(vectors, dtype=np.float64)

    counts = [char_grams(t) for t in texts]
    frequency = Counter(g for grams in counts for g in grams)
    gram_rows = {g: row for row, g in enumerate(frequency)}
    idf = np.array(
        [math.log((1 + len(texts)) / (1 + n)) + 1.0 for n in frequency.values()], dtype=np.float32
    )
    # Sparse TF-IDF rows as postings (gram → examples), to build the gram kernel without
    # a dense examples × grams matrix.
    postings: dict[int, tuple[list[int], list[float]]] = {}
    for example, grams in enumerate(counts):
        rows, values = _tfidf(grams, gram_rows, idf)
        for row, value in zip(rows, values, strict=True):
            postings.setdefault(row, ([], []))
            postings[row][0].append(example)
            postings[row][1].append(float(value))
    kernel = vectors @ vectors.T
    for members, values in postings.values():
        weights = np.asarray(values)
        kernel[np.ix_(members, members)] += np.outer(weights, weights)
    kernel[np.diag_indices_from(kernel)] += ridge
    dual = np.linalg.solve(kernel, targets - bias)

    gram_weights = np.zeros((len(gram_rows), len(classes)), dtype=np.float32)
    for row, (members, values) in postings.items():
        gram_weights[row] = np.asarray(values) @ dual[members]
    return KernelRidge(
        classes=classes,
        embedding_weights=(vectors.T @ dual).astype(np.float32),
        gram_rows=gram_rows,
        gram_idf=idf,
        gram_weights=gram_weights,
        bias=bias.astype(np.float32),
    )
