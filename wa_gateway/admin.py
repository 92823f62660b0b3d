from django.contrib import admin

from .models import InboundEvent


@admin.register(InboundEvent)
class InboundEventAdmin(admin.ModelAdmin):
    list_display = ("wamid", "customer", "msg_type", "timestamp", "processed_at", "error")
    list_filter = ("msg_type", ("processed_at", admin.EmptyFieldListFilter))
    search_fields = ("wamid", "customer__wa_id")
    readonly_fields = ("wamid", "customer", "msg_type", "timestamp", "payload", "received_at")
    date_hierarchy = "received_at"
    list_select_related = ("customer",)
