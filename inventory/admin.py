from django.contrib import admin

from .models import Category, Product, StockAlert


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_ar", "slug", "parent", "sort_order", "active")
    list_filter = ("active", "parent")
    search_fields = ("name_en", "name_ar", "slug")
    autocomplete_fields = ("parent",)
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("sku", "name_en", "brand", "category", "price", "currency", "stock", "active")
    list_filter = ("active", "category", "brand", "currency")
    search_fields = ("sku", "name_en", "name_ar", "brand__name_en")
    autocomplete_fields = ("brand", "category")
    list_select_related = ("brand", "category")
    readonly_fields = ("created_at", "updated_at", "shopify_product_id", "shopify_variant_id")
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("sku", "active", "brand", "category")}),
        ("Names", {"fields": ("name_en", "name_ar", "description_en", "description_ar")}),
        ("Price and stock", {"fields": ("price", "compare_at_price", "currency", "stock")}),
        ("Details", {"fields": ("specs", "image_url")}),
        ("Shopify", {"fields": ("shopify_product_id", "shopify_variant_id")}),
        ("Timestamps", {"fields": ("created_at", "updated_at")}),
    )


@admin.register(StockAlert)
class StockAlertAdmin(admin.ModelAdmin):
    """Who waits for which product; rows are created by customers in the chat and marked
    sent by the back-in-stock sweep, so staff only read them."""

    list_display = ("product", "customer", "language", "created_at", "notified_at")
    list_filter = ("language", ("notified_at", admin.EmptyFieldListFilter))
    search_fields = ("product__sku", "product__name_en", "customer__wa_id")
    list_select_related = ("product", "customer")
    readonly_fields = ("customer", "product", "language", "created_at", "notified_at")

    def has_add_permission(self, request) -> bool:
        return False
