"""Correlation ids for log lines: the HTTP request, the inbound WhatsApp event and the
Celery task a line was written for.

Ids live in context variables, so they follow the code through a request or a task without
being passed around, and `ContextIdsFilter` copies them onto every log record (they appear
as fields of the JSON log lines). The request-id middleware and the Celery task signals
bind them; the pipeline binds `event_id` while it handles an inbound event:

    with log_ids(event_id=event.wamid):
        ...
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
event_id: ContextVar[str | None] = ContextVar("event_id", default=None)
task_id: ContextVar[str | None] = ContextVar("task_id", default=None)

_VARS: dict[str, ContextVar[str | None]] = {
    "request_id": request_id,
    "event_id": event_id,
    "task_id": task_id,
}


def bind_ids(**ids: str | None) -> dict[str, Token]:
    """Bind ids (request_id, event_id, task_id); returns tokens for `unbind_ids`."""
    unknown = set(ids) - set(_VARS)
    if unknown:
        raise ValueError(f"unknown log ids: {sorted(unknown)}")
    return {name: _VARS[name].set(value) for name, value in ids.items()}


def unbind_ids(tokens: dict[str, Token]) -> None:
    for name, token in tokens.items():
        _VARS[name].reset(token)


@contextmanager
def log_ids(**ids: str | None) -> Iterator[None]:
    """Bind ids for the duration of a block."""
    tokens = bind_ids(**ids)
    try:
        yield
    finally:
        unbind_ids(tokens)


def current_ids() -> dict[str, str]:
    return {name: value for name, var in _VARS.items() if (value := var.get()) is not None}


class ContextIdsFilter(logging.Filter):
    """Adds the bound ids to every record (as `request_id`, `event_id`, `task_id`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in current_ids().items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True
