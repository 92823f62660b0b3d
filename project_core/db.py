"""Database helpers every app shares."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from django.db import transaction


def savepoint_if_in_transaction() -> AbstractContextManager:
    """A savepoint inside a transaction (the webhook's batch, a caller's in tests or the
    console), so an expected IntegrityError or failed statement does not break the
    caller's; nothing outside one, where a statement stands (and commits) alone."""
    if transaction.get_connection().in_atomic_block:
        return transaction.atomic()
    return nullcontext()
