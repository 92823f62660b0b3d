from django.apps import AppConfig


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    label = "helpdesk"
    verbose_name = "Help desk"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - retrain FAQ embeddings on edit
