from django.contrib import admin

from .models import FAQ


@admin.register(FAQ)
class FAQAdmin(admin.ModelAdmin):
    list_display = ("question_en", "question_ar", "topic", "active", "updated_at")
    list_filter = ("topic", "active")
    search_fields = ("question_en", "question_ar", "answer_en", "answer_ar")
    list_editable = ("active",)
