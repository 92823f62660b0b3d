from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conversation_log.models import Chat, DeliveryStatus, Direction, Message
from conversation_log.tests.outbound_double import PATH as OUTBOUND_DOUBLE
from tests.factories import ChatFactory, CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _outbound_double(settings):
    settings.OUTBOUND_TEXT_SENDER = OUTBOUND_DOUBLE


@pytest.fixture
def admin_client_(django_user_model) -> Client:
    user = django_user_model.objects.create_superuser("agent", "agent@example.com", "pw")
    client = Client()
    client.force_login(user)
    return client


def _chat_in_handoff(*, wrote_ago: timedelta | None = timedelta(hours=1), **customer) -> Chat:
    last_inbound = timezone.now() - wrote_ago if wrote_ago is not None else None
    return ChatFactory(
        customer=CustomerFactory(last_inbound_at=last_inbound, **customer),
        handoff_active=True,
        handoff_requested_at=timezone.now() - timedelta(minutes=5),
        state="handoff",
    )


def _transcript_url(chat: Chat) -> str:
    return reverse("admin:conversation_log_chat_transcript", args=[chat.pk])


def _flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _sent() -> list[Message]:
    return list(Message.objects.filter(direction=Direction.OUTBOUND))


def test_open_handoffs_page_lists_only_chats_waiting_for_a_human(admin_client_):
    # given
    waiting = _chat_in_handoff(profile_name="Waiting Wafa")
    ChatFactory(customer=CustomerFactory(profile_name="Bot Bilal"))
    # when
    response = admin_client_.get(reverse("admin:conversation_log_chat_handoffs"))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "Waiting Wafa" in page
    assert "Bot Bilal" not in page
    assert _transcript_url(waiting) in page


def test_chat_list_links_to_the_open_handoffs_with_their_count(admin_client_):
    # given
    _chat_in_handoff()
    # when
    response = admin_client_.get(reverse("admin:conversation_log_chat_changelist"))
    # then
    assert "Open handoffs (1)" in response.content.decode()


def test_transcript_shows_the_conversation_in_order(admin_client_):
    # given
    chat = _chat_in_handoff()
    for text in ("أريد التحدث مع موظف", "second message"):
        Message.objects.create(
            chat=chat, direction=Direction.INBOUND, text=text, status=DeliveryStatus.RECEIVED
        )
    # when
    response = admin_client_.get(_transcript_url(chat))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("أريد التحدث مع موظف") < page.index("second message")


def test_staff_reply_inside_the_24_hour_window_is_sent_through_the_pipeline(admin_client_):
    # given
    chat = _chat_in_handoff(wrote_ago=timedelta(hours=23))
    # when
    response = admin_client_.post(
        _transcript_url(chat), {"text": "Hi, Sara here. How can I help?", "reply": "1"}
    )
    # then
    assert _flash(response) == ["Reply sent."]
    assert response.status_code == 302
    [sent] = _sent()
    assert sent.chat == chat
    assert sent.text == "Hi, Sara here. How can I help?"
    assert sent.sent_by_staff == "agent"


def test_staff_reply_outside_the_24_hour_window_is_refused_with_a_clear_message(admin_client_):
    # given
    chat = _chat_in_handoff(wrote_ago=timedelta(hours=25))
    # when
    response = admin_client_.post(_transcript_url(chat), {"text": "Hello?", "reply": "1"})
    # then
    assert response.status_code == 200
    [flash] = _flash(response)
    assert flash.startswith("Not sent:")
    assert "24 hours" in flash
    assert "templates" in flash
    assert _sent() == []


def test_staff_reply_to_a_customer_who_never_wrote_is_refused(admin_client_):
    # given
    chat = _chat_in_handoff(wrote_ago=None)
    # when
    response = admin_client_.post(_transcript_url(chat), {"text": "Hello?", "reply": "1"})
    # then
    assert "24 hours" in _flash(response)[0]
    assert _sent() == []


def test_staff_reply_to_a_customer_who_opted_out_is_refused(admin_client_):
    # given
    chat = _chat_in_handoff(opted_out=True)
    # when
    response = admin_client_.post(_transcript_url(chat), {"text": "Hello?", "reply": "1"})
    # then
    assert "opted out" in _flash(response)[0]
    assert _sent() == []


def test_staff_reply_is_refused_clearly_when_no_sender_is_configured(admin_client_, settings):
    # given
    settings.OUTBOUND_TEXT_SENDER = ""
    chat = _chat_in_handoff()
    # when
    response = admin_client_.post(_transcript_url(chat), {"text": "Hello?", "reply": "1"})
    # then
    assert "No outbound sender is configured" in _flash(response)[0]


def test_end_handoff_button_hands_the_chat_back_to_the_bot(admin_client_):
    # given
    chat = _chat_in_handoff()
    # when
    response = admin_client_.post(_transcript_url(chat), {"end_handoff": "1"})
    # then
    chat.refresh_from_db()
    assert response.status_code == 302
    assert chat.handoff_active is False
    assert chat.state == "assistant"


def test_end_handoff_admin_action_ends_every_selected_handoff(admin_client_):
    # given
    first, second = _chat_in_handoff(), _chat_in_handoff()
    # when
    response = admin_client_.post(
        reverse("admin:conversation_log_chat_changelist"),
        {"action": "end_handoff", "_selected_action": [first.pk, second.pk]},
    )
    # then
    assert response.status_code == 302
    assert not Chat.objects.filter(handoff_active=True).exists()
    assert "Handoff ended for 2 chat(s)." in _flash(response)


def test_staff_who_may_only_view_chats_cannot_reply(django_user_model):
    # given
    viewer = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_chat"))
    client = Client()
    client.force_login(viewer)
    chat = _chat_in_handoff()
    # when
    page = client.get(_transcript_url(chat))
    reply = client.post(_transcript_url(chat), {"text": "Hi", "reply": "1"})
    # then
    assert page.status_code == 200
    assert reply.status_code == 403
    assert _sent() == []


def test_feedback_list_shows_ratings_and_comments_and_filters_by_rating(admin_client_):
    # given
    from conversation_log.models import Feedback

    chat = ChatFactory(customer=CustomerFactory(profile_name="Huda"))
    Feedback.objects.create(chat=chat, rating=1, comment="Late delivery", language="en")
    Feedback.objects.create(chat=chat, rating=5, comment="Lovely service", language="en")
    url = reverse("admin:conversation_log_feedback_changelist")
    # when
    everything = admin_client_.get(url)
    poor = admin_client_.get(url, {"rating": 1})
    # then
    assert everything.status_code == 200
    assert "Late delivery" in everything.text and "Lovely service" in everything.text
    assert "Late delivery" in poor.text and "Lovely service" not in poor.text
