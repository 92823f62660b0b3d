"""Read-only views of the seeded shop, for `manage.py catalog_summary` and the demo, and the
funnel and Celery health of the staff dashboard."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from brandkit.models import Brand, SpecDefinition
from conversation_log.selectors import shop_event_customer_counts
from helpdesk.models import FAQ
from inventory.models import Category, Product
from orders.models import ShippingOption
from orders.selectors import DailyOrders, order_funnel_counts
from payments.models import PaymentOption
from users.selectors import customer_counts_wrote_since

if TYPE_CHECKING:
    import redis

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DepartmentSummary:
    """A top-level category with the active products in it and its subcategories."""

    slug: str
    name_en: str
    name_ar: str
    products: int
    in_stock: int
    price_min: Decimal | None
    price_max: Decimal | None


@dataclass(frozen=True)
class CatalogSummary:
    brands: int
    categories: int
    spec_definitions: int
    products: int
    active_products: int
    in_stock: int
    out_of_stock: int
    faqs: int
    shipping_options: int
    payment_options: int
    departments: tuple[DepartmentSummary, ...]


def catalog_summary_get() -> CatalogSummary:
    """Counts of the catalog and, per top-level category, products and price range.

    One grouped query over products (by leaf category), folded into departments in Python,
    so it stays fast with 100k products.
    """
    active = Product.objects.filter(active=True)
    in_stock = active.filter(stock__gt=0).count()
    active_count = active.count()
    per_category = {
        row["category_id"]: row
        for row in active.values("category_id").annotate(
            n=Count("id"),
            stocked=Count("id", filter=Q(stock__gt=0)),
            low=Min("price"),
            high=Max("price"),
        )
    }
    categories = list(Category.objects.all())
    parents = {c.pk: c.parent_id for c in categories}
    top_of: dict[int, int] = {}
    for pk in parents:  # climb to the root, whatever the depth of the tree
        node = pk
        while parents.get(node):
            node = parents[node]
        top_of[pk] = node
    departments = []
    for top in (c for c in categories if c.parent_id is None):
        rows = [row for pk, row in per_category.items() if top_of.get(pk) == top.pk]
        lows = [r["low"] for r in rows if r["low"] is not None]
        highs = [r["high"] for r in rows if r["high"] is not None]
        departments.append(
            DepartmentSummary(
                slug=top.slug,
                name_en=top.name_en,
                name_ar=top.name_ar,
                products=sum(r["n"] for r in rows),
                in_stock=sum(r["stocked"] for r in rows),
                price_min=min(lows) if lows else None,
                price_max=max(highs) if highs else None,
            )
        )
    return CatalogSummary(
        brands=Brand.objects.count(),
        categories=len(categories),
        spec_definitions=SpecDefinition.objects.count(),
        products=Product.objects.count(),
        active_products=active_count,
        in_stock=in_stock,
        out_of_stock=active_count - in_stock,
        faqs=FAQ.objects.filter(active=True).count(),
        shipping_options=ShippingOption.objects.filter(active=True).count(),
        payment_options=PaymentOption.objects.filter(active=True).count(),
        departments=tuple(departments),
    )


# --- Staff dashboard (bootstrap.dashboard) ------------------------------------------------
CELERY_QUEUE = "celery"  # Celery's default queue: no task is routed elsewhere


@dataclass(frozen=True)
class FunnelStep:
    """One step of the sales funnel: its count (None when the data to measure it is not
    stored) and the rate from the previous measured step (None for the first step, or
    when either count is unknown or zero)."""

    key: str
    count: int | None
    rate: float | None


def dashboard_funnel_list(
    *,
    starts: Sequence[datetime],
    until: datetime | None = None,
    daily: Sequence[DailyOrders] | None = None,
) -> list[tuple[FunnelStep, ...]]:
    """The sales funnel of each period from a start to now: conversations (customers who
    wrote) → product searches (customers who had a search answered) → carts with an item →
    checkouts started (customers) → orders placed → paid (five aggregate queries for all
    periods together). `until` ends the order-side steps (default: the current time);
    with `daily`, the page's orders per day up to that same `until`, orders placed are
    summed from it (four queries; every start must then be a local midnight).

    Each step is counted on its own date in the period, not as a cohort of customers.
    Searches and checkouts count customers once however often they searched or started
    a checkout, so their rate is comparable with "conversations".
    """
    now = timezone.now() if until is None else until
    conversations = customer_counts_wrote_since(starts=starts)
    events = shop_event_customer_counts(starts=starts)
    orders = order_funnel_counts(starts=starts, until=now, daily=daily)
    return [
        _funnel_steps(
            [
                ("conversations", talked),
                ("searches", customers.searchers),
                ("carts", period.carts_with_items),
                ("checkouts", customers.checkouts),
                ("orders", period.orders_placed),
                ("paid", period.orders_paid),
            ]
        )
        for talked, customers, period in zip(conversations, events, orders, strict=True)
    ]


def _funnel_steps(counts: list[tuple[str, int | None]]) -> tuple[FunnelStep, ...]:
    steps = []
    previous: int | None = None
    for key, count in counts:
        rate = count / previous if count is not None and previous else None
        steps.append(FunnelStep(key=key, count=count, rate=rate))
        if count is not None:
            previous = count
    return tuple(steps)


# One connection pool per Redis URL and process: the dashboard asks on every render, and
# a client of its own each time opened a new connection (~1 ms of its Python time).
_REDIS_POOLS: dict[str, redis.ConnectionPool] = {}


def celery_queue_depth(*, redis_url: str | None = None) -> int | None:
    """Tasks waiting in the broker's default queue (Redis LLEN), or None when there is no
    Redis broker or it does not answer within a second: the dashboard must render while
    Redis is down, that is when it is needed."""
    url = settings.REDIS_URL if redis_url is None else redis_url
    if not url:
        return None
    import redis

    pool = _REDIS_POOLS.get(url)
    if pool is None:
        pool = _REDIS_POOLS.setdefault(
            url, redis.ConnectionPool.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        )
    client = redis.Redis(connection_pool=pool)
    try:
        return int(client.llen(CELERY_QUEUE))
    except redis.RedisError:
        logger.warning("celery queue depth unavailable", exc_info=True)
        return None
    finally:
        client.close()


@dataclass(frozen=True)
class BeatRun:
    name: str
    task: str
    enabled: bool
    last_run_at: datetime | None


def beat_schedule_list() -> list[BeatRun]:
    """Every Celery beat schedule with the last time beat sent it (None: never)."""
    return [
        BeatRun(name=name, task=task, enabled=enabled, last_run_at=last_run_at)
        for name, task, enabled, last_run_at in PeriodicTask.objects.order_by("name").values_list(
            "name", "task", "enabled", "last_run_at"
        )
    ]
