"""API views: parse and validate the query, call a selector, serialise.

Public catalog views opt out of the default `IsAuthenticated` explicitly with `AllowAny`;
staff views require a staff account with the model's view permission."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.throttling import ScopedRateThrottle

from conversation_log.selectors import chat_list, chat_transcript
from helpdesk.selectors import faq_list
from inventory.selectors import category_get, category_list_active, product_list
from orders.selectors import order_list_for_staff
from users.selectors import customer_list

from . import serializers as s
from .pagination import StandardPagination
from .permissions import StaffModelPermissions


def _query(serializer_class: type[Serializer], request: Request) -> dict[str, Any]:
    """The validated query parameters (400 with field errors when invalid)."""
    serializer = serializer_class(data=request.query_params.dict())
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class PublicReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    pagination_class = StandardPagination
    filter_backends: list[type] = []


class StaffReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [StaffModelPermissions]
    pagination_class = StandardPagination
    filter_backends: list[type] = []


class CategoryViewSet(PublicReadOnlyViewSet):
    """Active catalog categories; `parent` is the slug of the parent category."""

    serializer_class = s.CategorySerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet:
        return category_list_active()


@extend_schema(parameters=[s.ProductQuerySerializer])
class ProductViewSet(PublicReadOnlyViewSet):
    """Active products, filterable by category, brand, price range, stock and text."""

    serializer_class = s.ProductSerializer
    lookup_field = "sku"
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet:
        if self.action != "list":
            return product_list()
        query = _query(s.ProductQuerySerializer, self.request)
        category = None
        if query.get("category"):
            category = category_get(slug=query["category"])
            if category is None:
                return product_list().none()
        return product_list(
            category=category,
            brand_slug=query.get("brand"),
            price_min=query.get("price_min"),
            price_max=query.get("price_max"),
            in_stock=query.get("in_stock"),
            text=query.get("q"),
        ).order_by("price", "id")


@extend_schema(parameters=[s.FAQQuerySerializer])
class FAQViewSet(PublicReadOnlyViewSet):
    serializer_class = s.FAQSerializer

    def get_queryset(self) -> QuerySet:
        if self.action != "list":
            return faq_list()
        return faq_list(topic=_query(s.FAQQuerySerializer, self.request).get("topic"))


@extend_schema(parameters=[s.OrderQuerySerializer])
class OrderViewSet(StaffReadOnlyViewSet):
    """All orders with their lines and status history (staff only)."""

    serializer_class = s.OrderSerializer
    lookup_field = "order_number"
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet:
        if self.action != "list":
            return order_list_for_staff()
        query = _query(s.OrderQuerySerializer, self.request)
        return order_list_for_staff(status=query.get("status"), wa_id=query.get("customer"))


@extend_schema(parameters=[s.CustomerQuerySerializer])
class CustomerViewSet(StaffReadOnlyViewSet):
    serializer_class = s.CustomerSerializer

    def get_queryset(self) -> QuerySet:
        if self.action != "list":
            return customer_list()
        return customer_list(search=_query(s.CustomerQuerySerializer, self.request).get("q"))


@extend_schema(parameters=[s.ChatQuerySerializer])
class ChatViewSet(StaffReadOnlyViewSet):
    """Conversations; the detail carries the transcript (the last 200 messages)."""

    def get_serializer_class(self) -> type[Serializer]:
        return s.ChatDetailSerializer if self.action == "retrieve" else s.ChatSerializer

    def get_queryset(self) -> QuerySet:
        if self.action != "list":
            return chat_list()
        query = _query(s.ChatQuerySerializer, self.request)
        return chat_list(handoff=query.get("handoff"), closed=query.get("closed"))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        chat = self.get_object()
        context = {**self.get_serializer_context(), "transcript": chat_transcript(chat=chat)}
        return Response(s.ChatDetailSerializer(chat, context=context).data)


class TokenObtainView(ObtainAuthToken):
    """POST username + password → the staff account's API token. Failed attempts count
    towards django-axes' lockout (429 once locked out) and the `login` throttle."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
    renderer_classes = [JSONRenderer]

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # axes marks a lockout on the Django request it is given; DRF wraps that request,
        # so ask before checking the password.
        data = request.data if isinstance(request.data, Mapping) else {}
        username = data.get("username") if isinstance(data.get("username"), str) else None
        if AxesProxyHandler.is_locked(request._request, {"username": username}):
            return Response({"detail": "Too many failed logins; try again later."}, status=429)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if not user.is_staff:
            raise PermissionDenied("API tokens are for staff accounts.")
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
