from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction

from site_config.models import SiteConfig
from site_config.selectors import (
    CACHE_KEY,
    site_config_cache_clear,
    site_config_get,
    site_config_kept,
)

pytestmark = pytest.mark.django_db


def test_config_is_created_with_defaults_on_first_use() -> None:
    config = site_config_get()
    assert config.pk == SiteConfig.SINGLETON_PK
    assert config.session_timeout_minutes > 0


def test_saving_in_admin_refreshes_the_cached_config() -> None:
    # given
    site_config_get()
    config = SiteConfig.objects.get()
    # when
    config.shop_name = "Volt Riyadh"
    config.save()
    # then
    assert site_config_get().shop_name == "Volt Riyadh"


def test_a_turn_reads_the_config_once_and_the_next_turn_sees_a_change(django_assert_num_queries):
    # given: the configuration is cached
    site_config_get()
    with site_config_kept():
        first = site_config_get()
        # when: the row changes underneath without a save signal (another process's cache)
        SiteConfig.objects.update(shop_name="Changed")
        cache.delete(CACHE_KEY)
        # then: the turn keeps the copy it read, without another read
        with django_assert_num_queries(0):
            assert site_config_get() is first
    assert site_config_get().shop_name == "Changed"


def test_a_save_within_a_turn_is_seen_by_that_turn() -> None:
    with site_config_kept():
        config = site_config_get()
        config.shop_name = "Volt Jeddah"
        config.save()
        assert site_config_get().shop_name == "Volt Jeddah"


def test_a_second_config_row_is_rejected_by_the_database() -> None:
    site_config_get()
    with pytest.raises(IntegrityError), transaction.atomic():
        SiteConfig.objects.create(id=2)


def test_the_configuration_is_read_from_the_database_when_the_cache_is_down(settings):
    # given: a Redis cache nobody answers on
    settings.CACHES = {
        "default": {
            "BACKEND": "project_core.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    # when
    config = site_config_get()
    site_config_cache_clear()
    # then: the turn that asked goes on with the stored configuration
    assert config.pk == SiteConfig.SINGLETON_PK
