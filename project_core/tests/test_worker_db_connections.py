"""A real worker keeps its MariaDB connection from one task to the next (CONN_MAX_AGE, as web
threads do across requests) instead of opening one per task, and a kept connection the
database dropped between tasks (a restart, wait_timeout) is replaced before the next task's
first query, so that task still succeeds at its first attempt."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator

import pytest
from django.db import connection

from connectors.shopify_admin.models import WebhookEvent
from connectors.shopify_admin.tasks import process_webhook_task
from connectors.shopify_admin.webhook_inbox import webhook_event_store
from tests.services import celery_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker() -> Iterator[subprocess.Popen]:
    # solo pool: one thread, so the worker holds at most one connection to the database
    with celery_worker({"SHOP_SKIP_WARMUP": "1"}) as process:
        yield process


def _apply_through_worker(worker: subprocess.Popen, shopify_product_id: int) -> WebhookEvent:
    """A stored `products/delete` (it writes, and needs nothing else), applied by the worker."""
    event, _ = webhook_event_store(
        webhook_id=str(uuid.uuid4()),
        topic="products/delete",
        shop_domain="shop.myshopify.com",
        triggered_at=None,
        payload={"id": shopify_product_id},
    )
    process_webhook_task.delay(event.pk)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert worker.poll() is None, "the worker process died"
        event.refresh_from_db()
        if event.processed_at is not None:
            return event
        time.sleep(0.05)
    pytest.fail(f"event {event.pk} not applied within 60 s (error: {event.error!r})")


def _worker_connections() -> list[int]:
    """Ids of the other sessions on the test database: the worker's."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = %s AND ID <> CONNECTION_ID()",
            [connection.settings_dict["NAME"]],
        )
        return [row[0] for row in cursor.fetchall()]


def test_a_worker_reuses_its_connection_and_replaces_one_the_database_dropped(worker) -> None:
    # given: the worker has applied one webhook
    _apply_through_worker(worker, 1)
    [kept] = _worker_connections()
    # when: it applies another
    _apply_through_worker(worker, 2)
    # then: through the same connection
    assert _worker_connections() == [kept]

    # given: the database drops that connection between two tasks
    with connection.cursor() as cursor:
        cursor.execute(f"KILL {int(kept)}")
    # when
    event = _apply_through_worker(worker, 3)
    # then: the next task succeeds at its first attempt, on a new connection
    assert (event.attempts, event.error) == (1, "")
    [replacement] = _worker_connections()
    assert replacement != kept
