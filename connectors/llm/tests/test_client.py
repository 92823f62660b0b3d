"""The LLM client against a fake OpenAI-compatible server (a real local HTTP server)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import numpy as np
import pytest
from pydantic import BaseModel
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from connectors.llm.client import (
    EMBEDDINGS_BATCH_SIZE,
    LLMUnavailable,
    chat_json,
    embeddings_create,
    llm_configured,
)
from connectors.llm.tests.fake_embeddings import embeddings_handler, requests_inputs, text_vector
from tests.fake_llm import completion


class Answer(BaseModel):
    intent: str
    confidence: float


@pytest.fixture
def provider(settings, httpserver: HTTPServer):
    settings.LLM_PROVIDER = "openai"
    settings.OPENAI_API_KEY = "sk-test"
    settings.OPENAI_BASE_URL = httpserver.url_for("/v1")
    settings.LLM_REQUEST_TIMEOUT = 0.5
    settings.LLM_MAX_RETRIES = 0
    return settings


def _ask() -> Answer:
    return chat_json(
        model="m", system="sys", messages=[{"role": "user", "content": "hi"}], schema=Answer
    )


@pytest.mark.parametrize(
    ("provider_name", "setting", "expected_auth"),
    [
        ("openai", {"OPENAI_API_KEY": "sk-openai"}, "Bearer sk-openai"),
        ("openrouter", {"OPENROUTER_API_KEY": "or-key"}, "Bearer or-key"),
        ("vllm", {"VLLM_API_KEY": ""}, "Bearer EMPTY"),
    ],
)
def test_each_provider_uses_its_base_url_and_key(
    settings,
    httpserver: HTTPServer,
    provider_name: str,
    setting: dict,
    expected_auth: str,
) -> None:
    # given
    settings.LLM_PROVIDER = provider_name
    settings.OPENAI_BASE_URL = settings.OPENROUTER_BASE_URL = settings.VLLM_BASE_URL = (
        httpserver.url_for("/v1")
    )
    for key, value in setting.items():
        setattr(settings, key, value)
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_json(
        completion(json.dumps({"intent": "greeting", "confidence": 0.9}))
    )
    # when
    answer = _ask()
    # then
    assert answer == Answer(intent="greeting", confidence=0.9)
    request, _ = httpserver.log[-1]  # a slow handler of an earlier test may log late
    assert request.headers["Authorization"] == expected_auth
    body = json.loads(request.data)
    assert body["model"] == "m" and body["response_format"] == {"type": "json_object"}
    assert body["messages"][0] == {"role": "system", "content": "sys"}


def test_timeout_becomes_llm_unavailable_within_the_limit(provider, httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(2)
        return Response(json.dumps(completion("{}")), content_type="application/json")

    httpserver.expect_request("/v1/chat/completions").respond_with_handler(slow)
    started = time.monotonic()
    with pytest.raises(LLMUnavailable):
        _ask()
    assert time.monotonic() - started < provider.LLM_REQUEST_TIMEOUT + 1


@pytest.mark.parametrize(
    "content", ["not json", json.dumps({"intent": "x"}), json.dumps({"confidence": "high"})]
)
def test_malformed_or_schema_violating_output_is_unavailable(
    provider, httpserver: HTTPServer, content: str
) -> None:
    httpserver.expect_request("/v1/chat/completions").respond_with_json(completion(content))
    with pytest.raises(LLMUnavailable):
        _ask()


def test_http_error_is_unavailable(provider, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/chat/completions").respond_with_json(
        {"error": {"message": "boom"}}, status=500
    )
    with pytest.raises(LLMUnavailable):
        _ask()


def test_no_key_means_not_configured(settings) -> None:
    settings.LLM_PROVIDER, settings.OPENAI_API_KEY = "openai", ""
    assert not llm_configured()
    with pytest.raises(LLMUnavailable):
        _ask()


# --- embeddings -----------------------------------------------------------------------------


def test_embeddings_come_back_in_input_order_when_the_server_lists_them_reversed(
    provider, httpserver: HTTPServer
) -> None:
    # given
    texts = ["wireless earbuds", "سماعات لاسلكية", "gaming laptop"]
    httpserver.expect_request("/v1/embeddings", method="POST").respond_with_handler(
        embeddings_handler(dim=8, reverse=True)
    )
    # when
    vectors = embeddings_create(model="text-embedding-3-small", texts=texts)
    # then
    assert np.allclose(vectors, [text_vector(text, 8) for text in texts])
    request, _ = httpserver.log[-1]
    assert request.headers["Authorization"] == "Bearer sk-test"
    body = json.loads(request.data)
    assert body["model"] == "text-embedding-3-small" and body["input"] == texts


def test_embeddings_accept_float_lists_when_the_server_ignores_base64(
    provider, httpserver: HTTPServer
) -> None:
    # given: an OpenAI-compatible server that always answers float lists
    httpserver.expect_request("/v1/embeddings").respond_with_handler(
        embeddings_handler(dim=4, ignore_encoding_format=True)
    )
    # when
    vectors = embeddings_create(model="m", texts=["a", "b"])
    # then
    assert np.allclose(vectors, [text_vector("a", 4), text_vector("b", 4)])


def test_embeddings_split_large_inputs_into_requests_of_the_batch_size(
    provider, httpserver: HTTPServer
) -> None:
    # given
    texts = [f"product {n}" for n in range(2 * EMBEDDINGS_BATCH_SIZE + 10)]
    httpserver.expect_request("/v1/embeddings").respond_with_handler(
        embeddings_handler(dim=4, reverse=True)
    )
    # when
    vectors = embeddings_create(model="m", texts=texts)
    # then
    sent = requests_inputs(httpserver.log)
    assert [len(batch) for batch in sent] == [EMBEDDINGS_BATCH_SIZE, EMBEDDINGS_BATCH_SIZE, 10]
    assert [text for batch in sent for text in batch] == texts
    assert np.allclose(vectors, [text_vector(text, 4) for text in texts])


def test_embedding_nothing_sends_no_request(provider, httpserver: HTTPServer) -> None:
    assert embeddings_create(model="m", texts=[]) == []
    assert httpserver.log == []


def _listing(*items: dict) -> dict:
    return {"object": "list", "data": list(items), "model": "m", "usage": {}}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("not json", id="not-json"),
        pytest.param(json.dumps([1, 2]), id="not-an-object"),
        pytest.param(json.dumps(_listing()), id="no-vectors"),
        pytest.param(
            json.dumps(_listing({"object": "embedding", "index": 0, "embedding": [0.1, 0.2]})),
            id="one-vector-for-two-texts",
        ),
        pytest.param(
            json.dumps(
                _listing(
                    {"object": "embedding", "index": 0, "embedding": [0.1, 0.2]},
                    {"object": "embedding", "index": 0, "embedding": [0.3, 0.4]},
                )
            ),
            id="index-repeated",
        ),
        pytest.param(
            json.dumps(
                _listing(
                    {"object": "embedding", "index": 0, "embedding": []},
                    {"object": "embedding", "index": 1, "embedding": []},
                )
            ),
            id="empty-vectors",
        ),
        pytest.param(
            json.dumps(
                _listing(
                    {"object": "embedding", "index": 0, "embedding": [0.1, 0.2]},
                    {"object": "embedding", "index": 1, "embedding": [0.3]},
                )
            ),
            id="different-lengths",
        ),
        pytest.param(
            json.dumps(
                _listing(
                    {"object": "embedding", "index": 0, "embedding": ["x", "y"]},
                    {"object": "embedding", "index": 1, "embedding": None},
                )
            ),
            id="not-numbers",
        ),
        pytest.param(
            json.dumps(
                _listing(
                    {"object": "embedding", "index": 0, "embedding": "@@not base64"},
                    {"object": "embedding", "index": 1, "embedding": "@@not base64"},
                )
            ),
            id="bad-base64",
        ),
    ],
)
def test_malformed_embeddings_response_is_unavailable(
    provider, httpserver: HTTPServer, body: str
) -> None:
    httpserver.expect_request("/v1/embeddings").respond_with_data(
        body, content_type="application/json"
    )
    with pytest.raises(LLMUnavailable):
        embeddings_create(model="m", texts=["a", "b"])


def test_embeddings_http_error_is_unavailable(provider, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/embeddings").respond_with_json(
        {"error": {"message": "boom", "type": "server_error"}}, status=500
    )
    with pytest.raises(LLMUnavailable):
        embeddings_create(model="m", texts=["a"])


def test_embeddings_timeout_is_unavailable_within_the_limit(
    provider, httpserver: HTTPServer
) -> None:
    fast = embeddings_handler(dim=4)

    def slow(request: Request) -> Response:
        time.sleep(2)
        return fast(request)

    httpserver.expect_request("/v1/embeddings").respond_with_handler(slow)
    started = time.monotonic()
    with pytest.raises(LLMUnavailable):
        embeddings_create(model="m", texts=["a"])
    assert time.monotonic() - started < provider.LLM_REQUEST_TIMEOUT + 1


def test_embeddings_without_a_key_are_unavailable_without_a_request(
    settings, httpserver: HTTPServer
) -> None:
    settings.LLM_PROVIDER, settings.OPENAI_API_KEY = "openai", ""
    settings.OPENAI_BASE_URL = httpserver.url_for("/v1")
    with pytest.raises(LLMUnavailable):
        embeddings_create(model="m", texts=["a"])
    assert httpserver.log == []


@pytest.fixture
def other_server() -> Iterator[HTTPServer]:
    """Where a redirect points: it must never be asked anything."""
    server = HTTPServer(host="localhost", port=0)
    server.start()
    server.expect_request("/v1/chat/completions").respond_with_json(
        completion(json.dumps({"intent": "stolen", "confidence": 1.0}))
    )
    server.expect_request("/v1/embeddings").respond_with_json({"data": []})
    try:
        yield server
    finally:
        server.clear()
        server.stop()


@pytest.mark.parametrize("status", [302, 307])
def test_a_chat_redirect_is_not_followed_and_the_key_stays_home(
    provider, httpserver: HTTPServer, other_server: HTTPServer, status: int
) -> None:
    # given
    httpserver.expect_request("/v1/chat/completions").respond_with_response(
        Response(status=status, headers={"Location": other_server.url_for("/v1/chat/completions")})
    )
    # when
    with pytest.raises(LLMUnavailable, match=str(status)):
        _ask()
    # then
    assert other_server.log == []
    assert all("Authorization" not in request.headers for request, _ in other_server.log)


def test_an_embeddings_redirect_is_not_followed(
    provider, httpserver: HTTPServer, other_server: HTTPServer
) -> None:
    # given
    httpserver.expect_request("/v1/embeddings").respond_with_response(
        Response(status=302, headers={"Location": other_server.url_for("/v1/embeddings")})
    )
    # when
    with pytest.raises(LLMUnavailable):
        embeddings_create(model="e", texts=["a"])
    # then
    assert other_server.log == []
