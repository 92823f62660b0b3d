from __future__ import annotations

from django.core.cache import cache

from .models import SiteConfig

CACHE_KEY = "site_config:v1"
CACHE_SECONDS = 60


def site_config_get() -> SiteConfig:
    """The singleton configuration, cached; created with defaults on first use.

    A save in admin drops the cache (see `signals.py`); the TTL bounds staleness in other
    processes when the cache is process-local.
    """
    config = cache.get(CACHE_KEY)
    if config is None:
        config, _ = SiteConfig.objects.get_or_create(pk=SiteConfig.SINGLETON_PK)
        cache.set(CACHE_KEY, config, CACHE_SECONDS)
    return config


def site_config_cache_clear() -> None:
    cache.delete(CACHE_KEY)
