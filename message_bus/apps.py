from django.apps import AppConfig


class MessageBusConfig(AppConfig):
    name = "message_bus"
    label = "message_bus"
    verbose_name = "Message bus"
