from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import routers
from rest_framework.permissions import AllowAny

from . import views
from .permissions import ApiDocsPermission


class ApiRootView(routers.APIRootView):
    """The index of the API; public, like the catalog it lists."""

    permission_classes = [AllowAny]


class ApiRouter(routers.DefaultRouter):
    APIRootView = ApiRootView


router = ApiRouter()
router.register("categories", views.CategoryViewSet, basename="category")
router.register("products", views.ProductViewSet, basename="product")
router.register("faqs", views.FAQViewSet, basename="faq")
router.register("orders", views.OrderViewSet, basename="order")
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("chats", views.ChatViewSet, basename="chat")

app_name = "api"
urlpatterns = [
    path(
        "schema/",
        SpectacularAPIView.as_view(permission_classes=[ApiDocsPermission]),
        name="schema",
    ),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(
            url_name="api:schema", permission_classes=[ApiDocsPermission]
        ),
        name="docs",
    ),
    path("token/", views.TokenObtainView.as_view(), name="token"),
    path("", include(router.urls)),
]
