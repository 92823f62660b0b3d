"""The Celery beat schedules of the housekeeping tasks, and `schedules_sync`, which makes
the database hold them: after every `migrate` (so a fresh install's beat runs the sweepers
that keep "nothing lost" true) and from `manage.py setup_schedules [--reset]`.

Schedules live in the database (django-celery-beat's DatabaseScheduler), so staff can
change or pause them in the admin afterwards. A sync is safe to repeat: missing schedules
are created, the task name of existing ones is kept in line with the code, and admin edits
(timing, enabled) are kept unless `reset` is asked for.

A task whose code is not deployed (not registered with Celery) is skipped with a warning,
so a schedule never points at a task no worker can run.

The two sweepers bound recovery after a worker or Redis is lost: every 15 s they
re-enqueue inboxes whose events wait unprocessed for 15 s and outboxes whose replies wait
unsent (wa_gateway.tasks.SWEEP_AFTER_SECONDS, message_bus.tasks.OUTBOX_SWEEP_AFTER_SECONDS),
so a stored message is answered within about 30 s of the worker being back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    """One beat entry: `every_seconds` for an interval, else a crontab (minute/hour)."""

    name: str
    task: str
    description: str
    every_seconds: int | None = None
    crontab: dict[str, str] = field(default_factory=dict)
    # A run that waits longer than this in the queue (worker down) is dropped: the next
    # run does the same work, so a backlog would only repeat it.
    expire_seconds: int | None = None


SCHEDULES: tuple[Schedule, ...] = (
    Schedule(
        name="Re-enqueue unprocessed inbound events",
        task="wa_gateway.sweep_unprocessed",
        description="Inbound events stored but never processed (broker was down) are "
        "enqueued again, so every message that reached the database is answered once.",
        every_seconds=15,
        expire_seconds=14,
    ),
    Schedule(
        name="Retry failed outbound sends",
        task="message_bus.retry_failed",
        description="Chats whose replies wait unsent (their outbox drain was lost, is due "
        "after a backoff, or died mid-send) get their drain triggered again.",
        every_seconds=15,
        expire_seconds=14,
    ),
    Schedule(
        name="Remind idle carts",
        task="orders.cart_remind_idle",
        description="One reminder to carts idle for CART_REMINDER_HOURS, only inside the "
        "24-hour window and never to customers who opted out.",
        every_seconds=15 * 60,
        expire_seconds=14 * 60,
    ),
    Schedule(
        name="Sync WhatsApp message templates",
        task="message_bus.sync_templates",
        description="Templates (statuses, components) are fetched from the Graph API; "
        "status webhooks keep them current in between. Skipped without WA_WABA_ID.",
        crontab={"minute": "17", "hour": "*"},
        expire_seconds=3000,
    ),
    Schedule(
        name="Abandon idle carts",
        task="orders.cart_abandon_idle",
        description="Open carts idle for ABANDONED_CART_DAYS are closed as abandoned.",
        crontab={"minute": "5", "hour": "*"},
        expire_seconds=3000,
    ),
    Schedule(
        name="Close inactive chats",
        task="conversation_log.chat_close_inactive",
        description="Chats inactive for ABANDONED_CHAT_DAYS are closed and their dialog "
        "state reset.",
        crontab={"minute": "10", "hour": "*"},
        expire_seconds=3000,
    ),
    Schedule(
        name="Purge old messages",
        task="conversation_log.message_purge_old",
        description="Messages and their delivery statuses, and the dashboard's search and "
        "checkout events, older than DATA_RETENTION_DAYS are deleted.",
        crontab={"minute": "15", "hour": "3"},
        expire_seconds=6 * 3600,
    ),
    Schedule(
        name="Purge processed inbound events",
        task="wa_gateway.purge_processed_events",
        description="Processed inbound webhook events older than DATA_RETENTION_DAYS are deleted.",
        crontab={"minute": "25", "hour": "3"},
        expire_seconds=6 * 3600,
    ),
    Schedule(
        name="Back-in-stock alerts",
        task="inventory.stock_alerts_notify",
        description="Customers who asked to hear about an out-of-stock product are told "
        "once it is back, inside the 24-hour window only.",
        every_seconds=15 * 60,
        expire_seconds=14 * 60,
    ),
    Schedule(
        name="Send missed order updates",
        task="message_bus.order_updates_sweep",
        description="Order status moves of the last 48 hours whose customer update was never "
        "recorded (the broker was down when staff moved the order, or the task died with its "
        "worker) are enqueued again; each update is still sent once.",
        every_seconds=60,
        expire_seconds=55,
    ),
    Schedule(
        name="Reconcile card payments",
        task="payments.reconcile",
        description="Checkout sessions of card payments pending longer than "
        "PAYMENTS_RECONCILE_AFTER_MINUTES are fetched from Stripe, so a missed webhook still "
        "completes the payment; refunds never sent are sent. Nothing to do without Stripe.",
        every_seconds=5 * 60,
        expire_seconds=4 * 60,
    ),
    Schedule(
        name="Shopify catalog sync",
        task="connectors.shopify_admin.sync_products",
        description="Incremental product sync from the Shopify Admin API.",
        crontab={"minute": "40", "hour": "*/6"},
        expire_seconds=3 * 3600,
    ),
    Schedule(
        name="Shopify webhook and order push sweep",
        task="connectors.shopify_admin.sweep",
        description="Re-enqueues Shopify webhooks stored but not applied and order pushes "
        "no worker holds (broker or worker lost).",
        every_seconds=60,
        expire_seconds=55,
    ),
)


def registered_tasks() -> set[str]:
    """Names of the tasks the deployed code registers with Celery."""
    current_app.loader.import_default_modules()
    return set(current_app.tasks.keys())


def _interval(seconds: int) -> IntervalSchedule:
    interval = IntervalSchedule.objects.filter(
        every=seconds, period=IntervalSchedule.SECONDS
    ).first()
    return interval or IntervalSchedule.objects.create(
        every=seconds, period=IntervalSchedule.SECONDS
    )


def _crontab(spec: dict[str, str]) -> CrontabSchedule:
    fields = {
        "minute": spec.get("minute", "*"),
        "hour": spec.get("hour", "*"),
        "day_of_week": spec.get("day_of_week", "*"),
        "day_of_month": spec.get("day_of_month", "*"),
        "month_of_year": spec.get("month_of_year", "*"),
        "timezone": settings.CELERY_TIMEZONE,
    }
    crontab = CrontabSchedule.objects.filter(**fields).first()
    return crontab or CrontabSchedule.objects.create(**fields)


def _timing(schedule: Schedule) -> dict[str, Any]:
    if schedule.every_seconds is not None:
        return {"interval": _interval(schedule.every_seconds), "crontab": None}
    return {"interval": None, "crontab": _crontab(schedule.crontab)}


@dataclass
class ScheduleSyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@transaction.atomic
def schedules_sync(*, reset: bool = False) -> ScheduleSyncReport:
    """Create the missing schedules, keep task names in line with the code; with `reset`,
    also restore their timing and enable them (undoing admin edits)."""
    known = registered_tasks()
    report = ScheduleSyncReport()
    for schedule in SCHEDULES:
        if schedule.task not in known:
            logger.warning(
                "schedule %r skipped: task %r is not registered", schedule.name, schedule.task
            )
            report.skipped.append(schedule.name)
            continue
        existing = PeriodicTask.objects.filter(name=schedule.name).first()
        if existing is None:
            PeriodicTask.objects.create(
                name=schedule.name,
                task=schedule.task,
                description=schedule.description,
                expire_seconds=schedule.expire_seconds,
                enabled=True,
                **_timing(schedule),
            )
            report.created.append(schedule.name)
            continue
        changes: dict[str, Any] = {}
        if existing.task != schedule.task:
            changes["task"] = schedule.task
        if reset:
            changes.update(
                _timing(schedule),
                enabled=True,
                description=schedule.description,
                expire_seconds=schedule.expire_seconds,
            )
        if changes:
            for name, value in changes.items():
                setattr(existing, name, value)
            existing.save()
            report.updated.append(schedule.name)
        else:
            report.kept.append(schedule.name)
    return report
