"""The inbox drain's hand-written reads (wa_gateway.selectors) load what the querysets they
replace load."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import ChatFactory, CustomerFactory
from wa_gateway.models import InboundEvent
from wa_gateway.selectors import inbound_event_latest_unprocessed, inbound_event_list_unprocessed

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 1, 12, 0, 0, 250000, tzinfo=UTC)


def _event(customer, n: int, *, at: datetime, processed: bool = False) -> InboundEvent:
    return InboundEvent.objects.create(
        wamid=f"wamid.sel.{customer.pk}.{n}",
        customer=customer,
        msg_type="text",
        timestamp=at,
        payload={"type": "text", "text": {"body": f"مرحبا {n}"}},
        processed_at=at if processed else None,
    )


def test_unprocessed_events_are_whole_rows_in_timestamp_then_id_order():
    # given: two events at one instant, an older one, a processed one, another customer's
    customer = CustomerFactory()
    _event(customer, 1, at=T0)
    _event(customer, 2, at=T0)
    _event(customer, 3, at=T0 - timedelta(seconds=5))
    _event(customer, 4, at=T0 - timedelta(seconds=9), processed=True)
    _event(CustomerFactory(), 5, at=T0)
    orm = list(
        InboundEvent.objects.filter(customer=customer, processed_at__isnull=True).order_by(
            "timestamp", "id"
        )
    )
    # when
    lean = inbound_event_list_unprocessed(customer_id=customer.pk)
    # then
    assert [e.pk for e in lean] == [e.pk for e in orm]
    for got, want in zip(lean, orm, strict=True):
        for field in InboundEvent._meta.concrete_fields:
            assert getattr(got, field.attname) == getattr(want, field.attname), field.name
        assert got.timestamp.tzinfo is not None
        assert got._state.adding is False


def test_latest_unprocessed_event_names_the_customers_chat_once_there_is_one():
    # given: a new customer (no chat yet) with two unprocessed events
    customer = CustomerFactory()
    _event(customer, 1, at=T0 - timedelta(seconds=1))
    _event(customer, 2, at=T0)
    # when / then
    assert inbound_event_latest_unprocessed(customer_id=customer.pk) == (
        f"wamid.sel.{customer.pk}.2",
        T0,
        None,
    )
    chat = ChatFactory(customer=customer)
    assert inbound_event_latest_unprocessed(customer_id=customer.pk)[2] == chat.pk


def test_an_empty_inbox_has_no_latest_event():
    # given
    customer = CustomerFactory()
    _event(customer, 1, at=T0, processed=True)
    # when / then
    assert inbound_event_latest_unprocessed(customer_id=customer.pk) is None
    assert inbound_event_list_unprocessed(customer_id=customer.pk) == []
