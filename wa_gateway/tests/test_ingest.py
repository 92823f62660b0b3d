"""webhook_ingest: a batch stored in one transaction, a known customer's message by one
statement, the customer written when new or renamed, a deadlock victim run again whole,
other errors never (and nothing of the batch stored)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from users.models import Customer
from wa_gateway import services
from wa_gateway.models import InboundEvent
from wa_gateway.parsing import parse_webhook
from wa_gateway.tasks import process_inbound_task

from . import payloads

pytestmark = pytest.mark.django_db


def _flaky_once(monkeypatch, error: OperationalError) -> list[int]:
    """Make the first event insert fail with `error` (the database rolled it back)."""
    real = services._event_insert_for_current_customer
    calls: list[int] = []

    def insert(message):
        calls.append(1)
        if len(calls) == 1:
            raise error
        return real(message)

    monkeypatch.setattr(services, "_event_insert_for_current_customer", insert)
    return calls


@pytest.mark.parametrize(
    "error",
    [
        OperationalError(1213, "Deadlock found"),
        # the same deadlock met on the table's AUTO-INC lock (see services)
        OperationalError(1467, "Failed to read auto-increment value from storage engine"),
    ],
)
def test_a_deadlock_victim_is_ingested_on_the_next_attempt(monkeypatch, error):
    # given
    calls = _flaky_once(monkeypatch, error)
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


def _failing_on_call(monkeypatch, error: OperationalError, *, call: int) -> list[str]:
    """Make the `call`-th event insert (counted over every attempt) fail with `error`."""
    real = services._event_insert_for_current_customer
    wamids: list[str] = []

    def insert(message):
        wamids.append(message.wamid)
        if len(wamids) == call:
            raise error
        return real(message)

    monkeypatch.setattr(services, "_event_insert_for_current_customer", insert)
    return wamids


def _batch(*wamids: str) -> dict:
    return payloads.webhook(
        messages=[
            payloads.message(
                wa_id=f"96654200000{i}", kind="text", content={"body": "hi"}, wamid=wamid
            )
            for i, wamid in enumerate(wamids)
        ]
    )


def test_a_deadlock_late_in_a_batch_runs_the_whole_batch_again(monkeypatch):
    # given: the third message of three is picked as a deadlock victim once
    wamids = _failing_on_call(monkeypatch, OperationalError(1213, "Deadlock found"), call=3)
    webhook = parse_webhook(_batch("wamid.B1", "wamid.B2", "wamid.B3"))
    # when
    customers = services.webhook_ingest(webhook=webhook)
    # then: all three again, from the first, each stored once
    assert wamids == ["wamid.B1", "wamid.B2", "wamid.B3"] * 2
    assert len(customers) == 3
    assert InboundEvent.objects.count() == 3


def test_an_error_late_in_a_batch_stores_nothing_of_it(monkeypatch):
    # given: the database goes away at the last message of three
    _failing_on_call(monkeypatch, OperationalError(2006, "MySQL server has gone away"), call=3)
    webhook = parse_webhook(_batch("wamid.G1", "wamid.G2", "wamid.G3"))
    # when
    with pytest.raises(OperationalError):
        services.webhook_ingest(webhook=webhook)
    # then: Meta redelivers the batch; nothing of it is half-stored meanwhile
    assert not InboundEvent.objects.exists()
    assert not Customer.objects.exists()


def _text_from(wa_id: str, wamid: str, name: str, ts: int | None = None) -> dict:
    return payloads.webhook(
        messages=[
            payloads.message(wa_id=wa_id, kind="text", content={"body": "hi"}, wamid=wamid, ts=ts)
        ],
        names={wa_id: name},
    )


def _ingest(payload: dict) -> set[int]:
    return services.webhook_ingest(webhook=parse_webhook(payload))


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
        _ingest(payload)
    # then
    customer = Customer.objects.get(wa_id=wa_id)
    assert customer.profile_name == "New Name"
    assert InboundEvent.objects.filter(customer=customer).count() == 3


_TRANSACTION_CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")


@pytest.mark.django_db(transaction=True)
def test_a_known_customers_message_is_stored_by_a_single_statement():
    # given
    wa_id = "966541000004"
    (customer_id,) = _ingest(_text_from(wa_id, "wamid.K1", "Noura"))
    # when / then: the same name, or none at all (a payload without contacts); the batch's
    # transaction and the savepoint that keeps a duplicate harmless are not data statements
    for wamid, name in (("wamid.K2", "Noura"), ("wamid.K3", "")):
        with CaptureQueriesContext(connection) as queries:
            assert _ingest(_text_from(wa_id, wamid, name)) == {customer_id}
        statements = [
            q["sql"]
            for q in queries
            if not q["sql"].lstrip().upper().startswith(_TRANSACTION_CONTROL)
        ]
        assert len(statements) == 1, statements
        assert statements[0].lstrip().upper().startswith("INSERT")
    assert InboundEvent.objects.filter(customer_id=customer_id).count() == 3
    assert Customer.objects.get(pk=customer_id).profile_name == "Noura"


@pytest.mark.django_db(transaction=True)
def test_without_insert_returning_a_message_is_stored_the_same_way(monkeypatch):
    # given: MySQL 8 has no INSERT ... RETURNING
    monkeypatch.setattr(connection.features, "can_return_columns_from_insert", False)
    wa_id = "966541000005"
    # when
    first = _ingest(_text_from(wa_id, "wamid.M1", "Old Name"))
    again = _ingest(_text_from(wa_id, "wamid.M2", "Old Name"))
    renamed = _ingest(_text_from(wa_id, "wamid.M3", "New Name"))
    duplicate = _ingest(_text_from(wa_id, "wamid.M3", "New Name"))
    # then
    customer = Customer.objects.get(wa_id=wa_id)
    assert first == again == renamed == {customer.pk}
    assert duplicate == set()
    assert customer.profile_name == "New Name"
    assert InboundEvent.objects.filter(customer=customer).count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_duplicate_of_a_known_customers_message_is_a_no_op():
    # given
    wa_id = "966541000007"
    _ingest(_text_from(wa_id, "wamid.R1", "Huda"))
    # when
    customers = _ingest(_text_from(wa_id, "wamid.R1", "Huda"))
    # then
    assert customers == set()
    assert InboundEvent.objects.filter(wamid="wamid.R1").count() == 1


def test_the_drain_opens_the_service_window_from_the_newest_message(graph):
    # given: two messages, sent 10 and 2 minutes ago, stored but not drained
    wa_id = "966541000008"
    now = timezone.now()
    for wamid, minutes in (("wamid.W1", 10), ("wamid.W2", 2)):
        ts = int((now - timedelta(minutes=minutes)).timestamp())
        _ingest(_text_from(wa_id, wamid, "Fahad", ts=ts))
    customer = Customer.objects.get(wa_id=wa_id)
    assert customer.last_inbound_at is None
    # when
    process_inbound_task(customer.pk)
    # then
    customer.refresh_from_db()
    newest = now.replace(microsecond=0) - timedelta(minutes=2)
    assert abs(customer.last_inbound_at - newest) <= timedelta(seconds=1)
    assert customer.last_seen_at >= now - timedelta(seconds=1)


def test_a_late_redelivery_of_an_old_message_does_not_move_the_window_back(graph):
    # given: the customer wrote a minute ago, and that was drained
    wa_id = "966541000009"
    now = timezone.now()
    _ingest(_text_from(wa_id, "wamid.L1", "Reem", ts=int(now.timestamp()) - 60))
    customer = Customer.objects.get(wa_id=wa_id)
    process_inbound_task(customer.pk)
    customer.refresh_from_db()
    window_start = customer.last_inbound_at
    # when: Meta delivers, only now, a message sent two days ago
    _ingest(_text_from(wa_id, "wamid.L0", "Reem", ts=int(now.timestamp()) - 2 * 86400))
    process_inbound_task(customer.pk)
    # then
    customer.refresh_from_db()
    assert customer.last_inbound_at == window_start


@pytest.mark.parametrize("sql_name", ["_EVENT_INSERT", "_EVENT_INSERT_SELECT"])
def test_the_raw_insert_writes_every_required_column_of_the_model_and_no_other(sql_name):
    # given: the hand-written INSERT of the fast path, and the model it must match
    sql = getattr(services, sql_name)
    columns = {c.strip() for c in sql.split("(", 1)[1].split(")", 1)[0].split(",")}
    fields = [f for f in InboundEvent._meta.concrete_fields if not f.primary_key]
    required = {f.column for f in fields if not f.null}
    # then: a column added to the model without a default breaks this test, not production
    assert columns <= {f.column for f in fields}
    assert required <= columns
