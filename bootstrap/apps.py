from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


def _sync_roles_and_schedules_after_migrate(
    sender: AppConfig, *, using: str = "default", **kwargs: Any
) -> None:
    """Give a fresh install its staff groups and its beat schedules (the sweepers that keep
    "nothing lost" true must not wait for someone to run a command). post_migrate is sent
    once per app with models (bootstrap has none), and each app's permissions are created
    by its own send: act on the last one, when every permission and table exists."""
    with_models = [c for c in global_apps.get_app_configs() if c.models_module is not None]
    if not with_models or sender.label != with_models[-1].label:
        return
    from bootstrap.roles import roles_sync
    from bootstrap.schedules import schedules_sync

    roles_sync(using=using)
    schedules_sync()


class BootstrapConfig(AppConfig):
    name = "bootstrap"
    label = "bootstrap"
    verbose_name = "Bootstrap"

    def ready(self) -> None:
        post_migrate.connect(
            _sync_roles_and_schedules_after_migrate, dispatch_uid="bootstrap.sync_after_migrate"
        )
