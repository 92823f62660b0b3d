"""The dashboard's "conversations": customers who wrote to us in a period ending now."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import CustomerFactory
from users.selectors import customer_counts_wrote_since

pytestmark = pytest.mark.django_db


def test_customers_who_wrote_are_counted_per_period() -> None:
    # given
    now = timezone.now()
    CustomerFactory(last_inbound_at=now - timedelta(days=1))
    CustomerFactory(last_inbound_at=now - timedelta(days=10))
    CustomerFactory(last_inbound_at=now - timedelta(days=40))
    CustomerFactory(last_inbound_at=None)  # never wrote

    # when
    week, month = customer_counts_wrote_since(
        starts=[now - timedelta(days=7), now - timedelta(days=30)]
    )

    # then
    assert (week, month) == (1, 2)
