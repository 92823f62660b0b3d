from django.contrib import admin
from django.urls import include, path

from bootstrap.dashboard import dashboard_urls
from connectors.shopify_admin.views import shopify_webhook

from . import health, metrics
from .media import media_urls

admin.site.site_header = "Shop administration"
admin.site.site_title = "Shop admin"

urlpatterns = [
    *dashboard_urls(),  # /admin/dashboard/, before the admin catches every admin/ URL
    path("admin/", admin.site.urls),
    path("hook/", include("wa_gateway.urls")),
    path("payments/", include("payments.urls")),  # POST payments/stripe/webhook/
    path("shopify/webhooks/", shopify_webhook, name="shopify-webhook"),
    path("api/", include("api.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    *media_urls(),  # product photos, only when MEDIA_SERVE is on (dev); else the web server
]
