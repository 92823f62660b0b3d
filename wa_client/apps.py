from django.apps import AppConfig


class WaClientConfig(AppConfig):
    name = "wa_client"
    label = "wa_client"
    verbose_name = "WhatsApp client"
