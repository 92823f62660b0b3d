"""Publishing a task from a hot path (the webhook) with one Redis LPUSH.

`task.delay()` costs about 1 ms of CPU per call here: kombu creates a Redis client per
publish and wraps every call in routing, declare and retry machinery. The webhook
publishes one drain per message, so that was the largest part of its CPU. `publish()`
gives the worker the same message, built by the same code:

- Celery builds the task message (`app.amqp.create_task_message`: protocol 2 headers,
  time limits, the body), exactly as `apply_async` does;
- the envelope is kombu's (`Channel.prepare_message` plus what `basic_publish` adds:
  base64 body, delivery tag and info);
- one LPUSH on a long-lived client puts it on the queue's list, which is where kombu's
  Redis transport puts a message Celery sends through the anonymous exchange (Celery's
  default for a direct route).

A test compares the stored message with the one `apply_async` stores, field by field,
and the MariaDB + Redis leg of CI runs a real worker on messages published here. What
one LPUSH cannot reproduce (eager mode, another broker, a key prefix, priorities,
compression, publish signals, topic or fanout routes) goes through `apply_async`.
"""

from __future__ import annotations

import threading
from base64 import b64encode
from dataclasses import dataclass
from typing import Any

import redis
from celery import Celery, Task
from celery.signals import after_task_publish, before_task_publish
from kombu.transport.redis import Channel as RedisChannel
from kombu.utils.json import dumps
from kombu.utils.uuid import uuid
from redis.backoff import NoBackoff
from redis.retry import Retry

_PERSISTENT = 2  # kombu's delivery_mode for durable messages


@dataclass(frozen=True)
class _TaskSpec:
    name: str
    queue: str
    time_limit: float | None
    soft_time_limit: float | None
    ignore_result: bool


class RedisTaskPublisher:
    def __init__(self, app: Celery) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._pool: redis.ConnectionPool | None = None
        self._local = threading.local()
        self._specs: dict[int, _TaskSpec | None] = {}
        self._broker_ok: bool | None = None

    def usable(self) -> bool:
        """Whether an LPUSH gives the worker what `apply_async` would. Eager mode is read
        on every call (tests switch it); the broker settings once (Celery's conf lookups
        cost more than the LPUSH)."""
        if self.app.conf.task_always_eager:
            return False
        if self._broker_ok is None:
            conf = self.app.conf
            options = conf.broker_transport_options or {}
            self._broker_ok = (
                str(conf.broker_url or "").startswith(("redis://", "rediss://"))
                and not options.get("global_keyprefix")
                and options.get("queue_order_strategy", "round_robin") != "priority"
                and conf.task_serializer == "json"
                and not conf.task_compression
                and not conf.task_send_sent_event
                and RedisChannel.body_encoding == "base64"
            )
        return self._broker_ok and not (
            before_task_publish.receivers or after_task_publish.receivers
        )

    def publish(self, task: Task, *args: Any) -> str:
        """`task.delay(*args)`; returns the task id. Raises what Redis raises when the
        broker is down (the caller decides what that means, as with `delay`)."""
        spec = self._spec(task) if self.usable() else None
        if spec is None:
            return task.apply_async(args).id
        task_id = uuid()
        message = self.app.amqp.create_task_message(
            task_id,
            spec.name,
            args,
            {},
            time_limit=spec.time_limit,
            soft_time_limit=spec.soft_time_limit,
            ignore_result=spec.ignore_result,
            reply_to=self.app.thread_oid,
            # What saferepr() writes for short arguments (ids), without its cost.
            argsrepr=repr(args),
            kwargsrepr="{}",
        )
        body = dumps(message.body)
        envelope = {  # kombu's Channel.prepare_message + what basic_publish adds
            "body": b64encode(body.encode()).decode(),
            "content-encoding": "utf-8",
            "content-type": "application/json",
            "headers": message.headers,
            "properties": {
                **message.properties,
                "delivery_mode": _PERSISTENT,
                "delivery_info": {"exchange": "", "routing_key": spec.queue},
                "priority": 0,
                "body_encoding": "base64",
                "delivery_tag": uuid(),
            },
        }
        self._lpush(spec.queue, dumps(envelope))
        return task_id

    def _spec(self, task: Task) -> _TaskSpec | None:
        """What a message of the task needs, read once (a shared task is a proxy whose
        every attribute read costs), or None when Celery would not publish it to its
        queue as `send_task_message` does by default: through the anonymous exchange,
        with the queue's name as routing key (a direct exchange and no explicit routing
        key). A topic or fanout route needs kombu to resolve its bindings."""
        key = id(task)
        if key not in self._specs:
            route = self.app.amqp.router.route({}, task.name, (), {})
            queue = route["queue"]
            direct = getattr(queue.exchange, "type", "direct") == "direct"
            anonymous = not route.get("exchange") or not route.get("routing_key")
            self._specs[key] = (
                _TaskSpec(
                    name=task.name,
                    queue=queue.name,
                    time_limit=task.time_limit,
                    soft_time_limit=task.soft_time_limit,
                    ignore_result=task.ignore_result,
                )
                if direct and anonymous
                else None
            )
        return self._specs[key]

    def _lpush(self, key: str, value: str) -> None:
        """LPUSH on this thread's own connection: no pool, lock or retry wrapper per call
        (a third of redis-py's cost for one command). A dropped connection (Redis
        restarted) is opened again once; a broker that is down fails fast, like the
        publish retry policy of `delay`."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self._connection_pool().make_connection()
        try:
            connection.send_command("LPUSH", key, value)
            connection.read_response()
        except (redis.ConnectionError, redis.TimeoutError):
            connection.disconnect()
            connection.send_command("LPUSH", key, value)
            connection.read_response()

    def _connection_pool(self) -> redis.ConnectionPool:
        """Only a factory of connections with the broker's settings (redis:// or rediss://)."""
        if self._pool is None:
            options = self.app.conf.broker_transport_options or {}
            with self._lock:
                if self._pool is None:
                    self._pool = redis.ConnectionPool.from_url(
                        self.app.conf.broker_url,
                        socket_timeout=options.get("socket_timeout", 5),
                        socket_connect_timeout=options.get("socket_connect_timeout", 2),
                        retry=Retry(NoBackoff(), 0),
                    )
        return self._pool


_publisher: RedisTaskPublisher | None = None


def publish(task: Task, *args: Any) -> str:
    """`task.delay(*args)` for hot paths: one LPUSH when the broker is Redis."""
    global _publisher
    if _publisher is None:
        _publisher = RedisTaskPublisher(task.app)
    return _publisher.publish(task, *args)
