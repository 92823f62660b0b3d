"""`message_template_status_update` webhooks keep the stored templates' statuses current."""

from __future__ import annotations

import pytest

from conversation_log.models import MessageTemplate
from conversation_log.tests.template_factory import approved_template
from wa_gateway.parsing import parse_webhook
from wa_gateway.tests.payloads import now_ts

pytestmark = pytest.mark.django_db


def template_status(
    *,
    event: str,
    name: str = "order_shipped",
    language: str = "en",
    waba: str = "WABA-1",
    time: int | None = None,
) -> dict:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": waba,
                "time": time if time is not None else now_ts() + 1,
                "changes": [
                    {
                        "field": "message_template_status_update",
                        "value": {
                            "event": event,
                            "message_template_id": 1234567890,
                            "message_template_name": name,
                            "message_template_language": language,
                            "reason": "NONE" if event == "APPROVED" else "LOW_QUALITY",
                        },
                    }
                ],
            }
        ],
    }


def test_a_paused_template_webhook_updates_the_row(post_webhook):
    # given
    template = approved_template(name="order_shipped", purpose="order_shipped")
    # when
    response = post_webhook(template_status(event="PAUSED"))
    # then
    assert response.status_code == 200
    template.refresh_from_db()
    assert template.status == "PAUSED"
    assert template.status_reason == "LOW_QUALITY"
    assert template.status_updated_at is not None


def test_an_approved_template_webhook_approves_a_pending_template(post_webhook):
    # given
    template = approved_template(name="order_paid", purpose="order_paid", status="PENDING")
    # when
    post_webhook(template_status(event="APPROVED", name="order_paid"))
    # then
    template.refresh_from_db()
    assert template.status == "APPROVED"


def test_a_status_for_an_unknown_template_is_acknowledged_and_stores_nothing(post_webhook):
    # when
    response = post_webhook(template_status(event="APPROVED", name="never_synced"))
    # then
    assert response.status_code == 200
    assert not MessageTemplate.objects.exists()


def test_a_status_of_another_business_account_is_ignored(settings):
    # given
    settings.WA_WABA_ID = "OURS"
    # when
    parsed = parse_webhook(template_status(event="DISABLED", waba="THEIRS"))
    # then
    assert parsed.template_statuses == []


def test_a_template_status_with_a_number_for_a_name_is_refused(client):
    # given
    body = template_status(event="APPROVED")
    body["entry"][0]["changes"][0]["value"]["message_template_name"] = 42
    # when / then
    from wa_gateway.parsing import InvalidWebhook

    with pytest.raises(InvalidWebhook):
        parse_webhook(body)


def test_an_older_status_does_not_overwrite_a_newer_one(post_webhook):
    # given: paused, then a redelivery of the earlier approval arrives
    template = approved_template(name="order_shipped", purpose="order_shipped")
    post_webhook(template_status(event="PAUSED", time=now_ts() + 60))
    # when
    post_webhook(template_status(event="APPROVED", time=now_ts() + 30))
    # then
    template.refresh_from_db()
    assert template.status == "PAUSED"


def test_a_status_older_than_the_last_sync_is_ignored(post_webhook):
    # given: synced just now
    template = approved_template(name="order_shipped", purpose="order_shipped")
    # when: a delayed webhook from an hour ago
    post_webhook(template_status(event="REJECTED", time=now_ts() - 3600))
    # then
    template.refresh_from_db()
    assert template.status == "APPROVED"
