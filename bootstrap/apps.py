from django.apps import AppConfig


class BootstrapConfig(AppConfig):
    name = "bootstrap"
    label = "bootstrap"
    verbose_name = "Bootstrap"
