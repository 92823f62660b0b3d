from django.apps import AppConfig


class WaGatewayConfig(AppConfig):
    name = "wa_gateway"
    label = "wa_gateway"
    verbose_name = "WhatsApp gateway"
