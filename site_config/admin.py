from django.contrib import admin
from django.http import HttpRequest

from .models import SiteConfig


@admin.register(SiteConfig)
class SiteConfigAdmin(admin.ModelAdmin):
    list_display = ("shop_name", "default_language", "support_phone", "session_timeout_minutes")
    search_fields = ("shop_name", "support_email", "support_phone")
    list_filter = ("default_language",)
    fieldsets = (
        (None, {"fields": ("shop_name", "default_language", "session_timeout_minutes")}),
        ("Support", {"fields": ("support_phone", "support_email")}),
        ("Opening hours", {"fields": ("business_hours_en", "business_hours_ar")}),
        ("Welcome text", {"fields": ("welcome_text_en", "welcome_text_ar")}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SiteConfig.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: SiteConfig | None = None) -> bool:
        return False
