from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .bulk_edit import price_stock_sheet, price_stock_sheet_parse, product_price_stock_apply
from .models import Category, Product, StockAlert
from .photos import product_photo_thumbnail_refresh


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_ar", "slug", "parent", "sort_order", "active")
    list_filter = ("active", "parent")
    search_fields = ("name_en", "name_ar", "slug")
    autocomplete_fields = ("parent",)
    prepopulated_fields = {"slug": ("name_en",)}


class PriceSheetForm(forms.Form):
    sheet = forms.FileField(
        label=_("CSV sheet"),
        help_text=_(
            "Columns: sku, and any of price, compare_at_price, stock. An empty cell leaves "
            "the value as it is; “-” in compare_at_price removes it."
        ),
    )
    apply = forms.BooleanField(
        label=_("Apply the changes"),
        required=False,
        help_text=_("Unticked: only check the sheet and show what would change."),
    )


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "thumbnail",
        "sku",
        "name_en",
        "brand",
        "category",
        "price",
        "currency",
        "stock",
        "active",
    )
    list_display_links = ("thumbnail", "sku")
    list_filter = ("active", "category", "brand", "currency", ("photo", admin.EmptyFieldListFilter))
    search_fields = ("sku", "name_en", "name_ar", "brand__name_en")
    autocomplete_fields = ("brand", "category")
    list_select_related = ("brand", "category")
    readonly_fields = (
        "photo_preview",
        "created_at",
        "updated_at",
        "shopify_product_id",
        "shopify_variant_id",
    )
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("sku", "active", "brand", "category")}),
        (_("Names"), {"fields": ("name_en", "name_ar", "description_en", "description_ar")}),
        (_("Price and stock"), {"fields": ("price", "compare_at_price", "currency", "stock")}),
        (_("Photo"), {"fields": ("photo", "photo_preview", "image_url")}),
        (_("Details"), {"fields": ("specs",)}),
        (_("Shopify"), {"fields": ("shopify_product_id", "shopify_variant_id")}),
        (_("Timestamps"), {"fields": ("created_at", "updated_at")}),
    )

    @admin.display(description=_("photo"))
    def thumbnail(self, product: Product) -> str:
        if product.photo_thumbnail:
            src = product.photo_thumbnail.url
        elif product.image_url:
            src = product.image_url
        else:
            return "-"
        return format_html(
            '<img src="{}" alt="" loading="lazy" style="height:40px;width:40px;object-fit:cover">',
            src,
        )

    @admin.display(description=_("what customers see"))
    def photo_preview(self, product: Product) -> str:
        if product.photo:
            return format_html(
                '<img src="{}" alt="" style="max-height:160px"><br>{}',
                product.photo.url,
                gettext("The uploaded photo (wins over the image URL)."),
            )
        if product.image_url:
            return format_html(
                '<img src="{}" alt="" style="max-height:160px"><br>{}',
                product.image_url,
                gettext("The image URL (no photo uploaded)."),
            )
        return gettext("No picture: product cards are sent without an image.")

    def save_model(self, request: HttpRequest, obj: Product, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if "photo" in form.changed_data:
            product_photo_thumbnail_refresh(product=obj)

    # --- Bulk price and stock edits ----------------------------------------------------------
    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        custom = [
            path(
                "price-sheet/",
                self.admin_site.admin_view(self.price_sheet_view),
                name=f"{prefix}_price_sheet",
            ),
            path(
                "import-prices/",
                self.admin_site.admin_view(self.price_import_view),
                name=f"{prefix}_price_import",
            ),
        ]
        return custom + super().get_urls()

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = {
            **(extra_context or {}),
            "price_import_url": reverse("admin:inventory_product_price_import"),
            "can_import_prices": self.has_change_permission(request),
        }
        return super().changelist_view(request, extra_context=extra_context)

    def price_sheet_view(self, request: HttpRequest) -> HttpResponse:
        """Every product's SKU, price, compare-at price and stock, to edit and upload."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        products = Product.objects.order_by("sku").only(
            "sku", "price", "compare_at_price", "stock", "name_en"
        )
        response = HttpResponse(
            price_stock_sheet(products=products.iterator(chunk_size=2000)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="prices-and-stock.csv"'
        return response

    def price_import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a price/stock sheet: checked whole, shown as a preview, applied only when
        asked and only when every row is valid. Needs the change-product permission."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = PriceSheetForm(request.POST or None, request.FILES or None)
        parsed = None
        applied = None
        if request.method == "POST" and form.is_valid():
            parsed = price_stock_sheet_parse(data=form.cleaned_data["sheet"].read())
            if parsed.errors:
                self.message_user(
                    request,
                    gettext("Nothing was changed: fix the rows below and upload again."),
                    messages.ERROR,
                )
            elif form.cleaned_data["apply"]:
                applied = product_price_stock_apply(changes=parsed.changes)
                self.message_user(
                    request,
                    gettext("Prices and stock updated for %(count)s product(s).")
                    % {"count": applied},
                    messages.SUCCESS,
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Import prices and stock"),
            "form": form,
            "parsed": parsed,
            "applied": applied,
            "sheet_url": reverse("admin:inventory_product_price_sheet"),
        }
        return TemplateResponse(request, "admin/inventory/product/price_import.html", context)


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
