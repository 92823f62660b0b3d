"""The funnel's search and checkout events: recording them (with each customer's newest event
per kind, ShopEventLatest), and the dashboard's counts of distinct customers per period and
its searches with no result."""

from __future__ import annotations

import importlib
import random
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.db.models import Count, Q

from conversation_log.models import (
    SHOP_EVENT_QUERY_MAX,
    ShopEvent,
    ShopEventKind,
    ShopEventLatest,
)
from conversation_log.selectors import shop_event_customer_counts, shop_search_no_result_list
from conversation_log.services import shop_event_purge_before, shop_event_record
from tests.factories import CustomerFactory
from users.models import Customer

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
WEEK, MONTH = NOW - timedelta(days=7), NOW - timedelta(days=30)


def _event(
    customer: Customer, kind: str, at: datetime, *, query: str = "", results: int = 0
) -> ShopEvent:
    return shop_event_record(
        kind=kind,
        customer_id=customer.pk,
        query=query,
        language=customer.language,
        results=results,
        at=at,
    )


def _latest(customer: Customer) -> dict[str, datetime]:
    return dict(ShopEventLatest.objects.filter(customer=customer).values_list("kind", "last_at"))


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
    _event(b, ShopEventKind.CHECKOUT_STARTED, NOW - timedelta(days=31))  # before both periods

    # when
    week, month = shop_event_customer_counts(starts=[WEEK, MONTH])

    # then
    assert (week.searchers, week.checkouts) == (2, 1)
    assert (month.searchers, month.checkouts) == (3, 2)


def test_counts_are_zero_without_events() -> None:
    # when
    (week,) = shop_event_customer_counts(starts=[WEEK])

    # then
    assert (week.searchers, week.checkouts) == (0, 0)


def test_counts_equal_distinct_customers_of_the_events_themselves() -> None:
    """The old definition (COUNT DISTINCT customer over the events in the period) and the
    newest-event rows agree, on events recorded in no particular order."""
    # given
    rng = random.Random(17)
    customers = [CustomerFactory() for _ in range(12)]
    for _ in range(80):
        _event(
            rng.choice(customers),
            rng.choice(ShopEventKind.values),
            NOW - timedelta(hours=rng.randrange(1, 45 * 24)),
            query="tv",
            results=1,
        )
    starts = [NOW - timedelta(days=days) for days in (1, 7, 30, 40)]

    # when
    counts = shop_event_customer_counts(starts=starts)

    # then
    expected = ShopEvent.objects.aggregate(
        **{
            f"{kind}{i}": Count(
                "customer_id", distinct=True, filter=Q(kind=kind, created_at__gte=start)
            )
            for i, start in enumerate(starts)
            for kind in ShopEventKind.values
        }
    )
    assert [(c.searchers, c.checkouts) for c in counts] == [
        (expected[f"search{i}"], expected[f"checkout{i}"]) for i in range(len(starts))
    ]
    assert expected["search3"] > expected["search1"] > 0  # the periods do differ


# --- each customer's newest event --------------------------------------------------------
def test_each_event_moves_the_customers_newest_of_its_kind_only() -> None:
    # given
    customer = CustomerFactory()
    with time_machine.travel(NOW - timedelta(days=2), tick=False):
        shop_event_record(kind=ShopEventKind.SEARCH, customer_id=customer.pk, query="tv")
        shop_event_record(kind=ShopEventKind.CHECKOUT_STARTED, customer_id=customer.pk)

    # when
    with time_machine.travel(NOW, tick=False):
        shop_event_record(kind=ShopEventKind.SEARCH, customer_id=customer.pk, query="tv")
        shop_event_record(kind=ShopEventKind.SEARCH, customer_id=customer.pk, query="radio")

    # then: one row per kind, a second search the same instant is no second row
    assert ShopEventLatest.objects.filter(customer=customer).count() == 2
    assert _latest(customer) == {"search": NOW, "checkout": NOW - timedelta(days=2)}


def test_a_backdated_event_never_moves_the_newest_backwards() -> None:
    # given
    customer = CustomerFactory()
    _event(customer, ShopEventKind.SEARCH, NOW - timedelta(days=1))

    # when
    older = _event(customer, ShopEventKind.SEARCH, NOW - timedelta(days=9))
    _event(customer, ShopEventKind.SEARCH, NOW - timedelta(days=1))  # the same time again

    # then
    older.refresh_from_db()
    assert older.created_at == NOW - timedelta(days=9)
    assert _latest(customer) == {"search": NOW - timedelta(days=1)}


def test_the_purge_drops_the_newest_rows_with_no_event_left_and_keeps_the_others() -> None:
    # given
    gone, stays = CustomerFactory(), CustomerFactory()
    _event(gone, ShopEventKind.SEARCH, NOW - timedelta(days=100))
    _event(stays, ShopEventKind.SEARCH, NOW - timedelta(days=100))
    _event(stays, ShopEventKind.SEARCH, NOW - timedelta(days=10))

    # when
    events, latest = shop_event_purge_before(before=NOW - timedelta(days=90), batch_size=1)

    # then
    assert (events, latest) == (2, 1)
    assert _latest(gone) == {}
    assert _latest(stays) == {"search": NOW - timedelta(days=10)}
    assert shop_event_customer_counts(starts=[MONTH])[0].searchers == 1


def test_the_migration_fills_the_newest_rows_from_the_events_recorded_before_it() -> None:
    # given: events recorded without their newest rows (as before the migration)
    fill = importlib.import_module(
        "conversation_log.migrations.0008_shop_event_latest_and_no_result_index"
    ).shop_event_latest_fill
    a, b = CustomerFactory(), CustomerFactory()
    _event(a, ShopEventKind.SEARCH, NOW - timedelta(days=3))
    _event(a, ShopEventKind.SEARCH, NOW - timedelta(days=1))
    _event(a, ShopEventKind.CHECKOUT_STARTED, NOW - timedelta(days=2))
    _event(b, ShopEventKind.SEARCH, NOW - timedelta(days=20))
    ShopEventLatest.objects.all().delete()

    # when
    fill(apps, None)
    fill(apps, None)  # a second run adds nothing

    # then
    assert _latest(a) == {"search": NOW - timedelta(days=1), "checkout": NOW - timedelta(days=2)}
    assert _latest(b) == {"search": NOW - timedelta(days=20)}


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
