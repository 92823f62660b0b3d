from __future__ import annotations

import logging

from django.core.cache import cache

from .models import SiteConfig

logger = logging.getLogger(__name__)

CACHE_KEY = "site_config:v1"
CACHE_SECONDS = 60


def site_config_get() -> SiteConfig:
    """The singleton configuration, cached; created with defaults on first use.

    A save in admin drops the cache (see `signals.py`); the TTL bounds staleness in other
    processes when the cache is process-local. The cache is an optimisation: when it
    cannot be reached (Redis down), the database answers and the turn goes on.
    """
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
    try:
        cache.delete(CACHE_KEY)
    except Exception:  # noqa: BLE001 - other processes' copies expire after CACHE_SECONDS
        logger.warning("cache unreachable; the site configuration was not dropped from it")
