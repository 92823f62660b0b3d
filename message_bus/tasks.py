from __future__ import annotations

import logging
import random
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from conversation_log.models import DeliveryStatus, Direction, Message
from conversation_log.services import early_statuses_apply
from project_core.task_policy import shop_task
from wa_client.errors import GraphAPIError

from .transports import transport_get

logger = logging.getLogger(__name__)

MAX_SEND_ATTEMPTS = 6
BACKOFF_BASE_SECONDS = 2.0
BACKOFF_MAX_SECONDS = 120.0
# The error title of a queued message that was not sent because the customer opted out.
OPTED_OUT_TITLE = "not sent: the customer opted out"


def backoff_seconds(attempt: int, retry_after: float | None = None) -> float:
    """Exponential backoff with full jitter; Meta's Retry-After wins when it is longer."""
    ceiling = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt)
    delay = random.uniform(ceiling / 2, ceiling)
    return max(delay, retry_after or 0.0)


def _claim(message_id: int) -> Message | None:
    """The queued message, with its attempt counted, or None if already handled."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .select_related("chat__customer")
            .filter(pk=message_id, direction=Direction.OUTBOUND, status=DeliveryStatus.QUEUED)
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        message.save(update_fields=["attempts"])
        return message


def _fail(message: Message, *, code: int | None, title: str) -> None:
    Message.objects.filter(pk=message.pk, status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.FAILED,
        error_code=code,
        error_title=title[:300],
        status_updated_at=timezone.now(),
    )


def _sendable(message: Message) -> bool:
    """Whether the customer may receive it now: an opted-out customer gets nothing but the
    opt-out confirmation, also when they opted out after the message was queued."""
    return message.allow_opted_out or not message.chat.customer.opted_out


def _mark_sent(message: Message, wamid: str) -> None:
    """Record the send. The message has left: it must never stay `queued` (the retry sweep
    would send it twice), even if Graph returned a wamid we already hold."""
    now = timezone.now()
    sent = {"status": DeliveryStatus.SENT, "sent_at": now, "status_updated_at": now}
    try:
        with transaction.atomic():
            Message.objects.filter(pk=message.pk, status=DeliveryStatus.QUEUED).update(
                wamid=wamid, **sent
            )
    except IntegrityError:
        logger.error("Graph returned wamid %s twice; message %s kept without it", wamid, message.pk)
        Message.objects.filter(pk=message.pk, status=DeliveryStatus.QUEUED).update(**sent)
        return
    # Meta may have reported on it before we got here (a fast "delivered" or "failed").
    early_statuses_apply(wamid=wamid)


@shop_task(name="message_bus.send_messages", bind=True, max_retries=MAX_SEND_ATTEMPTS)
def send_messages_task(self, message_ids: list[int]) -> None:
    """Send a turn's messages in order. Idempotent: only `queued` rows are sent, so a
    redelivered task never sends twice. 429/5xx/network errors retry the rest of the
    turn with backoff; other errors mark the message failed and move on."""
    transport = transport_get()
    for position, message_id in enumerate(message_ids):
        message = _claim(message_id)
        if message is None:
            continue
        if not _sendable(message):
            logger.info("message %s not sent: the customer opted out", message_id)
            _fail(message, code=None, title=OPTED_OUT_TITLE)
            continue
        try:
            # The recipient is the chat's customer, never anything stored in the body.
            wamid = transport.send(to=message.chat.customer.wa_id, payload=message.body)
        except GraphAPIError as error:
            if error.retryable and message.attempts < MAX_SEND_ATTEMPTS:
                logger.warning("send of message %s failed (%s); retrying", message_id, error)
                raise self.retry(
                    args=(message_ids[position:],),
                    countdown=backoff_seconds(message.attempts, error.retry_after),
                ) from error
            logger.error("message %s failed: %s", message_id, error)
            code = error.code if error.code is not None else error.http_status
            _fail(message, code=code, title=error.title)
            continue
        _mark_sent(message, wamid)


@shop_task(name="message_bus.mark_read")
def mark_read_task(wamid: str) -> None:
    """Blue ticks and the typing indicator for the customer's latest message."""
    try:
        transport_get().mark_read(wamid=wamid, typing=True)
    except GraphAPIError as error:  # cosmetic: never worth a retry
        logger.info("mark-read of %s failed: %s", wamid, error)


@shop_task(name="message_bus.retry_failed")
def retry_failed_task(older_than_seconds: int = 120) -> int:
    """Re-dispatch outbound messages stuck in `queued` (the broker was down when their turn
    committed, or a worker died). Sends are idempotent, so a duplicate dispatch is safe."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    stuck = list(
        Message.objects.filter(
            direction=Direction.OUTBOUND, status=DeliveryStatus.QUEUED, created_at__lt=cutoff
        )
        .order_by("chat_id", "created_at", "id")
        .values_list("chat_id", "id")
    )
    by_chat: dict[int, list[int]] = {}
    for chat_id, message_id in stuck:
        by_chat.setdefault(chat_id, []).append(message_id)
    for ids in by_chat.values():
        send_messages_task.delay(ids)
    if stuck:
        logger.info("re-dispatched %d queued messages in %d chats", len(stuck), len(by_chat))
    return len(stuck)
