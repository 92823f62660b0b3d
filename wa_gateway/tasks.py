from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from conversation_log.services import chat_ensure, chat_get_locked
from dialog_engine.signals import message_received
from message_bus.read_receipts import read_receipt_start, read_receipt_wait
from message_bus.services import outbox_dispatch, outbox_dispatch_deferred
from message_bus.tasks import outbox_drain
from project_core.log_context import log_ids
from project_core.metrics import (
    INBOX_DRAINS,
    INBOX_EVENTS_HANDLED,
    SWEEPER_REENQUEUED,
    TURN_SECONDS,
)
from project_core.task_policy import shop_task
from site_config.selectors import site_config_kept
from users.services import customer_record_inbound

from .models import InboundEvent
from .publish import publish
from .selectors import inbound_event_latest_unprocessed, inbound_event_list_unprocessed
from .services import (
    inbound_event_incoming,
    inbound_event_mark_processed,
    inbound_event_purge_processed,
)

logger = logging.getLogger(__name__)

# Events unprocessed this long are re-enqueued by the sweep (every 15 s; see
# bootstrap.schedules): recovery after a lost worker or broker stays well under a minute.
SWEEP_AFTER_SECONDS = 15


def enqueue_inbox(customer_id: int) -> None:
    """Publish a drain task; a broker outage is logged and left to the sweeper (the event is
    already stored, so nothing is lost)."""
    try:
        publish(process_inbound_task, customer_id)
    except Exception:
        logger.exception("could not enqueue inbox of customer %s; the sweeper will", customer_id)


@shop_task(name="wa_gateway.process_inbound", soft_time_limit=60, time_limit=90)
def process_inbound_task(customer_id: int) -> int:
    """Drain one customer's inbox: under the Chat row lock, hand each unprocessed event to
    the engine in (timestamp, id) order and mark it processed; once that has committed,
    send the replies. Two workers never interleave a conversation and a duplicate task
    finds nothing to do. One task answers a turn: the read receipt goes out from a thread
    while the engine works, the replies from this task (`outbox_drain`), so a turn costs
    one broker round trip, not three. Returns events handled."""
    INBOX_DRAINS.inc()
    if not message_received.has_listeners(InboundEvent):
        # Marking events processed with nobody to handle them would lose them silently.
        raise ImproperlyConfigured(
            "nothing is connected to dialog_engine.signals.message_received; "
            "the inbox is left for a worker that has the dialog engine loaded"
        )
    latest = inbound_event_latest_unprocessed(customer_id=customer_id)
    if latest is None:
        return 0
    latest_wamid, latest_sent_at, chat_id = latest
    receipt = read_receipt_start(wamid=latest_wamid)
    # Before the replies: the service window they are sent in runs from this message.
    customer_record_inbound(customer_id=customer_id, at=latest_sent_at)
    if chat_id is None:  # a new customer (the read above joined their chat)
        chat_ensure(customer_id=customer_id)
    handled = failed = 0
    # One read of the site configuration per drain, however many times the turns ask.
    with outbox_dispatch_deferred() as chats_with_replies, site_config_kept():
        with transaction.atomic():
            chat_get_locked(customer_id=customer_id)
            events = inbound_event_list_unprocessed(customer_id=customer_id)
            for event in events:
                with log_ids(event_id=event.wamid):
                    error = ""
                    try:
                        with transaction.atomic():
                            message_received.send(
                                sender=InboundEvent, event=inbound_event_incoming(event=event)
                            )
                    except Exception as exc:
                        logger.exception("engine failed on event %s", event.wamid)
                        error = f"{exc.__class__.__name__}: {exc}"
                    inbound_event_mark_processed(event=event, error=error)
                    handled += 1
                    failed += bool(error)
        # Committed: the turns' replies are stored; the receipt goes before them.
        read_receipt_wait(receipt)
        for chat_id in sorted(chats_with_replies):
            _replies_send(chat_id)
    done = timezone.now()
    for event in events:
        TURN_SECONDS.observe(max(0.0, (done - event.received_at).total_seconds()))
    INBOX_EVENTS_HANDLED.labels(result="ok").inc(handled - failed)
    INBOX_EVENTS_HANDLED.labels(result="error").inc(failed)
    return handled


def _replies_send(chat_id: int) -> None:
    """Send a chat's committed replies now; if that fails, a drain task of its own tries
    again (the rows are stored: at worst the outbox sweep sends them)."""
    try:
        outbox_drain(chat_id=chat_id)
    except Exception:
        logger.exception("sending the replies of chat %s failed; a drain task will", chat_id)
        outbox_dispatch(chat_id=chat_id)


@shop_task(name="wa_gateway.sweep_unprocessed")
def sweep_unprocessed_task(older_than_seconds: int = SWEEP_AFTER_SECONDS) -> int:
    """Re-enqueue inboxes holding events stored but not processed (the broker was down at
    webhook time, or a worker died). Drains are idempotent, so a spare one is harmless."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    customer_ids = set(
        InboundEvent.objects.filter(processed_at__isnull=True, received_at__lt=cutoff)
        .values_list("customer_id", flat=True)
        .distinct()
    )
    for customer_id in sorted(customer_ids):
        enqueue_inbox(customer_id)
    SWEEPER_REENQUEUED.labels(sweeper="inbox").inc(len(customer_ids))
    if customer_ids:
        logger.info("re-enqueued %d inboxes with unprocessed events", len(customer_ids))
    return len(customer_ids)


@shop_task(name="wa_gateway.purge_processed_events")
def purge_processed_events_task() -> int:
    """Delete processed inbound events older than DATA_RETENTION_DAYS."""
    before = timezone.now() - timedelta(days=settings.DATA_RETENTION_DAYS)
    deleted = inbound_event_purge_processed(before=before)
    logger.info("purged %d processed inbound events older than %s", deleted, before.date())
    return deleted
