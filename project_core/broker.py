"""Celery's Redis transport, with one client object per connection pool.

kombu's Redis channel builds a new `redis.Redis` for every command it sends outside the
consumer's own connection (`conn_or_acquire`): twice per task with acks_late (the
unacked-index write on receipt, its removal on ack), and on every publish. Each one fills
a table of a few hundred response callbacks: most of that bookkeeping's CPU, and about a
tenth of a worker's on a short task. A `redis.Redis` is safe to share between threads
(each command or pipeline borrows a connection from the pool), so one per pool serves
them all, as `project_core.cache` does for the cache. A new pool (the channel closed and
reconnected after a broker outage) gets a new client.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kombu.transport import redis as kombu_redis


class Channel(kombu_redis.Channel):
    _shared: tuple[Any, Any] | None = None  # (pool, client)

    @contextmanager
    def conn_or_acquire(self, client: Any = None) -> Iterator[Any]:
        if client:
            yield client
            return
        pool = self.pool
        shared = self._shared
        if shared is None or shared[0] is not pool:
            shared = self._shared = (pool, self._create_client())
        yield shared[1]


class Transport(kombu_redis.Transport):
    """`kombu.transport.redis.Transport` with the `Channel` above (CELERY_BROKER_TRANSPORT
    for redis:// and rediss:// broker URLs)."""

    Channel = Channel
