"""Output shapes of the API and the validated query parameters of its list endpoints.

Money is serialised as a decimal string (never a float)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from brandkit.models import Brand
from conversation_log.models import Chat, Message
from helpdesk.models import FAQ
from inventory.models import Category, Product
from orders.models import Order, OrderEvent, OrderItem, OrderStatus
from users.models import Customer


# --- Public catalog -----------------------------------------------------------------------
class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Category
        fields = [
            "slug",
            "parent",
            "name_en",
            "name_ar",
            "description_en",
            "description_ar",
            "sort_order",
        ]


class BrandSerializer(serializers.ModelSerializer):
    class Meta:
        model = Brand
        fields = ["slug", "name_en", "name_ar"]


class ProductSerializer(serializers.ModelSerializer):
    brand = BrandSerializer(read_only=True, allow_null=True)
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    in_stock = serializers.BooleanField(read_only=True)

    class Meta:
        model = Product
        fields = [
            "sku",
            "name_en",
            "name_ar",
            "description_en",
            "description_ar",
            "brand",
            "category",
            "specs",
            "price",
            "compare_at_price",
            "currency",
            "in_stock",
            "image_url",
        ]


class ProductQuerySerializer(serializers.Serializer):
    """Filters of `GET /api/products/`; every one is optional and they combine with AND."""

    category = serializers.SlugField(
        required=False, help_text="Category slug; includes its direct subcategories."
    )
    brand = serializers.SlugField(required=False, help_text="Brand slug.")
    price_min = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False
    )
    price_max = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False
    )
    in_stock = serializers.BooleanField(
        required=False, default=None, allow_null=True, help_text="Only products in stock."
    )
    q = serializers.CharField(
        required=False, max_length=100, help_text="Text in the EN/AR name, or an exact SKU."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        low, high = attrs.get("price_min"), attrs.get("price_max")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError("price_min must not exceed price_max.")
        return attrs


class FAQSerializer(serializers.ModelSerializer):
    class Meta:
        model = FAQ
        fields = ["id", "topic", "question_en", "question_ar", "answer_en", "answer_ar"]


class FAQQuerySerializer(serializers.Serializer):
    topic = serializers.SlugField(required=False, help_text="shipping, returns, warranty ...")


# --- Staff --------------------------------------------------------------------------------
class OrderItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderItem
        fields = ["sku", "name_en", "name_ar", "unit_price", "quantity", "line_total"]


class OrderEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderEvent
        fields = ["from_status", "to_status", "actor", "note", "created_at"]


class OrderSerializer(serializers.ModelSerializer):
    customer = serializers.SlugRelatedField(slug_field="wa_id", read_only=True)
    shipping_option = serializers.SlugRelatedField(slug_field="code", read_only=True)
    payment_option = serializers.SlugRelatedField(slug_field="code", read_only=True)
    items = OrderItemSerializer(many=True, read_only=True)
    events = OrderEventSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "order_number",
            "status",
            "customer",
            "contact_name",
            "contact_phone",
            "address",
            "latitude",
            "longitude",
            "shipping_option",
            "payment_option",
            "subtotal",
            "shipping_cost",
            "total",
            "currency",
            "language",
            "notes",
            "created_at",
            "updated_at",
            "items",
            "events",
        ]


class OrderQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False)
    customer = serializers.CharField(
        required=False, max_length=32, help_text="The customer's WhatsApp id."
    )


class CustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = [
            "id",
            "wa_id",
            "profile_name",
            "language",
            "opted_out",
            "last_seen_at",
            "last_inbound_at",
            "created_at",
        ]


class CustomerQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False, max_length=100, help_text="Part of the WhatsApp id or profile name."
    )


class MessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Message
        fields = [
            "id",
            "direction",
            "msg_type",
            "text",
            "status",
            "error_code",
            "sent_by_staff",
            "created_at",
        ]


class ChatSerializer(serializers.ModelSerializer):
    customer = serializers.SlugRelatedField(slug_field="wa_id", read_only=True)

    class Meta:
        model = Chat
        fields = [
            "id",
            "customer",
            "state",
            "language",
            "handoff_active",
            "handoff_requested_at",
            "closed",
            "last_activity_at",
        ]


class ChatDetailSerializer(ChatSerializer):
    messages = serializers.SerializerMethodField()

    class Meta(ChatSerializer.Meta):
        fields = [*ChatSerializer.Meta.fields, "messages"]

    @extend_schema_field(MessageSerializer(many=True))
    def get_messages(self, chat: Chat) -> list[dict[str, Any]]:
        return MessageSerializer(self.context["transcript"], many=True).data


class ChatQuerySerializer(serializers.Serializer):
    handoff = serializers.BooleanField(
        required=False, default=None, allow_null=True, help_text="Only chats in handoff."
    )
    closed = serializers.BooleanField(required=False, default=None, allow_null=True)
