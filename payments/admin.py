from django.contrib import admin

from .models import Payment, PaymentOption


@admin.register(PaymentOption)
class PaymentOptionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_ar", "kind", "active", "sort_order")
    list_filter = ("kind", "active")
    search_fields = ("code", "name_en", "name_ar")
    list_editable = ("active", "sort_order")


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("reference", "order", "option", "amount", "currency", "status", "created_at")
    list_filter = ("status", "option", "currency")
    search_fields = ("reference", "order__order_number", "order__customer__wa_id")
    autocomplete_fields = ("order", "option")
    readonly_fields = ("created_at", "updated_at", "paid_at")
    date_hierarchy = "created_at"
    list_select_related = ("order", "option")
