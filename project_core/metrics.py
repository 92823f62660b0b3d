"""Prometheus metrics: their definitions, and `GET /metrics` that exposes them.

Every metric of the shop is defined here (names `shop_*`) and recorded where its event
happens, with low-cardinality labels only: never a phone number, wamid, SKU or free text.

Processes: gunicorn and Celery run several worker processes, each with its own memory. With
PROMETHEUS_MULTIPROC_DIR set (prometheus_client's multiprocess mode) every process writes its
values to mmapped files in that directory and the scrape sums them, so one scrape of any web
worker sees every process on the machine that shares the directory (web and Celery workers).
Without it (dev, tests) the default single-process registry is used. A directory that is set
but missing or not writable is logged as a WARNING and this process falls back to the
single-process registry (its own values only) instead of failing every metric write; see
docs/OPERATIONS.md "Metrics" for creating and emptying the directory.

Access to `/metrics` (403 otherwise): from an address in METRICS_ALLOWED_IPS (REMOTE_ADDR,
never X-Forwarded-For; and a request that came through a proxy, i.e. carries a forwarding
header, is not "internal" even when the proxy's own address is), with
`Authorization: Bearer <METRICS_TOKEN>`, or as a logged-in staff user (admin session or DRF
token).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Iterable, Iterator
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)
from prometheus_client.core import GaugeMetricFamily, Metric

logger = logging.getLogger(__name__)


def _multiprocess_dir() -> str | None:
    """The usable multiprocess directory, or None (single-process registry). Decided once,
    before the first metric is built: a metric keeps the value class it was built with."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if path and os.path.isdir(path) and os.access(path, os.W_OK | os.X_OK):
        return path
    if path:
        logger.warning(
            "PROMETHEUS_MULTIPROC_DIR=%s is not a writable directory: metrics fall back to "
            "this process's own registry (a scrape sees one process only)",
            path,
        )
    # prometheus_client chose its value class when it was imported, mmapped files whenever
    # the variable exists (even empty): in-memory values instead.
    values.ValueClass = values.MutexValue
    return None


MULTIPROCESS_DIR = _multiprocess_dir()

# --- Webhook and inbox (wa_gateway) --------------------------------------------------------
WEBHOOK_OUTCOMES = ("ok", "bad_request", "forbidden", "too_large", "foreign")
WEBHOOK_REQUESTS = Counter(
    "shop_webhook_requests",
    "POST /hook/ requests by outcome (foreign: every change was for another phone number id).",
    ["outcome"],
)
INBOUND_EVENTS = Counter(
    "shop_inbound_events",
    "Inbound messages in accepted webhooks, stored as InboundEvents (a redelivered duplicate "
    "is counted again but stored once).",
)
INBOX_DRAINS = Counter("shop_inbox_drains", "Inbox drain tasks run (an empty one included).")
INBOX_EVENTS_HANDLED = Counter(
    "shop_inbox_events_handled",
    "Inbound events handed to the dialog engine by a drain (error: the engine raised).",
    ["result"],
)
TURN_SECONDS = Histogram(
    "shop_turn_seconds",
    "From an inbound event's arrival (received_at) to its turn's replies committed and "
    "their sends enqueued.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 45, 60),
)
SWEEPER_REENQUEUED = Counter(
    "shop_sweeper_reenqueued",
    "Work a sweeper found stuck and enqueued again (inbox: customers with unprocessed "
    "events; outbox: chats with queued messages).",
    ["sweeper"],
)

# --- Outbound sends (message_bus) ------------------------------------------------------------
# status: sent | failed | retry | opted_out; error_code: Meta's error code, else the HTTP
# status, else "" (never a message or free text).
OUTBOUND_SENDS = Counter(
    "shop_outbound_sends",
    "Outbound Graph API send attempts by result.",
    ["status", "error_code"],
)
OUTBOUND_SEND_SECONDS = Histogram(
    "shop_outbound_send_seconds",
    "Duration of one Graph API send request.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30),
)

# --- AI, search, orders ----------------------------------------------------------------------
LLM_OUTCOMES = ("ok", "unavailable", "rejected_schema")
LLM_CALLS = Counter(
    "shop_llm_calls",
    "LLM requests by purpose and outcome (unavailable: not configured, timeout, HTTP error; "
    "rejected_schema: the answer failed validation).",
    ["purpose", "outcome"],
)
LLM_CALL_SECONDS = Histogram(
    "shop_llm_call_seconds",
    "Duration of one LLM call (retries of the SDK included).",
    ["purpose"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60),
)
ASSISTANT_FALLBACK_REASONS = ("unavailable", "grounding", "language")
ASSISTANT_FALLBACKS = Counter(
    "shop_assistant_fallbacks",
    "Assistant answers that fell back to the deterministic text, by reason.",
    ["reason"],
)
SEARCH_SECONDS = Histogram(
    "shop_search_seconds",
    "Duration of a product search by entry point (product_search, recommend).",
    ["entry"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
ORDERS_PLACED = Counter(
    "shop_orders_placed",
    "Orders placed (committed; an idempotent replay is not counted), by payment kind.",
    ["payment_kind"],
)

# The webhook's hot path takes its child from here: a dict lookup instead of labels().
WEBHOOK_OUTCOME = {
    outcome: WEBHOOK_REQUESTS.labels(outcome=outcome) for outcome in WEBHOOK_OUTCOMES
}
# Series that exist (at 0) from the start, so rate() and alerts see them before the first
# event.
for _result in ("ok", "error"):
    INBOX_EVENTS_HANDLED.labels(result=_result)
for _sweeper in ("inbox", "outbox"):
    SWEEPER_REENQUEUED.labels(sweeper=_sweeper)
for _reason in ASSISTANT_FALLBACK_REASONS:
    ASSISTANT_FALLBACKS.labels(reason=_reason)
for _entry in ("product_search", "recommend"):
    SEARCH_SECONDS.labels(entry=_entry)


# --- Celery queue depth, read from the broker at scrape time --------------------------------
BROKER_TIMEOUT_SECONDS = 1


class QueueDepthCollector:
    """`shop_celery_queue_depth{queue}`: the length of Celery's default queue (a Redis list),
    read when Prometheus scrapes. No sample without REDIS_URL or when Redis does not answer
    within BROKER_TIMEOUT_SECONDS (alert on its absence)."""

    def collect(self) -> Iterator[Metric]:
        url = settings.REDIS_URL
        if not url:
            return
        queue = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "") or "celery"
        try:
            depth = _redis_llen(url, queue)
        except Exception as exc:  # noqa: BLE001 - a scrape must never fail on the broker
            logger.warning("metrics: queue depth unavailable (%s)", exc.__class__.__name__)
            return
        family = GaugeMetricFamily(
            "shop_celery_queue_depth", "Tasks waiting in the Celery queue.", labels=["queue"]
        )
        family.add_metric([queue], depth)
        yield family


def _redis_llen(url: str, key: str) -> int:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    client = redis.Redis.from_url(
        url,
        socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
        socket_timeout=BROKER_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),  # redis-py retries 3 times by default
    )
    try:
        return int(client.llen(key))
    finally:
        client.close()


class _Scrape:
    """What one scrape exposes: the process's (or all processes') metrics and the queue
    depth. Built per request, so nothing global is registered."""

    def __init__(self, sources: Iterable) -> None:
        self.sources = list(sources)

    def collect(self) -> Iterator[Metric]:
        for source in self.sources:
            yield from source.collect()


def metrics_text() -> bytes:
    """The exposition text of every metric (summed over processes in multiprocess mode)."""
    if MULTIPROCESS_DIR is not None:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=MULTIPROCESS_DIR)
    else:
        registry = REGISTRY
    return generate_latest(_Scrape([registry, QueueDepthCollector()]))


# --- access ------------------------------------------------------------------------------------
_FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


@lru_cache(maxsize=8)
def _networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as exc:
            # Loud (a 500 with this in the log) rather than a silently narrower allow-list.
            raise ImproperlyConfigured(
                f"METRICS_ALLOWED_IPS: {entry!r} is not an address or a network"
            ) from exc
    return tuple(networks)


def _internal_address(request: HttpRequest) -> bool:
    # Behind a reverse proxy every request arrives from the proxy's (internal) address: one
    # that carries a forwarding header came through it, so its address proves nothing.
    if any(header in request.META for header in _FORWARDING_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in _networks(tuple(settings.METRICS_ALLOWED_IPS)))


def _bearer_token_valid(request: HttpRequest) -> bool:
    expected = settings.METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer" or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def _staff(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.is_active and user.is_staff
    if not request.headers.get("Authorization", "").lower().startswith("token "):
        return False
    from rest_framework.authentication import TokenAuthentication
    from rest_framework.exceptions import AuthenticationFailed

    try:
        found = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return False
    return found is not None and found[0].is_staff


def metrics_allowed(request: HttpRequest) -> bool:
    """An internal address, the metrics token, or a staff user."""
    return _internal_address(request) or _bearer_token_valid(request) or _staff(request)


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus exposition of every `shop_*` metric (see the module docstring)."""
    if not metrics_allowed(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)
