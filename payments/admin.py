from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from .models import Payment, PaymentEvent, PaymentOption, PaymentStatus
from .settlement import payment_refund_start

STRIPE_DASHBOARD = "https://dashboard.stripe.com"


@admin.register(PaymentOption)
class PaymentOptionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_ar", "kind", "active", "sort_order")
    list_filter = ("kind", "active")
    search_fields = ("code", "name_en", "name_ar")
    list_editable = ("active", "sort_order")


class PaymentEventInline(admin.TabularInline):
    """The provider's events about this payment, in the order they were received."""

    model = PaymentEvent
    extra = 0
    can_delete = False
    fields = (
        "received_at",
        "event_type",
        "event_id",
        "provider_created_at",
        "processed_at",
        "outcome",
    )
    readonly_fields = fields
    ordering = ("received_at", "id")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        # The event log is part of the payment: whoever may see the payment sees it.
        return request.user.has_perm("payments.view_payment") or request.user.has_perm(
            "payments.change_payment"
        )


class NeedsReviewFilter(admin.SimpleListFilter):
    title = "needs review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("yes", "Needs review"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(review_reason="")
        if self.value() == "no":
            return queryset.filter(review_reason="")
        return queryset


@admin.action(description="Refund through the payment provider", permissions=["refund"])
def refund_through_provider(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
    """Ask the provider to refund the selected paid card payments (the money goes back
    to the card; the order's status is not changed: cancel the order for that)."""
    started, refused = 0, []
    for payment in queryset:
        if payment_refund_start(payment=payment, actor=request.user.get_username()):
            started += 1
        else:
            refused.append(payment.reference)
    if started:
        modeladmin.message_user(request, f"Refund requested for {started} payment(s).")
    if refused:
        modeladmin.message_user(
            request,
            "Not refundable here (not a paid card payment): " + ", ".join(refused),
            level=messages.WARNING,
        )


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "order",
        "option",
        "amount",
        "currency",
        "status",
        "provider",
        "provider_status",
        "needs_review_flag",
        "created_at",
    )
    list_filter = ("status", "provider", NeedsReviewFilter, "option", "currency")
    search_fields = (
        "reference",
        "order__order_number",
        "order__customer__wa_id",
        "provider_session_id",
        "provider_payment_intent",
    )
    autocomplete_fields = ("order", "option")
    readonly_fields = (
        "created_at",
        "updated_at",
        "paid_at",
        "provider",
        "attempt",
        "provider_session_id",
        "provider_payment_intent",
        "provider_status",
        "checkout_link",
        "dashboard_link",
        "expires_at",
        "refund_id",
        "refund_status",
        "refunded_amount",
        "review_reason",
    )
    exclude = ("provider_url",)
    date_hierarchy = "created_at"
    list_select_related = ("order", "option")
    inlines = [PaymentEventInline]
    actions = [refund_through_provider]

    def has_refund_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("payments.refund_payment")

    def get_readonly_fields(self, request: HttpRequest, obj: Payment | None = None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.provider:
            # The provider's record decides these; editing them here would lie.
            fields += ["status", "amount", "currency", "order", "option", "reference"]
        return fields

    @admin.display(description="Needs review", boolean=True)
    def needs_review_flag(self, obj: Payment) -> bool:
        return obj.needs_review

    @admin.display(description="Checkout page")
    def checkout_link(self, obj: Payment) -> str:
        if not obj.provider_url:
            return "—"
        still_open = obj.status == PaymentStatus.PENDING
        return format_html(
            '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>',
            obj.provider_url,
            "Open (the customer's link)" if still_open else "Link (no longer payable)",
        )

    @admin.display(description="Stripe dashboard")
    def dashboard_link(self, obj: Payment) -> str:
        if obj.provider != "stripe" or not (obj.provider_payment_intent or obj.provider_session_id):
            return "—"
        if obj.provider_payment_intent:
            url = f"{STRIPE_DASHBOARD}/payments/{obj.provider_payment_intent}"
        else:
            url = f"{STRIPE_DASHBOARD}/checkout/sessions/{obj.provider_session_id}"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>', url, url
        )


@admin.register(PaymentEvent)
class PaymentEventAdmin(admin.ModelAdmin):
    """The raw provider event log, read-only."""

    list_display = ("received_at", "event_type", "event_id", "payment", "processed_at", "outcome")
    list_filter = ("provider", "event_type")
    search_fields = ("event_id", "payment__reference", "payment__order__order_number")
    readonly_fields = [f.name for f in PaymentEvent._meta.fields]
    list_select_related = ("payment",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
