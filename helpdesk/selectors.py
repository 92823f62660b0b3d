"""Reads of the FAQ."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import FAQ, UnansweredQuestion, UnansweredStatus


def faq_list(*, topic: str | None = None) -> QuerySet[FAQ]:
    """Active FAQs in display order, optionally of one topic."""
    qs = FAQ.objects.filter(active=True)
    if topic:
        qs = qs.filter(topic=topic)
    return qs.order_by("topic", "sort_order", "id")


def unanswered_question_list_top(*, limit: int = 10) -> list[UnansweredQuestion]:
    """The open questions the bot could not answer, most asked first (for the staff
    dashboard; the (status, -count) index serves it)."""
    return list(
        UnansweredQuestion.objects.filter(status=UnansweredStatus.OPEN).order_by(
            "-count", "-last_asked_at", "id"
        )[:limit]
    )
