from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from .exceptions import InvalidTransition
from .models import (
    Cart,
    CartItem,
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
    OrderUpdate,
    ShippingOption,
)
from .services import order_transition
from .updates import order_ship_with_tracking


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


class OrderUpdateInline(admin.TabularInline):
    """What the customer was told about the order, and whether it reached them."""

    model = OrderUpdate
    extra = 0
    can_delete = False
    fields = ("created_at", "status", "outcome", "reason", "message_text", "delivery")
    readonly_fields = fields
    verbose_name = "update sent to the customer"
    verbose_name_plural = "updates sent to the customer"

    def has_add_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("message")

    @admin.display(description="message")
    def message_text(self, update: OrderUpdate) -> str:
        return update.message.text[:300] if update.message else "-"

    @admin.display(description="delivery status")
    def delivery(self, update: OrderUpdate) -> str:
        message = update.message
        if message is None:
            return "-"
        status = message.get_status_display()
        detail = message.error_title or (str(message.error_code) if message.error_code else "")
        return f"{status}: {detail}" if detail else status


class ShipmentForm(forms.Form):
    """Carrier and tracking of one order being shipped (all optional: cash on delivery
    by the shop's own courier has no tracking)."""

    carrier = forms.CharField(max_length=80, required=False)
    tracking_number = forms.CharField(max_length=80, required=False)
    tracking_url = forms.URLField(
        max_length=500, required=False, assume_scheme="https", help_text="https://…"
    )

    def clean_tracking_url(self) -> str:
        url = self.cleaned_data["tracking_url"]
        if url and not url.startswith("https://"):
            raise forms.ValidationError("The tracking link must start with https://")
        return url


@admin.action(description="Ship (asks for carrier and tracking)", permissions=["change"])
def mark_shipped(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet):
    """Ship the selected orders: an intermediate page asks each order's carrier, tracking
    number and tracking link, then `order_ship_with_tracking` records them and ships."""
    orders = list(queryset.order_by("pk"))
    forms_by_order = [
        (
            order,
            ShipmentForm(
                request.POST if "apply" in request.POST else None,
                prefix=f"order-{order.pk}",
                initial={
                    "carrier": order.carrier,
                    "tracking_number": order.tracking_number,
                    "tracking_url": order.tracking_url,
                },
            ),
        )
        for order in orders
    ]
    if "apply" in request.POST and all(form.is_valid() for _order, form in forms_by_order):
        moved, refused = 0, []
        for order, form in forms_by_order:
            try:
                order_ship_with_tracking(
                    order=order, actor=request.user.get_username(), **form.cleaned_data
                )
                moved += 1
            except InvalidTransition as exc:
                refused.append(str(exc))
        if moved:
            modeladmin.message_user(request, f"Ship: {moved} order(s).", messages.SUCCESS)
        for reason in refused:
            modeladmin.message_user(request, reason, messages.ERROR)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": "Ship orders",
        "forms_by_order": forms_by_order,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "action": "mark_shipped",
    }
    return TemplateResponse(request, "admin/orders/order/ship.html", context)


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
    inlines = [OrderItemInline, OrderEventInline, OrderUpdateInline]
    date_hierarchy = "created_at"
    list_select_related = ("customer", "payment_option", "shipping_option")
    actions = [
        _transition_action(OrderStatus.PAID, "Mark paid"),
        mark_shipped,
        _transition_action(OrderStatus.DELIVERED, "Mark delivered"),
        _transition_action(OrderStatus.CANCELLED, "Cancel (restocks)"),
    ]
