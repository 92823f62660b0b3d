"""A fake OpenAI-compatible `POST /v1/embeddings` endpoint for pytest-httpserver.

It answers like the real API: one `embedding` object per input, as float lists or, when the
request asks for `encoding_format=base64` (the SDK's default), as base64 float32 bytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from typing import Any

import numpy as np
from werkzeug import Request, Response


def text_vector(text: str, dim: int) -> list[float]:
    """A deterministic, unnormalised vector per text, so tests can tell the texts apart."""
    seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")
    return np.random.default_rng(seed).normal(scale=3.0, size=dim).astype(np.float32).tolist()


def embeddings_body(
    vectors: list[list[float]], *, model: str, encoding_format: str = "float"
) -> dict[str, Any]:
    """A `create embeddings` response listing `vectors` under indexes 0..n-1."""
    data = [
        {
            "object": "embedding",
            "index": index,
            "embedding": (
                base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode("ascii")
                if encoding_format == "base64"
                else vector
            ),
        }
        for index, vector in enumerate(vectors)
    ]
    tokens = 3 * len(vectors)
    return {
        "object": "list",
        "data": data,
        "model": model,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }


def embeddings_handler(
    *, dim: int, reverse: bool = False, ignore_encoding_format: bool = False
) -> Callable[[Request], Response]:
    """A handler that embeds each input with `text_vector`; `reverse` lists them last to
    first (the API gives no order guarantee, only `index`), `ignore_encoding_format`
    always answers float lists as some OpenAI-compatible servers do."""

    def handle(request: Request) -> Response:
        payload = json.loads(request.data)
        texts = payload["input"]
        body = embeddings_body(
            [text_vector(text, dim) for text in texts],
            model=payload["model"],
            encoding_format="float"
            if ignore_encoding_format
            else payload.get("encoding_format", "float"),
        )
        if reverse:
            body["data"].reverse()
        return Response(json.dumps(body), content_type="application/json")

    return handle


def requests_inputs(httpserver_log: list[tuple[Request, Response]]) -> list[list[str]]:
    """The `input` list of each embeddings request the fake server received, in order."""
    return [
        json.loads(request.data)["input"]
        for request, _ in httpserver_log
        if request.path.endswith("/embeddings")
    ]
