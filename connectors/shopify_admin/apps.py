from django.apps import AppConfig


class ShopifyAdminConfig(AppConfig):
    name = "connectors.shopify_admin"
    label = "shopify_admin"
    verbose_name = "Shopify sync"
