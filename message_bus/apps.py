from django.apps import AppConfig


class MessageBusConfig(AppConfig):
    name = "message_bus"
    label = "message_bus"
    verbose_name = "Message bus"

    def ready(self) -> None:
        # Order updates: the seam from orders (layer 1) to the sender (here).
        from orders.signals import order_placed, order_status_changed

        from .order_updates import on_order_placed, on_order_status_changed

        order_placed.connect(on_order_placed, dispatch_uid="message_bus.order_placed")
        order_status_changed.connect(
            on_order_status_changed, dispatch_uid="message_bus.order_status_changed"
        )
