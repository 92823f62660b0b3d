"""The LLM client against a fake OpenAI-compatible server (a real local HTTP server)."""

from __future__ import annotations

import json
import time

import pytest
from pydantic import BaseModel
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from connectors.llm.client import LLMUnavailable, chat_json, llm_configured
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
