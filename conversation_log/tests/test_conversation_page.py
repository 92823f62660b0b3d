"""The chat page is a conversation view: bubbles with direction, delivery status and time,
state and context read-only, a reply box and take over / hand back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conversation_log.models import Chat, DeliveryStatus, Direction, Message
from conversation_log.tests.outbound_double import PATH as OUTBOUND_DOUBLE
from tests.admin_staff import staff_client
from tests.factories import ChatFactory, CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _outbound_double(settings):
    settings.OUTBOUND_TEXT_SENDER = OUTBOUND_DOUBLE


@pytest.fixture
def agent(django_user_model) -> Client:
    user = django_user_model.objects.create_superuser("agent", "agent@example.com", "pw")
    client = Client()
    client.force_login(user)
    return client


def _chat(**fields) -> Chat:
    customer = CustomerFactory(last_inbound_at=timezone.now() - timedelta(minutes=10))
    return ChatFactory(customer=customer, state="browse", context={"cart_hint": "سماعات"}, **fields)


def _page(chat: Chat) -> str:
    return reverse("admin:conversation_log_chat_change", args=[chat.pk])


def _transcript(chat: Chat) -> str:
    return reverse("admin:conversation_log_chat_transcript", args=[chat.pk])


def test_the_chat_page_shows_bubbles_with_direction_status_and_time(agent):
    # given
    chat = _chat()
    Message.objects.create(
        chat=chat, direction=Direction.INBOUND, text="hello there", status="received"
    )
    Message.objects.create(
        chat=chat,
        direction=Direction.OUTBOUND,
        text="rejected one",
        status=DeliveryStatus.FAILED,
        error_code=131047,
        error_title="Re-engagement message",
    )
    # when
    response = agent.get(_page(chat))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index('data-direction="in"') < page.index('data-direction="out"')
    assert "hello there" in page and "rejected one" in page
    assert "Failed (131047: Re-engagement message)" in page
    assert "<time datetime=" in page


def test_state_and_context_are_shown_read_only(agent):
    # given
    chat = _chat()
    # when
    response = agent.get(_page(chat))
    # then
    assert response.context["adminform"].form.fields == {}
    assert "سماعات" in response.content.decode()  # the context, as text
    assert response.context["show_save"] is False


def test_posting_the_change_form_cannot_edit_state_or_context(agent):
    # given
    chat = _chat()
    # when
    agent.post(_page(chat), {"state": "checkout", "context": "{}", "handoff_active": "on"})
    # then
    chat.refresh_from_db()
    assert (chat.state, chat.context, chat.handoff_active) == (
        "browse",
        {"cart_hint": "سماعات"},
        False,
    )


def test_take_over_starts_a_handoff_and_returns_to_the_chat_page(agent):
    # given
    chat = _chat()
    # when
    response = agent.post(_transcript(chat), {"take_over": "1", "next": _page(chat)})
    # then
    chat.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == _page(chat)
    assert chat.handoff_active is True and chat.handoff_requested_at is not None
    assert "Hand back to the bot" in agent.get(_page(chat)).content.decode()


def test_hand_back_ends_the_handoff(agent):
    # given
    chat = _chat(handoff_active=True, handoff_requested_at=timezone.now())
    # when
    agent.post(_transcript(chat), {"end_handoff": "1", "next": _page(chat)})
    # then
    chat.refresh_from_db()
    assert chat.handoff_active is False and chat.state == "assistant"


def test_a_reply_from_the_chat_page_goes_through_the_outbound_path(agent):
    # given
    chat = _chat(handoff_active=True, handoff_requested_at=timezone.now())
    # when
    response = agent.post(_transcript(chat), {"reply": "1", "text": "Hi", "next": _page(chat)})
    # then
    sent = Message.objects.get(direction=Direction.OUTBOUND)
    assert (sent.chat, sent.text, sent.sent_by_staff) == (chat, "Hi", "agent")
    assert response["Location"] == _page(chat)


def test_a_foreign_next_url_is_not_followed(agent):
    chat = _chat()
    response = agent.post(
        _transcript(chat), {"take_over": "1", "next": "https://evil.example/phish"}
    )
    assert response["Location"] == _transcript(chat)


def test_a_viewer_cannot_take_over():
    # given
    chat = _chat()
    viewer = staff_client("conversation_log.view_chat")
    # when
    page = viewer.get(_page(chat))
    posted = viewer.post(_transcript(chat), {"take_over": "1"})
    # then
    assert page.status_code == 200
    assert 'name="take_over"' not in page.content.decode()
    assert posted.status_code == 403
    chat.refresh_from_db()
    assert chat.handoff_active is False


def test_taking_over_a_chat_already_in_handoff_says_so(agent):
    chat = _chat(handoff_active=True, handoff_requested_at=timezone.now())
    response = agent.post(_transcript(chat), {"take_over": "1"})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "This chat is already in handoff."
    ]
