"""webhook_ingest: one transaction per delivery, run again when the database picks it as a
deadlock victim, never for other errors."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from users.models import Customer
from wa_gateway import services
from wa_gateway.models import InboundEvent
from wa_gateway.parsing import parse_webhook

from . import payloads

pytestmark = pytest.mark.django_db


def _flaky_once(monkeypatch, error: OperationalError) -> list[int]:
    """Make the first attempt fail with `error` after doing its work (rolled back)."""
    real = services._webhook_ingest_once
    calls: list[int] = []

    def attempt(*, webhook):
        calls.append(1)
        if len(calls) == 1:
            raise error
        return real(webhook=webhook)

    monkeypatch.setattr(services, "_webhook_ingest_once", attempt)
    return calls


def test_a_deadlock_victim_is_ingested_on_the_next_attempt(monkeypatch):
    # given
    calls = _flaky_once(monkeypatch, OperationalError(1213, "Deadlock found"))
    webhook = parse_webhook(payloads.text_message("966541000001", "hi", wamid="wamid.DL1"))
    # when
    customers = services.webhook_ingest(webhook=webhook)
    # then
    assert len(calls) == 2
    customer = Customer.objects.get(wa_id="966541000001")
    assert customers == {customer.pk}
    assert InboundEvent.objects.filter(wamid="wamid.DL1", customer=customer).count() == 1


def test_other_database_errors_are_not_retried(monkeypatch):
    # given
    calls = _flaky_once(monkeypatch, OperationalError(2006, "MySQL server has gone away"))
    webhook = parse_webhook(payloads.text_message("966541000002", "hi", wamid="wamid.DL2"))
    # when
    with pytest.raises(OperationalError):
        services.webhook_ingest(webhook=webhook)
    # then
    assert len(calls) == 1


def _text_from(wa_id: str, wamid: str, name: str) -> dict:
    return payloads.webhook(
        messages=[payloads.message(wa_id=wa_id, kind="text", content={"body": "hi"}, wamid=wamid)],
        names={wa_id: name},
    )


def test_the_upsert_refreshes_the_profile_name_and_keeps_it_when_meta_sends_none():
    # given
    wa_id = "966541000003"
    deliveries = [
        _text_from(wa_id, "wamid.P1", "Old Name"),
        _text_from(wa_id, "wamid.P2", "New Name"),
        _text_from(wa_id, "wamid.P3", ""),
    ]
    # when
    for payload in deliveries:
        services.webhook_ingest(webhook=parse_webhook(payload))
    # then
    customer = Customer.objects.get(wa_id=wa_id)
    assert customer.profile_name == "New Name"
    assert customer.last_inbound_at is not None and customer.last_seen_at is not None
    assert InboundEvent.objects.filter(customer=customer).count() == 3
