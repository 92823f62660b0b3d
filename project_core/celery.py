"""The Celery application. Configuration comes from Django settings (CELERY_* names)."""

from __future__ import annotations

import logging
import logging.config
import os
from typing import TYPE_CHECKING

from celery import Celery
from celery.signals import (
    celeryd_after_setup,
    setup_logging,
    task_postrun,
    task_prerun,
    worker_process_init,
)
from celery.utils.log import mlevel

from .entry import settings_module_default
from .log_context import bind_ids, unbind_ids

if TYPE_CHECKING:
    from celery import Task
    from celery.apps.worker import Worker

settings_module_default()

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _log_through_django_settings(loglevel: int | str | None = None, **_: object) -> None:
    """Workers and beat log through settings.LOGGING, like the web processes: the console
    handler with its JSON format, context ids and masking of personal data. (Without a
    receiver of this signal Celery replaces the root logger's handlers with its own.)

    `-l/--loglevel` can make the root and `celery` loggers more verbose than
    DJANGO_LOG_LEVEL, never quieter: Celery passes WARNING when the flag is not given.
    `--logfile` is not used: lines go to the console handler's stream."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    level = mlevel(loglevel) if loglevel else 0
    for logger in (logging.getLogger(), logging.getLogger("celery")):
        if level and level < logger.getEffectiveLevel():
            logger.setLevel(level)


@celeryd_after_setup.connect
def _redirect_stdouts(instance: Worker | None = None, **_: object) -> None:
    """What a task prints goes through the masking handler too, as Celery does on its own
    when it configures logging itself (`worker_redirect_stdouts`)."""
    if instance is not None and instance.redirect_stdouts:
        app.log.redirect_stdouts(instance.redirect_stdouts_level)


# Every log line a task writes carries its task id (see project_core.log_context).
_task_log_tokens: dict[str, dict] = {}


@task_prerun.connect
def _bind_task_id(task_id: str | None = None, **_: object) -> None:
    if task_id:
        _task_log_tokens[task_id] = bind_ids(task_id=task_id)


@task_postrun.connect
def _unbind_task_id(task_id: str | None = None, **_: object) -> None:
    tokens = _task_log_tokens.pop(task_id or "", None)
    if tokens:
        unbind_ids(tokens)


@task_prerun.connect
@task_postrun.connect
def _close_old_db_connections(sender: Task | None = None, **_: object) -> None:
    """Around every task, what Django does around every request: close connections that
    are past CONN_MAX_AGE or broke in the task, and have a kept one pinged before its
    first query (CONN_HEALTH_CHECKS), so a connection the database dropped between tasks
    (restart, wait_timeout, failover) is replaced instead of failing the next task. Tasks
    run eagerly (tests, the embedded default) are left alone: they run inside their
    caller's request or transaction. CELERY_DB_REUSE_MAX keeps Celery's Django fixup from
    closing every connection around every task instead."""
    if sender is None or getattr(sender.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()


@worker_process_init.connect
def _warm_up_models(**_: object) -> None:
    """Load the sentence encoder and the intent examples' vectors when a worker process
    starts, not inside the first customer's turn (seconds of work under the Chat lock)."""
    if os.environ.get("SHOP_SKIP_WARMUP") == "1":
        return
    try:
        from intent_classifier import classify

        classify("hello")
    except Exception:  # the first real message will load them instead
        logging.getLogger(__name__).exception("model warm-up failed")
