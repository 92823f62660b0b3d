"""The Celery application. Configuration comes from Django settings (CELERY_* names)."""

from __future__ import annotations

import logging
import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_process_init

from .entry import settings_module_default
from .log_context import bind_ids, unbind_ids

settings_module_default()

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
