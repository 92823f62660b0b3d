"""Templates: synced from the Graph API page by page, sent only when APPROVED and when
every slot has a value."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from werkzeug import Request, Response

from conversation_log.models import Chat, DeliveryStatus, Message, MessageTemplate
from conversation_log.tests.template_factory import approved_template
from message_bus.dto import Template
from message_bus.services import template_send
from message_bus.tasks import TEMPLATE_NOT_APPROVED_TITLE, sync_templates_task
from message_bus.templates import Money, TemplateRefused, template_message_build, templates_sync
from tests.factories import CustomerFactory
from wa_gateway.tests.fixtures import API_VERSION, GRAPH_TOKEN

pytestmark = pytest.mark.django_db

WABA_ID = "555000"
TEMPLATES_PATH = f"/{API_VERSION}/{WABA_ID}/message_templates"

PAGE_ONE = {
    "data": [
        {
            "name": "order_shipped",
            "language": "en",
            "status": "APPROVED",
            "category": "UTILITY",
            "id": "111",
            "components": [
                {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}"},
                {"type": "BODY", "text": "Hi {{1}}, order {{2}} ({{3}}) shipped."},
                {
                    "type": "BUTTONS",
                    "buttons": [
                        {"type": "URL", "text": "Track", "url": "https://track.example/{{1}}"}
                    ],
                },
            ],
        }
    ],
    "paging": {"cursors": {"before": "B1", "after": "CURSOR2"}, "next": "https://graph/next"},
}
PAGE_TWO = {
    "data": [
        {
            "name": "order_shipped",
            "language": "ar",
            "status": "PENDING",
            "category": "UTILITY",
            "id": "112",
            "components": [{"type": "BODY", "text": "مرحبا {{1}}"}],
        }
    ],
    "paging": {"cursors": {"before": "B2", "after": "END"}},
}


@pytest.fixture
def template_api(httpserver, settings):
    """A fake `message_templates` endpoint in two pages (cursor `after`)."""
    settings.WA_GRAPH_URL = httpserver.url_for("").rstrip("/")
    settings.WA_BEARER_TOKEN = GRAPH_TOKEN
    settings.WA_API_VERSION = API_VERSION
    settings.WA_WABA_ID = WABA_ID
    seen: list[dict] = []

    def handle(request: Request) -> Response:
        seen.append({"args": dict(request.args), "auth": request.headers.get("Authorization")})
        page = PAGE_TWO if request.args.get("after") == "CURSOR2" else PAGE_ONE
        return Response(json.dumps(page), content_type="application/json")

    httpserver.expect_request(TEMPLATES_PATH, method="GET").respond_with_handler(handle)
    return seen


def test_sync_pages_through_every_template_with_the_after_cursor(template_api):
    # when
    count = templates_sync(page_size=1)
    # then
    assert count == 2
    assert [r["args"] for r in template_api] == [
        {"limit": "1"},
        {"limit": "1", "after": "CURSOR2"},
    ]
    assert all(r["auth"] == f"Bearer {GRAPH_TOKEN}" for r in template_api)
    english = MessageTemplate.objects.get(name="order_shipped", language="en")
    assert english.status == "APPROVED" and english.category == "utility"
    assert english.slots == ["header.1", "body.1", "body.2", "body.3", "button.0"]
    assert english.body_text == "Hi {{1}}, order {{2}} ({{3}}) shipped."
    assert MessageTemplate.objects.get(language="ar").status == "PENDING"


def test_sync_keeps_the_staff_purpose_and_slot_map(template_api):
    # given
    templates_sync()
    MessageTemplate.objects.filter(language="en").update(
        purpose="order_shipped", slot_map={"body.1": "customer_name", "button.0": "tracking_number"}
    )
    # when
    templates_sync()
    # then
    template = MessageTemplate.objects.get(language="en")
    assert template.purpose == "order_shipped"
    assert template.slot_map == {"body.1": "customer_name", "button.0": "tracking_number"}


def test_sync_command_and_beat_task_store_the_templates(template_api):
    # when
    call_command("sync_templates")
    stored = sync_templates_task()
    # then
    assert stored == 2
    assert MessageTemplate.objects.count() == 2


def test_sync_task_is_a_no_op_without_a_business_account_id(settings):
    # given
    settings.WA_WABA_ID = ""
    # when / then
    assert sync_templates_task() == 0


def _shipped(**overrides) -> MessageTemplate:
    fields = {
        "name": "order_shipped",
        "purpose": "order_shipped",
        "body": "Hi {{1}}, order {{2}} ({{3}}) shipped.",
        "button_url": "https://track.example/{{1}}",
        "slot_map": {
            "body.1": "customer_name",
            "body.2": "order_number",
            "body.3": "order_total",
            "button.0": "tracking_url_suffix",
        },
    }
    fields.update(overrides)
    return approved_template(**fields)


VALUES = {
    "customer_name": "Sara",
    "order_number": "ORD-1",
    "order_total": Money(amount=Decimal("12.34"), currency="USD"),
    "tracking_url_suffix": "https://track.example/AX123",
}


def test_an_approved_template_is_filled_through_its_slot_map():
    # when
    message = template_message_build(template=_shipped(), values=VALUES)
    # then
    assert [p.render() for p in message.body_params] == ["Sara", "ORD-1", "12.34 USD"]
    assert message.body_params[2].amount_1000 == 12340
    assert message.buttons[0].suffix == "AX123"
    assert message.preview == "Hi Sara, order ORD-1 (12.34 USD) shipped."


@pytest.mark.parametrize("status", ["PENDING", "REJECTED", "PAUSED", "DISABLED"])
def test_a_template_that_is_not_approved_is_refused(status):
    with pytest.raises(TemplateRefused, match="not APPROVED"):
        template_message_build(template=_shipped(status=status), values=VALUES)


def test_a_template_with_an_unmapped_slot_is_refused():
    # given
    template = _shipped(slot_map={"body.1": "customer_name", "body.2": "order_number"})
    # when / then
    with pytest.raises(TemplateRefused, match="not mapped"):
        template_message_build(template=template, values=VALUES)


def test_a_template_without_a_value_for_a_slot_is_refused():
    # given
    values = {**VALUES, "order_number": ""}
    # when / then
    with pytest.raises(TemplateRefused, match="no order_number"):
        template_message_build(template=_shipped(), values=values)


def test_a_button_url_from_another_site_is_refused():
    # given
    values = {**VALUES, "tracking_url_suffix": "https://elsewhere.example/AX123"}
    # when / then
    with pytest.raises(TemplateRefused, match="does not start with"):
        template_message_build(template=_shipped(), values=values)


def test_a_queued_template_paused_before_its_send_is_not_sent(
    graph, django_capture_on_commit_callbacks
):
    # given: a template message queued, then Meta pauses the template
    customer = CustomerFactory()
    template = _shipped()
    message = template_message_build(template=template, values=VALUES)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = template_send(customer=customer, message=message)
    MessageTemplate.objects.filter(pk=template.pk).update(status="PAUSED")
    # when
    for callback in callbacks:
        callback()
    # then
    row.refresh_from_db()
    assert graph.sends == []
    assert row.status == DeliveryStatus.FAILED
    assert row.error_title == TEMPLATE_NOT_APPROVED_TITLE


def test_a_template_is_sent_outside_the_window_through_the_outbox(
    graph, django_capture_on_commit_callbacks
):
    # given: the customer never wrote (no window)
    customer = CustomerFactory(last_inbound_at=None)
    message = template_message_build(template=_shipped(), values=VALUES)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        row = template_send(customer=customer, message=message)
    # then
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT
    assert [s["type"] for s in graph.sends] == ["template"]
    assert graph.sends[0]["to"] == customer.wa_id
    assert row.text == "Hi Sara, order ORD-1 (12.34 USD) shipped."
    assert isinstance(message, Template)
    assert Chat.objects.get(customer=customer).messages.count() == 1
    assert Message.objects.get().msg_type == "template"
