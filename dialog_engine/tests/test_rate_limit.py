"""The per-customer inbound rate limit, through the real webhook, drain and engine: a flood
gets one "slow down" and then silence (no LLM call, no search), nothing is lost, answers
resume after the window, and STOP always works."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from pytest_httpserver import HTTPServer

from conversation_log.models import Direction, Message
from tests.factories import CustomerFactory
from tests.fake_llm import completion
from users.models import Customer
from wa_gateway.models import InboundEvent
from wa_gateway.tests import payloads
from wa_gateway.tests.fixtures import graph, post_webhook  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

WA_ID = "966530000077"
LIMIT = 3
WINDOW = 60
NOTICE = "You are sending messages very quickly"


@pytest.fixture(autouse=True)
def _limit(settings) -> None:
    settings.INBOUND_RATE_MAX_MESSAGES = LIMIT
    settings.INBOUND_RATE_WINDOW_SECONDS = WINDOW


@pytest.fixture
def frozen():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def _say(post_webhook, text: str, times: int = 1) -> None:  # noqa: F811
    for _ in range(times):
        post_webhook(payloads.text_message(WA_ID, text))


def _inbound() -> int:
    return Message.objects.filter(chat__customer__wa_id=WA_ID, direction=Direction.INBOUND).count()


def test_one_message_over_the_limit_gets_one_notice_then_silence(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    frozen,
):
    # given: the customer has used the whole window's allowance
    CustomerFactory(wa_id=WA_ID)
    _say(post_webhook, "hi", LIMIT)
    answered = len(graph.sends)
    # when
    _say(post_webhook, "hi", 4)
    # then
    assert answered == LIMIT
    assert len(graph.sends) == LIMIT + 1
    assert NOTICE in graph.texts()[-1]


def test_a_flood_loses_nothing(post_webhook, graph, frozen):  # noqa: F811
    # given
    CustomerFactory(wa_id=WA_ID)
    # when
    _say(post_webhook, "hi", LIMIT + 4)
    # then: every message is logged for staff and every event processed, without error
    assert _inbound() == LIMIT + 4
    events = InboundEvent.objects.filter(customer__wa_id=WA_ID)
    assert events.count() == LIMIT + 4
    assert not events.filter(processed_at__isnull=True).exists()
    assert set(events.values_list("error", flat=True)) == {""}


def test_answers_resume_after_the_window(post_webhook, graph, frozen):  # noqa: F811
    # given: limited
    CustomerFactory(wa_id=WA_ID)
    _say(post_webhook, "hi", LIMIT + 2)
    sent = len(graph.sends)
    # when: a quiet minute later
    frozen.shift(timedelta(seconds=WINDOW + 1))
    _say(post_webhook, "hi")
    # then: the main menu again
    assert sent == LIMIT + 1
    assert len(graph.sends) == sent + 1
    assert graph.sends[-1]["type"] == "interactive"
    assert NOTICE not in graph.texts()[-1]


def test_a_flood_that_goes_on_gets_no_second_notice(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    frozen,
):
    # given: limited, and one notice sent
    CustomerFactory(wa_id=WA_ID)
    _say(post_webhook, "hi", LIMIT + 1)
    # when: the customer keeps going, each message inside the window of the ones before
    for _ in range(4):
        frozen.shift(timedelta(seconds=WINDOW // 3))
        _say(post_webhook, "hi", LIMIT)
    # then
    assert len(graph.sends) == LIMIT + 1
    assert sum(NOTICE in text for text in graph.texts()) == 1


def test_buttons_and_media_count_towards_the_limit(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    frozen,
):
    # given
    CustomerFactory(wa_id=WA_ID)
    for _ in range(LIMIT - 1):
        post_webhook(payloads.button_reply(WA_ID, "cart:view", "My cart"))
    image = {"id": "MEDIA-1", "mime_type": "image/jpeg"}
    post_webhook(
        payloads.webhook(messages=[payloads.message(wa_id=WA_ID, kind="image", content=image)])
    )
    # when
    post_webhook(payloads.button_reply(WA_ID, "cart:view", "My cart"))
    post_webhook(payloads.button_reply(WA_ID, "cart:view", "My cart"))
    # then
    assert len(graph.sends) == LIMIT + 1
    assert NOTICE in graph.texts()[-1]


def test_stop_opts_out_even_when_rate_limited(post_webhook, graph, frozen):  # noqa: F811
    # given: limited, the notice sent and the next message silenced
    CustomerFactory(wa_id=WA_ID)
    _say(post_webhook, "hi", LIMIT + 2)
    silenced = len(graph.sends) == LIMIT + 1
    # when
    _say(post_webhook, "STOP")
    # then
    assert silenced
    assert Customer.objects.get(wa_id=WA_ID).opted_out is True
    assert len(graph.sends) == LIMIT + 2
    assert "You will not receive any more messages" in graph.texts()[-1]


def test_the_notice_is_in_the_customers_language(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    frozen,
):
    # given
    CustomerFactory(wa_id=WA_ID, language="ar")
    _say(post_webhook, "مرحبا", LIMIT)
    # when
    _say(post_webhook, "مرحبا")
    # then
    assert "أنت ترسل الرسائل بسرعة كبيرة" in graph.texts()[-1]


def test_a_limited_message_costs_no_llm_call(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    frozen,
    settings,
    httpserver: HTTPServer,
):
    # given: an LLM classifies every message; the customer has used the allowance
    settings.LLM_PROVIDER, settings.OPENAI_API_KEY = "openai", "sk-test"
    settings.OPENAI_BASE_URL = httpserver.url_for("/v1")
    settings.LLM_MAX_RETRIES = 0
    httpserver.expect_request("/v1/chat/completions").respond_with_json(
        completion({"intent": "greeting", "confidence": 0.95})
    )
    CustomerFactory(wa_id=WA_ID)
    _say(post_webhook, "good evening to you", LIMIT)
    calls = _llm_calls(httpserver)
    # when
    _say(post_webhook, "good evening to you", 3)
    # then
    assert calls >= LIMIT
    assert _llm_calls(httpserver) == calls
    assert len(graph.sends) == LIMIT + 1


def _llm_calls(server: HTTPServer) -> int:
    return sum(request.path == "/v1/chat/completions" for request, _ in server.log)
