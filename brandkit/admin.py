from django.contrib import admin

from .models import Brand, SpecDefinition


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_ar", "slug", "active", "updated_at")
    list_filter = ("active",)
    search_fields = ("name_en", "name_ar", "slug")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(SpecDefinition)
class SpecDefinitionAdmin(admin.ModelAdmin):
    list_display = ("key", "label_en", "label_ar", "unit", "value_type", "is_key_spec")
    list_filter = ("value_type", "is_key_spec")
    search_fields = ("key", "label_en", "label_ar")
    list_editable = ("is_key_spec",)
