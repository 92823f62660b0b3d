"""Voice notes through the real webhook: downloaded from a fake Graph API, transcribed by a
fake OpenAI-compatible server, handled as typed with "I heard: …" first; a failure says
so; without a transcription model the polite "please type" reply stays."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from conversation_log.models import Direction, Message
from wa_gateway.tests import payloads
from wa_gateway.tests.fixtures import API_VERSION, graph, post_webhook  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

WA_ID = "966540000001"
VOICE = {"id": "VOICE1", "mime_type": "audio/ogg; codecs=opus", "voice": True}
AUDIO = b"OggS" + b"\x00" * 512
TRANSCRIBE_PATH = "/v1/audio/transcriptions"


@pytest.fixture
def voice(settings, httpserver: HTTPServer, graph):  # noqa: F811
    """Media on the fake Graph API and an OpenAI-compatible provider with a
    transcription model, both on the same local server."""
    settings.LLM_PROVIDER = "openai"
    settings.OPENAI_API_KEY = "sk-test"
    settings.OPENAI_BASE_URL = httpserver.url_for("/v1")
    settings.LLM_MODEL_ID_TRANSCRIBE = "whisper-test"
    settings.LLM_REQUEST_TIMEOUT = 2
    settings.LLM_MAX_RETRIES = 0
    httpserver.expect_request(f"/{API_VERSION}/VOICE1", method="GET").respond_with_json(
        {
            "url": httpserver.url_for("/lookaside/VOICE1"),
            "mime_type": VOICE["mime_type"],
            "file_size": len(AUDIO),
            "id": "VOICE1",
        }
    )
    httpserver.expect_request("/lookaside/VOICE1", method="GET").respond_with_data(AUDIO)
    return settings


def _send_voice(post_webhook) -> None:  # noqa: F811
    raw = payloads.message(wa_id=WA_ID, kind="audio", content=VOICE)
    assert post_webhook(payloads.webhook(messages=[raw])).status_code == 200


def test_a_voice_note_is_transcribed_and_handled_as_typed(voice, httpserver, post_webhook, graph):  # noqa: F811
    # given
    httpserver.expect_request(TRANSCRIBE_PATH, method="POST").respond_with_json(
        {"text": "show my cart"}
    )
    # when
    _send_voice(post_webhook)
    # then: what was understood, then the answer to it
    texts = graph.texts()
    assert texts[0] == "I heard: “show my cart”"
    assert "Your cart is empty." in texts[1]
    transcription = next(r for r, _ in httpserver.log if r.path == TRANSCRIBE_PATH)
    assert transcription.files["file"].read() == AUDIO
    assert transcription.form["language"] == "en"
    media_fetch = next(r for r, _ in httpserver.log if r.path == "/lookaside/VOICE1")
    assert media_fetch.headers["Authorization"] == "Bearer test-token"
    inbound = Message.objects.get(direction=Direction.INBOUND, chat__customer__wa_id=WA_ID)
    assert inbound.text == "show my cart"


def test_an_arabic_voice_note_is_answered_in_arabic(voice, httpserver, post_webhook, graph):  # noqa: F811
    # given
    httpserver.expect_request(TRANSCRIBE_PATH, method="POST").respond_with_json(
        {"text": "اعرض سلتي"}
    )
    # when
    _send_voice(post_webhook)
    # then
    texts = graph.texts()
    assert texts[0].endswith("“اعرض سلتي”") and not texts[0].startswith("I heard")
    assert len(texts) >= 2


def test_a_failed_transcription_says_so_and_asks_to_type(voice, httpserver, post_webhook, graph):  # noqa: F811
    # given
    httpserver.expect_request(TRANSCRIBE_PATH, method="POST").respond_with_json(
        {"error": {"message": "overloaded"}}, status=503
    )
    # when
    _send_voice(post_webhook)
    # then
    (text,) = graph.texts()
    assert "could not make out your voice note" in text


def test_without_a_transcription_model_the_polite_reply_stays(
    voice,
    httpserver,
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
):
    # given
    voice.LLM_MODEL_ID_TRANSCRIBE = ""
    # when
    _send_voice(post_webhook)
    # then: nothing downloaded, the usual reply
    (text,) = graph.texts()
    assert "I can only read text messages" in text
    assert not any(r.path.startswith("/lookaside") for r, _ in httpserver.log)
