from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache

from .models import SiteConfig

logger = logging.getLogger(__name__)

CACHE_KEY = "site_config:v1"
CACHE_SECONDS = 60

# Set by `site_config_kept`: the configuration read in this context, once read.
_kept: ContextVar[list[SiteConfig] | None] = ContextVar("site_config_kept", default=None)


def site_config_get() -> SiteConfig:
    """The singleton configuration, cached; created with defaults on first use.

    A save in admin drops the cache (see `signals.py`); the TTL bounds staleness in other
    processes when the cache is process-local. The cache is an optimisation: when it
    cannot be reached (Redis down), the database answers and the turn goes on. Within
    `site_config_kept` the first read is returned again.
    """
    kept = _kept.get()
    if kept:
        return kept[0]
    config = _site_config_read()
    if kept is not None:
        kept.append(config)
    return config


@contextmanager
def site_config_kept() -> Iterator[None]:
    """Within it, `site_config_get` reads the configuration once and hands out that copy
    again: a turn asks for it several times (the session timeout, the greeting, ...) and
    each read is a cache round trip. A change saved meanwhile reaches the next turn."""
    token = _kept.set([])
    try:
        yield
    finally:
        _kept.reset(token)


def _site_config_read() -> SiteConfig:
    try:
        config = cache.get(CACHE_KEY)
    except Exception:  # noqa: BLE001 - any cache failure: read the database instead
        logger.warning("cache unreachable; site configuration read from the database")
        return SiteConfig.objects.get_or_create(pk=SiteConfig.SINGLETON_PK)[0]
    if config is None:
        config, _ = SiteConfig.objects.get_or_create(pk=SiteConfig.SINGLETON_PK)
        try:
            cache.set(CACHE_KEY, config, CACHE_SECONDS)
        except Exception:  # noqa: BLE001 - the value is read; caching it is optional
            logger.warning("cache unreachable; site configuration not cached")
    return config


def site_config_cache_clear() -> None:
    kept = _kept.get()
    if kept:
        kept.clear()  # saved within a turn (a test, a shell): that turn reads it again
    try:
        cache.delete(CACHE_KEY)
    except Exception:  # noqa: BLE001 - other processes' copies expire after CACHE_SECONDS
        logger.warning("cache unreachable; the site configuration was not dropped from it")
