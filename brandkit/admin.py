from django.contrib import admin

from .models import Brand, BrandAlias, SpecDefinition


class BrandAliasInline(admin.TabularInline):
    model = BrandAlias
    extra = 1
    fields = ("alias", "kind", "created_at")
    readonly_fields = ("created_at",)


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_ar", "slug", "active", "updated_at")
    list_filter = ("active",)
    search_fields = ("name_en", "name_ar", "slug", "aliases__alias")
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = [BrandAliasInline]


@admin.register(SpecDefinition)
class SpecDefinitionAdmin(admin.ModelAdmin):
    list_display = ("key", "label_en", "label_ar", "unit", "value_type", "is_key_spec")
    list_filter = ("value_type", "is_key_spec")
    search_fields = ("key", "label_en", "label_ar")
    list_editable = ("is_key_spec",)
