"""Read receipts: blue ticks and the typing indicator for the message a turn answers.

Sent from a small thread pool of the process, not as a task of their own: the turn goes
on while the receipt is on its way, and the caller waits for it before the turn's replies
are sent (a typing indicator that arrived after the reply would show "typing…" under it).
Cosmetic: a receipt that fails or dies with its process is logged, never retried.
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings

from wa_client.errors import GraphAPIError

from .transports import transport_get

logger = logging.getLogger(__name__)

_POOL_THREADS = 8
_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_pid = 0


def read_receipt_send(*, wamid: str) -> None:
    """Mark the customer's message read, with the typing indicator; a refusal is logged."""
    try:
        transport_get().mark_read(wamid=wamid, typing=True)
    except GraphAPIError as error:  # cosmetic: never worth a retry
        logger.info("mark-read of %s failed: %s", wamid, error)


def read_receipt_start(*, wamid: str) -> Future[None]:
    """`read_receipt_send` in the background; wait for it with `read_receipt_wait`."""
    return _executor().submit(read_receipt_send, wamid=wamid)


def read_receipt_wait(receipt: Future[None]) -> None:
    """Wait (at most one Graph request's timeout) for a receipt started earlier."""
    try:
        receipt.result(timeout=settings.WA_REQUEST_TIMEOUT + 1)
    except FutureTimeout:
        logger.info("mark-read still in flight; replying anyway")
    except Exception:  # cosmetic: a broken receipt must not stop the replies
        logger.warning("mark-read failed", exc_info=True)


def _executor() -> ThreadPoolExecutor:
    """The process's pool, made on first use (after a prefork worker's fork, never before:
    threads do not survive a fork)."""
    global _pool, _pool_pid
    pid = os.getpid()
    if _pool is None or _pool_pid != pid:
        with _lock:
            if _pool is None or _pool_pid != pid:
                _pool = ThreadPoolExecutor(_POOL_THREADS, thread_name_prefix="read-receipt")
                _pool_pid = pid
    return _pool
