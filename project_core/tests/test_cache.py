"""The Redis cache backend reuses one client object per connection pool."""

from __future__ import annotations

from project_core.cache import RedisCache


def test_every_call_through_one_pool_shares_one_client_object():
    # given: a backend on a single server (nothing listens there: no command is sent)
    backend = RedisCache("redis://127.0.0.1:1/0", {})
    # when
    first, again, for_write = (
        backend._cache.get_client(),
        backend._cache.get_client("k"),
        backend._cache.get_client("k", write=True),
    )
    # then: one client, on the pool Django made for that server
    assert first is again is for_write
    assert first.connection_pool is backend._cache._get_connection_pool(False)


def test_a_client_per_server_when_reads_go_to_replicas():
    # given: a primary and a replica (reads go to the replica)
    backend = RedisCache("redis://127.0.0.1:1/0,redis://127.0.0.1:2/0", {})
    # when
    write_client = backend._cache.get_client(write=True)
    read_client = backend._cache.get_client()
    # then
    assert write_client is not read_client
    assert write_client.connection_pool.connection_kwargs["port"] == 1
    assert read_client.connection_pool.connection_kwargs["port"] == 2
