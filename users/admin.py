from django.contrib import admin

from .models import Customer


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("wa_id", "profile_name", "language", "opted_out", "last_seen_at", "created_at")
    list_filter = ("language", "opted_out")
    search_fields = ("wa_id", "phone", "profile_name")
    readonly_fields = ("created_at", "updated_at", "last_inbound_at")
    date_hierarchy = "created_at"
