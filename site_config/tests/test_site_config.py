from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from site_config.models import SiteConfig
from site_config.selectors import site_config_get

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


def test_a_second_config_row_is_rejected_by_the_database() -> None:
    site_config_get()
    with pytest.raises(IntegrityError), transaction.atomic():
        SiteConfig.objects.create(id=2)
