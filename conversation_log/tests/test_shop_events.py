"""The funnel's search and checkout events: recording them, and the dashboard's counts of
distinct customers per period and its searches with no result."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conversation_log.models import SHOP_EVENT_QUERY_MAX, ShopEvent, ShopEventKind
from conversation_log.selectors import shop_event_customer_counts, shop_search_no_result_list
from conversation_log.services import shop_event_record
from tests.factories import CustomerFactory
from users.models import Customer

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
WEEK, MONTH = NOW - timedelta(days=7), NOW - timedelta(days=30)


def _event(
    customer: Customer, kind: str, at: datetime, *, query: str = "", results: int = 0
) -> ShopEvent:
    event = shop_event_record(
        kind=kind,
        customer_id=customer.pk,
        query=query,
        language=customer.language,
        results=results,
    )
    ShopEvent.objects.filter(pk=event.pk).update(created_at=at)
    return event


# --- recording ---------------------------------------------------------------------------
def test_a_search_is_stored_lower_case_with_whitespace_collapsed_and_capped() -> None:
    # given
    customer = CustomerFactory()

    # when
    event = shop_event_record(
        kind=ShopEventKind.SEARCH,
        customer_id=customer.pk,
        query="  Smart \t RING  " + "x" * 500,
        language="en",
        results=0,
    )

    # then
    event.refresh_from_db()
    assert event.query.startswith("smart ring x")
    assert len(event.query) == SHOP_EVENT_QUERY_MAX
    assert (event.kind, event.language, event.results) == ("search", "en", 0)


def test_a_checkout_started_keeps_no_query() -> None:
    # when
    event = shop_event_record(
        kind=ShopEventKind.CHECKOUT_STARTED, customer_id=CustomerFactory().pk, query="tv"
    )

    # then
    assert event.query == ""


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        shop_event_record(kind="visit", customer_id=CustomerFactory().pk)


# --- counts per period -------------------------------------------------------------------
def test_each_period_counts_each_customer_once_per_kind() -> None:
    # given
    a, b, c = CustomerFactory(), CustomerFactory(), CustomerFactory()
    for at in (NOW - timedelta(days=1), NOW - timedelta(days=2)):
        _event(a, ShopEventKind.SEARCH, at, query="tv", results=2)
    _event(b, ShopEventKind.SEARCH, NOW - timedelta(days=3), query="tv", results=2)
    _event(c, ShopEventKind.SEARCH, NOW - timedelta(days=20), query="tv", results=2)
    _event(c, ShopEventKind.SEARCH, NOW - timedelta(days=40), query="tv", results=2)
    _event(a, ShopEventKind.CHECKOUT_STARTED, NOW - timedelta(days=1))
    _event(a, ShopEventKind.CHECKOUT_STARTED, NOW - timedelta(days=5))
    _event(c, ShopEventKind.CHECKOUT_STARTED, NOW - timedelta(days=10))
    _event(b, ShopEventKind.CHECKOUT_STARTED, NOW + timedelta(hours=1))  # after `until`

    # when
    week, month = shop_event_customer_counts(starts=[WEEK, MONTH], until=NOW)

    # then
    assert (week.searchers, week.checkouts) == (2, 1)
    assert (month.searchers, month.checkouts) == (3, 2)


def test_counts_are_zero_without_events() -> None:
    # when
    (week,) = shop_event_customer_counts(starts=[WEEK], until=NOW)

    # then
    assert (week.searchers, week.checkouts) == (0, 0)


# --- searches with no result -------------------------------------------------------------
def test_searches_with_no_result_are_grouped_by_their_words_most_searched_first() -> None:
    # given
    a, b = CustomerFactory(), CustomerFactory(language="ar")
    _event(a, ShopEventKind.SEARCH, NOW - timedelta(days=1), query="Drone")
    _event(a, ShopEventKind.SEARCH, NOW - timedelta(days=2), query="drone ")
    _event(b, ShopEventKind.SEARCH, NOW - timedelta(days=3), query="DRONE")
    _event(b, ShopEventKind.SEARCH, NOW - timedelta(days=4), query="سكوتر  كهربائي")
    _event(a, ShopEventKind.SEARCH, NOW - timedelta(days=1), query="laptop", results=5)
    _event(a, ShopEventKind.SEARCH, NOW - timedelta(days=40), query="ps5 pro")
    _event(a, ShopEventKind.SEARCH, NOW - timedelta(days=1), query="")  # a budget alone
    _event(a, ShopEventKind.CHECKOUT_STARTED, NOW - timedelta(days=1))

    # when
    rows = shop_search_no_result_list(since=MONTH, until=NOW)

    # then
    assert [(r.query, r.count, r.customers) for r in rows] == [
        ("drone", 3, 2),
        ("سكوتر كهربائي", 1, 1),
    ]
    assert rows[0].last_at == NOW - timedelta(days=1)
    assert rows[1].language == "ar"


def test_no_result_list_keeps_the_top_ones() -> None:
    # given
    customer = CustomerFactory()
    for n in range(12):
        for _ in range(n + 1):
            _event(customer, ShopEventKind.SEARCH, NOW - timedelta(days=1), query=f"thing {n}")

    # when
    rows = shop_search_no_result_list(since=MONTH, until=NOW, limit=10)

    # then
    assert [r.query for r in rows] == [f"thing {n}" for n in range(11, 1, -1)]
