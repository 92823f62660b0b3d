"""One client factory for every OpenAI-compatible provider, on the official `openai` SDK.

LLM_PROVIDER picks the base URL and key: `openai` (OPENAI_API_KEY, optional
OPENAI_BASE_URL), `openrouter` (OPENROUTER_API_KEY + OPENROUTER_BASE_URL) or `vllm`
(VLLM_BASE_URL, key optional). Every request has LLM_REQUEST_TIMEOUT and at most
LLM_MAX_RETRIES retries; replies are JSON validated against a pydantic schema before
use, and embeddings are checked for one non-empty vector per input. Any failure, whatever
its cause, is raised as one `LLMUnavailable`, so callers have exactly one thing to fall
back on.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import openai
from django.conf import settings
from openai.types import CreateEmbeddingResponse
from pydantic import BaseModel, ValidationError

from project_core.metrics import LLM_CALL_SECONDS, LLM_CALLS

logger = logging.getLogger(__name__)

Schema = TypeVar("Schema", bound=BaseModel)

# Texts per embeddings request: well under the API's 2048 inputs and 300k tokens per call.
EMBEDDINGS_BATCH_SIZE = 256


class LLMUnavailable(Exception):
    """The LLM could not give a usable answer (not configured, timeout, HTTP error,
    invalid JSON, schema violation)."""


class _Rejected(LLMUnavailable):
    """An answer arrived but failed validation (counted as `rejected_schema`)."""


@contextmanager
def _measured(purpose: str) -> Iterator[None]:
    """Count the call by outcome and time it (shop_llm_calls, shop_llm_call_seconds)."""
    started = time.perf_counter()
    outcome = "unavailable"
    try:
        yield
        outcome = "ok"
    except _Rejected:
        outcome = "rejected_schema"
        raise
    finally:
        LLM_CALL_SECONDS.labels(purpose=purpose).observe(time.perf_counter() - started)
        LLM_CALLS.labels(purpose=purpose, outcome=outcome).inc()


@dataclass(frozen=True)
class ProviderConfig:
    name: str
    base_url: str | None
    api_key: str


def provider_config() -> ProviderConfig | None:
    """The configured provider, or None when it lacks what it needs (no key / no URL)."""
    provider = settings.LLM_PROVIDER
    if provider == "openai":
        if not settings.OPENAI_API_KEY:
            return None
        return ProviderConfig("openai", settings.OPENAI_BASE_URL or None, settings.OPENAI_API_KEY)
    if provider == "openrouter":
        if not settings.OPENROUTER_API_KEY:
            return None
        return ProviderConfig(
            "openrouter", settings.OPENROUTER_BASE_URL, settings.OPENROUTER_API_KEY
        )
    if provider == "vllm":
        if not settings.VLLM_BASE_URL:
            return None
        # vLLM accepts any key unless started with --api-key; the SDK needs a non-empty one.
        return ProviderConfig("vllm", settings.VLLM_BASE_URL, settings.VLLM_API_KEY or "EMPTY")
    raise LLMUnavailable(f"unknown LLM_PROVIDER {provider!r} (openai, openrouter or vllm)")


def llm_configured() -> bool:
    try:
        return provider_config() is not None
    except LLMUnavailable:
        return False


def client_get() -> openai.OpenAI:
    """A client for the configured provider that never follows redirects; close it after
    use (`with client_get() as client:`), it owns its connection pool."""
    config = provider_config()
    if config is None:
        raise LLMUnavailable(f"LLM provider {settings.LLM_PROVIDER!r} is not configured")
    timeout = settings.LLM_REQUEST_TIMEOUT
    return openai.OpenAI(
        api_key=config.api_key,
        base_url=config.base_url,
        timeout=timeout,
        max_retries=settings.LLM_MAX_RETRIES,
        # The SDK's own HTTP client follows redirects, and every request carries the API
        # key: a redirect is an error here instead (an APIStatusError, so LLMUnavailable).
        http_client=openai.DefaultHttpxClient(follow_redirects=False, timeout=timeout),
    )


def chat_json(
    *,
    model: str,
    system: str,
    messages: list[dict[str, str]],
    schema: type[Schema],
    max_tokens: int = 400,
    temperature: float = 0.0,
    purpose: str = "",
) -> Schema:
    """Ask for a JSON object and validate it against `schema`. `purpose` (a fixed word,
    default the schema's name) labels the call's metrics."""
    with _measured(purpose or schema.__name__.lstrip("_").lower()):
        return _chat_json(
            model=model,
            system=system,
            messages=messages,
            schema=schema,
            max_tokens=max_tokens,
            temperature=temperature,
        )


def _chat_json(
    *,
    model: str,
    system: str,
    messages: list[dict[str, str]],
    schema: type[Schema],
    max_tokens: int,
    temperature: float,
) -> Schema:
    try:
        with client_get() as client:
            response = client.chat.completions.create(
                model=model,
                messages=[{"role": "system", "content": system}, *messages],
                response_format={"type": "json_object"},
                max_tokens=max_tokens,
                temperature=temperature,
            )
        content = response.choices[0].message.content or ""
    except openai.OpenAIError as exc:
        raise LLMUnavailable(f"{exc.__class__.__name__}: {exc}") from exc
    except (IndexError, AttributeError) as exc:
        raise _Rejected("the LLM response had no message") from exc
    try:
        return schema.model_validate(json.loads(content))
    except (ValueError, ValidationError) as exc:  # JSONDecodeError is a ValueError
        # Where and what, never the value: the model's output can echo the customer's text.
        detail = (
            "; ".join(
                f"{'.'.join(map(str, error['loc']))}: {error['type']}"
                for error in exc.errors(include_input=False)
            )
            if isinstance(exc, ValidationError)
            else exc.__class__.__name__
        )[:200]
        logger.warning("LLM reply rejected by schema %s: %s", schema.__name__, detail)
        raise _Rejected(f"invalid structured output: {detail}") from exc


def embeddings_create(
    *, model: str, texts: list[str], batch_size: int = EMBEDDINGS_BATCH_SIZE
) -> list[list[float]]:
    """One embedding per text, in input order, `batch_size` texts per request.

    The answer must hold exactly one non-empty, finite vector per input, all of one length;
    the provider may list them in any order (`index` says which input each belongs to).
    """
    if not texts:
        return []
    with _measured("embeddings"):
        return _embeddings(model=model, texts=texts, batch_size=batch_size)


def _embeddings(*, model: str, texts: list[str], batch_size: int) -> list[list[float]]:
    vectors: list[list[float]] = []
    with client_get() as client:
        for start in range(0, len(texts), batch_size):
            batch = texts[start : start + batch_size]
            try:
                response = client.embeddings.create(model=model, input=batch)
            except openai.OpenAIError as exc:
                raise LLMUnavailable(f"{exc.__class__.__name__}: {exc}") from exc
            except (ValueError, TypeError, AttributeError) as exc:
                # The SDK decodes the body before we see it: no data, bad base64, not an
                # object.
                raise _Rejected(f"malformed embeddings response: {str(exc)[:200]}") from exc
            vectors.extend(_vectors_in_order(response, expected=len(batch)))
    if len({len(vector) for vector in vectors}) != 1:
        raise _Rejected("embeddings of different lengths in one answer")
    return vectors


def _vectors_in_order(response: CreateEmbeddingResponse, *, expected: int) -> list[list[float]]:
    # The SDK does not validate response bodies, so check their shape here.
    try:
        items = [(int(item.index), [float(v) for v in item.embedding]) for item in response.data]
    except (AttributeError, TypeError, ValueError) as exc:
        raise _Rejected(f"malformed embeddings response: {str(exc)[:200]}") from exc
    if sorted(index for index, _ in items) != list(range(expected)):
        raise _Rejected(f"embeddings response does not hold one vector per text ({expected})")
    vectors = [vector for _, vector in sorted(items, key=lambda item: item[0])]
    if any(not vector or not all(map(math.isfinite, vector)) for vector in vectors):
        raise _Rejected("embeddings response has an empty or non-finite vector")
    return vectors


# What a transcript may hold: a voice note of a few minutes, never a whole document.
TRANSCRIPT_MAX_CHARS = 4000


def transcription_configured() -> bool:
    """Whether voice notes can be transcribed: a provider is configured and
    LLM_MODEL_ID_TRANSCRIBE names its speech-to-text model (empty: transcription off)."""
    return bool(settings.LLM_MODEL_ID_TRANSCRIBE) and llm_configured()


def transcription_create(
    *, audio: bytes, filename: str, mime_type: str, language: str = "", model: str = ""
) -> str:
    """The text of a recording, by the provider's OpenAI-compatible
    `audio/transcriptions` endpoint (`model` default LLM_MODEL_ID_TRANSCRIBE; `language`
    an ISO 639-1 hint such as "ar"). Raises LLMUnavailable when not configured, on any
    provider error, and when the answer holds no text."""
    model = model or settings.LLM_MODEL_ID_TRANSCRIBE
    if not model:
        raise LLMUnavailable("no transcription model (LLM_MODEL_ID_TRANSCRIBE)")
    with _measured("transcription"):
        try:
            with client_get() as client:
                extra = {"language": language} if language else {}
                response = client.audio.transcriptions.create(
                    model=model,
                    file=(filename, audio, mime_type or "application/octet-stream"),
                    response_format="json",
                    **extra,
                )
        except openai.OpenAIError as exc:
            raise LLMUnavailable(f"{exc.__class__.__name__}: {exc}") from exc
        text = getattr(response, "text", None)
        if not isinstance(text, str):
            raise _Rejected("the transcription response has no text")
        text = " ".join(text.split())
        if not text:
            raise _Rejected("the transcription is empty")
        return text[:TRANSCRIPT_MAX_CHARS]
