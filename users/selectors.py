from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import Customer

SERVICE_WINDOW = timedelta(hours=24)


def customer_get(*, wa_id: str) -> Customer | None:
    return Customer.objects.filter(wa_id=wa_id).first()


def customer_in_service_window(*, customer: Customer) -> bool:
    """True while Meta allows free-form messages: 24 h after the customer's last message."""
    if customer.last_inbound_at is None:
        return False
    return timezone.now() - customer.last_inbound_at < SERVICE_WINDOW


def customer_list(*, search: str | None = None) -> QuerySet[Customer]:
    """Customers, most recently seen first; `search` matches the WhatsApp id or the
    profile name."""
    qs = Customer.objects.order_by("-last_seen_at", "-id")
    if search:
        qs = qs.filter(Q(wa_id__icontains=search) | Q(profile_name__icontains=search))
    return qs


def customer_counts_wrote_since(*, starts: Sequence[datetime]) -> list[int]:
    """For each start, the customers who wrote to us between it and now (the staff
    dashboard's "conversations"): those whose newest message is at or after it. Exact for
    periods that end now, and one read of the customer table, where counting distinct chats
    over the message log would read every inbound message of the period."""
    counts = Customer.objects.filter(last_inbound_at__gte=min(starts)).aggregate(
        **{
            f"p{i}": Count("id", filter=Q(last_inbound_at__gte=start))
            for i, start in enumerate(starts)
        }
    )
    return [counts[f"p{i}"] for i in range(len(starts))]
