"""publish(): the message one LPUSH stores is the one `apply_async` stores, field for
field; a broker that is down fails fast; eager mode and other brokers use Celery itself.
(The MariaDB + Redis leg also runs a real worker on these messages: tests/test_worker_pipeline.)"""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

import pytest
import redis
from celery import Celery

from tests.services import require_services
from wa_gateway.publish import RedisTaskPublisher

# Differ per message by design: the task id (and its copies) and the delivery tag.
_PER_MESSAGE = {("headers", "id"), ("headers", "root_id"), ("properties", "correlation_id")}


def _app(broker_url: str, *, queue: str = "celery", **conf: Any) -> tuple[Celery, Any]:
    app = Celery("publish-test", broker=broker_url, set_as_current=False)
    app.conf.update(
        {
            "task_default_queue": queue,
            "task_serializer": "json",
            "accept_content": ["json"],
            "broker_connection_timeout": 2,
            "broker_transport_options": {"socket_connect_timeout": 2, "socket_timeout": 2},
            "task_publish_retry": False,
            **conf,
        }
    )
    ran: list[int] = []

    @app.task(name="shop.tests.record", ignore_result=True, soft_time_limit=60, time_limit=90)
    def record(value: int) -> None:
        ran.append(value)

    record.ran = ran
    return app, record


def _without_per_message_fields(message: dict[str, Any]) -> dict[str, Any]:
    out = json.loads(json.dumps(message))
    for section, key in _PER_MESSAGE:
        out[section].pop(key)
    out["properties"].pop("delivery_tag")
    return out


def test_the_pushed_message_is_the_one_apply_async_stores():
    # given: a queue no worker listens on
    url = require_services()
    queue = f"publish-test-{uuid.uuid4().hex[:8]}"
    app, record = _app(url, queue=queue)
    client = redis.Redis.from_url(url)
    try:
        # when: the same call, once through Celery and kombu, once through publish()
        celery_id = record.apply_async((4242,)).id
        our_id = RedisTaskPublisher(app).publish(record, 4242)
        theirs, ours = (json.loads(client.rpop(queue)) for _ in range(2))
    finally:
        client.delete(queue)
    # then: the same message but for its ids ...
    assert _without_per_message_fields(ours) == _without_per_message_fields(theirs)
    assert ours["headers"]["id"] == ours["headers"]["root_id"] == our_id
    assert ours["properties"]["correlation_id"] == our_id != celery_id
    assert ours["properties"]["delivery_tag"] != theirs["properties"]["delivery_tag"]
    # ... and a body the worker decodes to the same arguments and time limits
    body = json.loads(base64.b64decode(ours["body"]))
    assert body == [[4242], {}, {"callbacks": None, "errbacks": None, "chain": None, "chord": None}]
    assert ours["headers"]["timelimit"] == [90, 60]
    assert ours["headers"]["task"] == "shop.tests.record"


def test_a_connection_redis_dropped_is_opened_again():
    # given: a publisher whose connection Redis closed (a restart, a timeout)
    url = require_services()
    queue = f"publish-test-{uuid.uuid4().hex[:8]}"
    app, record = _app(url, queue=queue)
    publisher = RedisTaskPublisher(app)
    client = redis.Redis.from_url(url)
    try:
        publisher.publish(record, 1)
        connection = publisher._local.connection
        connection.send_command("CLIENT", "ID")
        client.client_kill_filter(_id=connection.read_response())
        # when
        publisher.publish(record, 2)
        # then: both messages are there
        assert client.llen(queue) == 2
    finally:
        client.delete(queue)


def test_a_broker_that_is_down_fails_fast():
    # given: nothing listens on port 1
    app, record = _app("redis://127.0.0.1:1/0")
    publisher = RedisTaskPublisher(app)
    # when
    started = time.monotonic()
    with pytest.raises(redis.ConnectionError):
        publisher.publish(record, 1)
    # then: the webhook answers 200 soon after (the sweeper re-enqueues later)
    assert time.monotonic() - started < 3


def test_eager_mode_runs_the_task_through_celery():
    # given
    app, record = _app("redis://127.0.0.1:1/0", task_always_eager=True)
    # when
    RedisTaskPublisher(app).publish(record, 7)
    # then
    assert record.ran == [7]


@pytest.mark.parametrize(
    ("broker", "conf"),
    [
        ("memory://", {}),
        ("redis://127.0.0.1:1/0", {"broker_transport_options": {"global_keyprefix": "x:"}}),
        ("redis://127.0.0.1:1/0", {"task_compression": "gzip"}),
    ],
)
def test_what_one_lpush_cannot_reproduce_goes_through_celery(broker, conf):
    # given
    app, _ = _app(broker, **conf)
    # when / then
    assert RedisTaskPublisher(app).usable() is False


def test_a_topic_route_goes_through_celery():
    # given: kombu must resolve a topic exchange's bindings; one LPUSH cannot
    from kombu import Exchange, Queue

    app, record = _app(
        "redis://127.0.0.1:1/0",
        queue="events",
        task_queues=[Queue("events", Exchange("events", type="topic"), routing_key="ev.#")],
    )
    # when / then
    assert RedisTaskPublisher(app)._spec(record) is None
