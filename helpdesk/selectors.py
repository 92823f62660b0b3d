"""Reads of the FAQ."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import FAQ


def faq_list(*, topic: str | None = None) -> QuerySet[FAQ]:
    """Active FAQs in display order, optionally of one topic."""
    qs = FAQ.objects.filter(active=True)
    if topic:
        qs = qs.filter(topic=topic)
    return qs.order_by("topic", "sort_order", "id")
