from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import SiteConfig
from .selectors import site_config_cache_clear


@receiver([post_save, post_delete], sender=SiteConfig)
def _drop_cached_config(**_: Any) -> None:
    site_config_cache_clear()
