from django.apps import AppConfig


class SiteConfigConfig(AppConfig):
    name = "site_config"
    label = "site_config"
    verbose_name = "Site configuration"

    def ready(self) -> None:
        from . import signals  # noqa: F401
