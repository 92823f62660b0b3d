"""One decorator for every Celery task: a stable name, an explicit retry policy, time
limits and logging, in one place (the Sentry pattern).

Tasks take ids, never model instances, and must be idempotent: with acks_late a task can
run twice when a worker dies mid-way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from celery import shared_task

F = TypeVar("F", bound=Callable[..., Any])

logger = logging.getLogger("tasks")


def shop_task(
    name: str,
    *,
    autoretry_for: tuple[type[BaseException], ...] = (),
    max_retries: int = 3,
    retry_backoff: int | bool = 2,
    retry_backoff_max: int = 300,
    soft_time_limit: int | None = None,
    time_limit: int | None = None,
    bind: bool = False,
    queue: str | None = None,
) -> Callable[[F], Any]:
    """Register a shared task under `name` with the shop's defaults.

    `name` is the stable, dotted identifier that the broker stores; renaming a function
    never orphans queued messages.
    """

    options: dict[str, Any] = {
        "name": name,
        "bind": bind,
        "acks_late": True,
        "reject_on_worker_lost": True,
        "max_retries": max_retries,
        "ignore_result": True,
    }
    if autoretry_for:
        options.update(
            autoretry_for=autoretry_for,
            retry_backoff=retry_backoff,
            retry_backoff_max=retry_backoff_max,
            retry_jitter=True,
        )
    if soft_time_limit is not None:
        options["soft_time_limit"] = soft_time_limit
    if time_limit is not None:
        options["time_limit"] = time_limit
    if queue is not None:
        options["queue"] = queue

    def decorator(func: F) -> Any:
        return shared_task(**options)(func)

    return decorator
