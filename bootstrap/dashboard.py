"""The staff dashboard at /admin/dashboard/: sales, funnel, gaps in the bot's knowledge,
the handoff queue, outbound delivery and Celery health, on one admin page (EN/AR).

Thin edge: every number comes from a selector (one aggregate query each); this module only
picks the periods, shapes the rows for the template and the charts' JSON.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import get_language_bidi, gettext_lazy
from django.utils.translation import gettext as _

from bootstrap.selectors import beat_schedule_list, celery_queue_depth, dashboard_funnel_list
from conversation_log.selectors import (
    chat_handoff_queue_head,
    message_delivery_counts,
    shop_search_no_result_list,
)
from helpdesk.selectors import unanswered_question_list_top
from orders.selectors import DailyOrders, order_daily_totals

SALES_DAYS = 30
FUNNEL_PERIODS = (7, 30)  # none longer than SALES_DAYS: the funnel sums their days' orders
DELIVERY_DAYS = 7
TOP_QUESTIONS = 10
NO_RESULT_DAYS = 30
TOP_NO_RESULT = 10
HANDOFF_ROWS = 50

FUNNEL_LABELS = {
    "conversations": gettext_lazy("Conversations"),
    "searches": gettext_lazy("Product searches"),
    "carts": gettext_lazy("Carts with an item"),
    "checkouts": gettext_lazy("Checkouts started"),
    "orders": gettext_lazy("Orders placed"),
    "paid": gettext_lazy("Paid"),
}
# Meta's error codes staff meet most often (DESIGN.md), named on the page.
META_ERRORS = {
    130429: gettext_lazy("Throughput limit reached"),
    131047: gettext_lazy("Outside the 24-hour window"),
    131026: gettext_lazy("Message undeliverable"),
    190: gettext_lazy("Access token expired"),
}


def period_start(*, days: int, now: datetime) -> datetime:
    """Local midnight (TIME_ZONE) `days - 1` days before today: "the last N days" are N
    calendar days, today included."""
    first_day = timezone.localdate(now) - timedelta(days=days - 1)
    return timezone.make_aware(datetime.combine(first_day, datetime.min.time()))


def _sales(now: datetime) -> dict[str, Any]:
    days = order_daily_totals(since=period_start(days=SALES_DAYS, now=now), until=now)
    revenue = sum((d.revenue for d in days), Decimal("0.00"))
    revenue_orders = sum(d.revenue_orders for d in days)
    return {
        "days": days,
        "orders": sum(d.orders for d in days),
        "revenue": revenue,
        "average": (revenue / revenue_orders).quantize(Decimal("0.01")) if revenue_orders else None,
        "currency": settings.DEFAULT_CURRENCY,
        "chart": {
            "days": [d.day.isoformat() for d in days],
            "orders": [d.orders for d in days],
            "revenue": [str(d.revenue) for d in days],
            "ordersLabel": _("Orders"),
            "revenueLabel": _("Revenue (%(currency)s)") % {"currency": settings.DEFAULT_CURRENCY},
            "rtl": get_language_bidi(),
        },
    }


def _funnel(now: datetime, *, daily: list[DailyOrders]) -> dict[str, Any]:
    """One row per step, one (count, percent) cell per period. Its orders placed are summed
    from the sales panel's days (`daily`, up to the same `now`; every period starts at a
    local midnight) rather than counted again."""
    periods = dashboard_funnel_list(
        starts=[period_start(days=days, now=now) for days in FUNNEL_PERIODS],
        until=now,
        daily=daily,
    )
    rows = []
    for index, step in enumerate(periods[0]):
        cells = []
        for steps in periods:
            rate = steps[index].rate
            cells.append(
                {"count": steps[index].count, "percent": None if rate is None else rate * 100}
            )
        rows.append({"key": step.key, "label": FUNNEL_LABELS[step.key], "cells": cells})
    return {"periods": FUNNEL_PERIODS, "rows": rows}


def _handoffs() -> dict[str, Any]:
    chats, total = chat_handoff_queue_head(limit=HANDOFF_ROWS)
    rows = [
        {
            "chat": chat,
            "since": chat.handoff_requested_at or chat.last_activity_at or chat.created_at,
        }
        for chat in chats
    ]
    return {"rows": rows, "total": total}


def _delivery(now: datetime) -> dict[str, Any]:
    counts = message_delivery_counts(since=period_start(days=DELIVERY_DAYS, now=now), until=now)
    return {
        "counts": counts,
        "failures": [
            {"code": code, "meaning": META_ERRORS.get(code, ""), "count": n}
            for code, n in counts.failure_codes
        ],
    }


def _no_result_searches(request: HttpRequest, now: datetime) -> dict[str, Any]:
    """The top searches that found nothing, each with the admin pages where staff fix it
    (shown only to those allowed to use them): a brand's aliases (an inline of the brand
    page, so the brand is picked first), a category's search terms, or a new product whose
    name is prefilled with the words (the admin's add form takes initial values from the
    query string)."""
    user = request.user
    can_alias = user.has_perm("brandkit.change_brand") and user.has_perm("brandkit.add_brandalias")
    can_terms = user.has_perm("inventory.change_category")
    can_product = user.has_perm("inventory.add_product")
    product_add = reverse("admin:inventory_product_add")
    rows = []
    for search in shop_search_no_result_list(
        since=period_start(days=NO_RESULT_DAYS, now=now), until=now, limit=TOP_NO_RESULT
    ):
        prefill = QueryDict(mutable=True)
        prefill["name_ar" if search.language == "ar" else "name_en"] = search.query
        rows.append(
            {
                "search": search,
                "product_url": f"{product_add}?{prefill.urlencode()}" if can_product else "",
            }
        )
    return {
        "rows": rows,
        "days": NO_RESULT_DAYS,
        "brands_url": reverse("admin:brandkit_brand_changelist") if can_alias else "",
        "categories_url": reverse("admin:inventory_category_changelist") if can_terms else "",
    }


@staff_member_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """The dashboard page; staff only (others are sent to the admin login)."""
    now = timezone.now()
    sales = _sales(now)
    context = {
        **admin.site.each_context(request),
        "title": _("Dashboard"),
        "now": now,
        "sales": sales,
        "funnel": _funnel(now, daily=sales["days"]),
        "questions": unanswered_question_list_top(limit=TOP_QUESTIONS),
        "can_make_faq": request.user.has_perm("helpdesk.add_faq"),
        "no_result": _no_result_searches(request, now),
        "handoffs": _handoffs(),
        "delivery": _delivery(now),
        "delivery_days": DELIVERY_DAYS,
        "queue_depth": celery_queue_depth(),
        "beat": beat_schedule_list(),
    }
    return TemplateResponse(request, "admin/dashboard.html", context)


def dashboard_urls() -> list[URLPattern]:
    """The dashboard's URL (to place before the admin's) and, as a side effect, the admin
    index template that links to it: django.contrib.admin is listed before bootstrap in
    INSTALLED_APPS, so an app template named admin/index.html would never be found."""
    admin.site.index_template = "admin/index_with_dashboard.html"
    return [path("admin/dashboard/", dashboard_view, name="admin_dashboard")]
