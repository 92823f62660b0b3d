"""Staff cannot write messages in admin: message rows are read-only, a chat stays with its
customer, and the only way to write to a customer is the handoff reply form, which sends
through the message pipeline to the chat's customer."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conversation_log.models import Chat, DeliveryStatus, Direction, Message
from tests.admin_staff import staff_client
from tests.factories import ChatFactory, CustomerFactory, OutboundMessageFactory
from wa_gateway.tests.fixtures import FakeGraph, graph  # noqa: F401 - the fake Graph API

pytestmark = pytest.mark.django_db

MESSAGE_PERMISSIONS = (
    "conversation_log.view_message",
    "conversation_log.add_message",
    "conversation_log.change_message",
)
FORGED = {
    "direction": "out",
    "msg_type": "template",
    "body": json.dumps({"type": "template", "to": "15550001111", "template": {"name": "promo"}}),
    "text": "promo",
    "status": "queued",
    "error_title": "",
    "attempts": "0",
    "sent_by_staff": "",
}


@pytest.fixture
def superuser_client(django_user_model) -> Client:
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.com", "pw"))
    return client


@pytest.mark.parametrize("who", ["message permissions", "superuser"])
def test_no_one_can_add_a_message_in_admin(who, superuser_client):
    # given
    client = superuser_client if who == "superuser" else staff_client(*MESSAGE_PERMISSIONS)
    chat = ChatFactory()
    url = reverse("admin:conversation_log_message_add")
    # when
    page = client.get(url)
    posted = client.post(url, {**FORGED, "chat": str(chat.pk)})
    # then
    assert page.status_code == 403
    assert posted.status_code == 403
    assert not Message.objects.exists()


@pytest.mark.parametrize("direction", [Direction.OUTBOUND, Direction.INBOUND])
def test_a_message_cannot_be_changed_in_admin(direction, superuser_client):
    # given
    message = OutboundMessageFactory(direction=direction, status=DeliveryStatus.SENT)
    before = (message.body, message.status, message.chat_id, message.text)
    url = reverse("admin:conversation_log_message_change", args=[message.pk])
    # when
    page = superuser_client.get(url)
    posted = superuser_client.post(url, {**FORGED, "chat": str(message.chat_id)})
    # then: the page is a read-only view and the forged POST is refused
    message.refresh_from_db()
    assert page.status_code == 200
    assert page.context["adminform"].form.fields == {}
    assert posted.status_code == 403
    assert (message.body, message.status, message.chat_id, message.text) == before


def test_a_chat_cannot_be_moved_to_another_customer(superuser_client):
    # given
    chat = ChatFactory()
    # when
    page = superuser_client.get(reverse("admin:conversation_log_chat_change", args=[chat.pk]))
    # then
    assert page.status_code == 200
    assert "customer" not in page.context["adminform"].form.fields


def test_a_customers_whatsapp_id_and_opt_out_cannot_be_edited(superuser_client):
    # given
    customer = CustomerFactory(opted_out=True)
    # when
    page = superuser_client.get(reverse("admin:users_customer_change", args=[customer.pk]))
    # then
    fields = page.context["adminform"].form.fields
    assert page.status_code == 200
    assert not {"wa_id", "opted_out", "opted_out_at"} & set(fields)
    assert "profile_name" in fields


def test_the_handoff_reply_is_sent_by_the_pipeline_to_the_chats_customer(
    graph: FakeGraph,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    # given
    customer = CustomerFactory(
        wa_id="966520000077", last_inbound_at=timezone.now() - timedelta(hours=1)
    )
    chat = Chat.objects.create(customer=customer, handoff_active=True, state="handoff")
    agent = staff_client(
        "conversation_log.view_chat", "conversation_log.change_chat", username="agent"
    )
    url = reverse("admin:conversation_log_chat_transcript", args=[chat.pk])
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = agent.post(url, {"text": "Hi, Sara here.", "reply": "1"})
    # then
    [sent] = Message.objects.filter(direction=Direction.OUTBOUND)
    assert response.status_code == 302
    assert (sent.chat, sent.sent_by_staff, sent.status) == (chat, "agent", DeliveryStatus.SENT)
    [body] = graph.sends
    assert body["to"] == "966520000077"
    assert body["text"]["body"] == "Hi, Sara here."
