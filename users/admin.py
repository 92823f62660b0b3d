from django.contrib import admin
from django.http import HttpRequest

from .models import Customer


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = (
        "wa_id",
        "profile_name",
        "language",
        "opted_out",
        "marketing_consent_display",
        "last_seen_at",
        "created_at",
    )
    list_filter = ("language", "opted_out")
    search_fields = ("wa_id", "phone", "profile_name")
    # Marketing consent is the customer's own answer in the chat, like opting out.
    readonly_fields = (
        "created_at",
        "updated_at",
        "last_inbound_at",
        "marketing_consent_at",
        "marketing_opt_out_at",
    )
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request: HttpRequest, obj: Customer | None = None):
        # Every message goes to the customer's WhatsApp id, and only the customer opts out
        # or back in (STOP / START): editing either here would let staff message a number
        # that never wrote to us, or someone who asked us to stop.
        readonly = super().get_readonly_fields(request, obj)
        if obj is None:
            return readonly
        return (*readonly, "wa_id", "opted_out", "opted_out_at")

    @admin.display(description="marketing consent", boolean=True)
    def marketing_consent_display(self, obj: Customer) -> bool:
        return obj.marketing_consent
