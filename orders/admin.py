from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from .exceptions import InvalidTransition
from .models import Cart, CartItem, Order, OrderEvent, OrderItem, OrderStatus, ShippingOption
from .services import order_transition


@admin.register(ShippingOption)
class ShippingOptionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_ar", "price", "free_over", "currency", "active")
    list_filter = ("active", "currency")
    search_fields = ("code", "name_en", "name_ar")
    list_editable = ("active",)


class CartItemInline(admin.TabularInline):
    model = CartItem
    extra = 0
    autocomplete_fields = ("product",)


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ("id", "customer", "status", "created_at", "updated_at")
    list_filter = ("status",)
    search_fields = ("customer__wa_id", "customer__profile_name")
    autocomplete_fields = ("customer",)
    inlines = [CartItemInline]
    list_select_related = ("customer",)


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    can_delete = False
    fields = ("sku", "name_en", "unit_price", "quantity", "line_total")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False


def _transition_action(to_status: str, label: str):
    """An order-list action that moves the selected orders through `order_transition`.
    Offered, and run, only for users who may change orders: marking paid settles the
    payment and cancelling restocks, so viewing orders is never enough."""

    @admin.action(description=label, permissions=["change"])
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        moved, refused = 0, []
        for order in queryset:
            try:
                order_transition(
                    order=order, to_status=to_status, actor=request.user.get_username()
                )
                moved += 1
            except InvalidTransition as exc:
                refused.append(str(exc))
        if moved:
            modeladmin.message_user(request, f"{label}: {moved} order(s).", messages.SUCCESS)
        for reason in refused:
            modeladmin.message_user(request, reason, messages.ERROR)

    action.__name__ = f"mark_{to_status}"
    return action


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = (
        "order_number",
        "customer",
        "status",
        "total",
        "currency",
        "payment_option",
        "shipping_option",
        "created_at",
    )
    list_filter = ("status", "payment_option", "shipping_option", "currency", "created_at")
    search_fields = ("order_number", "customer__wa_id", "customer__profile_name", "contact_name")
    autocomplete_fields = ("customer", "shipping_option", "payment_option")
    readonly_fields = (
        "order_number",
        "status",
        "subtotal",
        "shipping_cost",
        "total",
        "currency",
        "idempotency_key",
        "created_at",
        "updated_at",
    )
    inlines = [OrderItemInline, OrderEventInline]
    date_hierarchy = "created_at"
    list_select_related = ("customer", "payment_option", "shipping_option")
    actions = [
        _transition_action(OrderStatus.PAID, "Mark paid"),
        _transition_action(OrderStatus.SHIPPED, "Ship"),
        _transition_action(OrderStatus.DELIVERED, "Mark delivered"),
        _transition_action(OrderStatus.CANCELLED, "Cancel (restocks)"),
    ]
