from django.apps import AppConfig


class DialogEngineConfig(AppConfig):
    name = "dialog_engine"
    label = "dialog_engine"
    verbose_name = "Dialog engine"

    def ready(self) -> None:
        from . import receivers, state_router  # noqa: F401 - connects the signal receiver

        state_router.autodiscover()
