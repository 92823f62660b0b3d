from django.apps import AppConfig


class ShopifyAdminConfig(AppConfig):
    name = "connectors.shopify_admin"
    label = "shopify_admin"
    verbose_name = "Shopify sync"

    def ready(self) -> None:
        from orders.signals import order_placed, order_status_changed

        from .receivers import on_order_placed, on_order_status_changed

        order_placed.connect(on_order_placed, dispatch_uid="shopify_admin.order_placed")
        order_status_changed.connect(
            on_order_status_changed, dispatch_uid="shopify_admin.order_status_changed"
        )
