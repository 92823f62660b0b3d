"""Speech to text through a fake OpenAI-compatible `audio/transcriptions` endpoint (a real
local HTTP server), reached by the provider's configurable base URL."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from connectors.llm.client import (
    LLMUnavailable,
    transcription_configured,
    transcription_create,
)

PATH = "/v1/audio/transcriptions"


@pytest.fixture
def provider(settings, httpserver: HTTPServer):
    settings.LLM_PROVIDER = "openai"
    settings.OPENAI_API_KEY = "sk-test"
    settings.OPENAI_BASE_URL = httpserver.url_for("/v1")
    settings.LLM_MODEL_ID_TRANSCRIBE = "whisper-test"
    settings.LLM_REQUEST_TIMEOUT = 2
    settings.LLM_MAX_RETRIES = 0
    return settings


def _transcribe() -> str:
    return transcription_create(
        audio=b"OggS-voice", filename="voice.ogg", mime_type="audio/ogg", language="ar"
    )


def test_the_recording_the_model_and_the_language_are_posted(provider, httpserver):
    # given
    httpserver.expect_request(PATH, method="POST").respond_with_json({"text": " أريد  سماعات "})
    # when
    text = _transcribe()
    # then
    assert text == "أريد سماعات"
    request, _ = httpserver.log[-1]
    assert request.headers["Authorization"] == "Bearer sk-test"
    assert request.form["model"] == "whisper-test"
    assert request.form["language"] == "ar"
    upload = request.files["file"]
    assert upload.filename == "voice.ogg" and upload.read() == b"OggS-voice"


@pytest.mark.parametrize(
    "answer",
    [{"text": "   "}, {"error": {"message": "boom"}}],
    ids=["empty", "error"],
)
def test_an_empty_or_failed_transcription_is_unavailable(provider, httpserver, answer):
    # given
    status = 500 if "error" in answer else 200
    httpserver.expect_request(PATH, method="POST").respond_with_json(answer, status=status)
    # when / then
    with pytest.raises(LLMUnavailable):
        _transcribe()


def test_without_a_transcription_model_nothing_is_asked(provider, httpserver):
    # given
    provider.LLM_MODEL_ID_TRANSCRIBE = ""
    # then
    assert transcription_configured() is False
    with pytest.raises(LLMUnavailable):
        _transcribe()
    assert httpserver.log == []


def test_a_model_without_a_provider_key_is_not_configured(provider):
    # given
    provider.OPENAI_API_KEY = ""
    # then
    assert transcription_configured() is False
