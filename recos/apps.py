from django.apps import AppConfig


class RecosConfig(AppConfig):
    name = "recos"
    label = "recos"
    verbose_name = "Recommendations"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - retrain on edit
