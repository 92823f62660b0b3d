from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .photos import photo_upload_to, photo_validate


class Category(models.Model):
    """A node of the catalog tree (Phones > Android phones)."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, related_name="children", on_delete=models.PROTECT
    )
    slug = models.SlugField(max_length=80, unique=True)
    name_en = models.CharField(max_length=120)
    name_ar = models.CharField(max_length=120)
    description_en = models.CharField(max_length=300, blank=True)
    description_ar = models.CharField(max_length=300, blank=True)
    search_terms = models.TextField(
        blank=True,
        help_text=(
            "What customers use this category for, in their words, English and Arabic "
            "(e.g. 'music, running, gym, calls, جري، رياضة'). A request that names no "
            "product type is matched against these."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "name_en"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name_en

    def name(self, language: str) -> str:
        return self.name_ar if language == "ar" else self.name_en

    def clean(self) -> None:
        node, seen = self.parent, {self.pk}
        while node is not None:
            if node.pk in seen:
                raise ValidationError({"parent": "A category cannot be its own ancestor."})
            seen.add(node.pk)
            node = node.parent

    def lineage_slugs(self) -> list[str]:
        """This category's slug and its ancestors', nearest first."""
        slugs, node, guard = [], self, 0
        while node is not None and guard < 20:
            slugs.append(node.slug)
            node, guard = node.parent, guard + 1
        return slugs


class Product(models.Model):
    """A sellable item (one per Shopify variant). Never deleted once sold: deactivate it."""

    sku = models.CharField("SKU", max_length=64, unique=True)
    brand = models.ForeignKey(
        "brandkit.Brand", null=True, blank=True, related_name="products", on_delete=models.PROTECT
    )
    category = models.ForeignKey(Category, related_name="products", on_delete=models.PROTECT)
    name_en = models.CharField(max_length=200)
    name_ar = models.CharField(max_length=200, blank=True)
    description_en = models.TextField(blank=True)
    description_ar = models.TextField(blank=True)
    specs = models.JSONField(default=dict, blank=True)
    price = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    compare_at_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default=settings.DEFAULT_CURRENCY)
    stock = models.IntegerField(default=0)
    image_url = models.URLField(max_length=500, blank=True)
    # An uploaded photo wins over image_url (see inventory.photos.product_image_link).
    photo = models.ImageField(
        _("photo"),
        upload_to=photo_upload_to,
        max_length=255,
        blank=True,
        validators=[photo_validate],
        help_text=_("JPEG or PNG. Sent to customers instead of the image URL when both are set."),
    )
    photo_thumbnail = models.ImageField(max_length=255, blank=True, editable=False)
    active = models.BooleanField(default=True)
    shopify_product_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    shopify_variant_id = models.BigIntegerField(null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_en"]
        constraints = [
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="product_stock_gte_0"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="product_price_gte_0"),
        ]
        indexes = [
            models.Index(fields=["active", "category"]),
            models.Index(fields=["active", "brand"]),
            models.Index(fields=["price"]),
            models.Index(fields=["updated_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.name_en} [{self.sku}]"

    def name(self, language: str) -> str:
        return (self.name_ar or self.name_en) if language == "ar" else self.name_en

    def description(self, language: str) -> str:
        return (
            (self.description_ar or self.description_en)
            if language == "ar"
            else (self.description_en)
        )

    @property
    def in_stock(self) -> bool:
        return self.active and self.stock > 0

    def clean(self) -> None:
        from brandkit.specs import specs_clean

        if self.compare_at_price is not None and self.compare_at_price < self.price:
            raise ValidationError(
                {"compare_at_price": "The compare-at price must not be below the price."}
            )
        if self.category_id is not None:
            self.specs = specs_clean(
                specs=self.specs or {}, category_slugs=self.category.lineage_slugs()
            )


class StockAlert(models.Model):
    """A customer's request to hear when an out-of-stock product is back. One row per
    customer and product; `notified_at` is set once the alert has been sent and cleared
    when the customer asks again."""

    customer = models.ForeignKey(
        "users.Customer", related_name="stock_alerts", on_delete=models.CASCADE
    )
    product = models.ForeignKey(Product, related_name="stock_alerts", on_delete=models.CASCADE)
    language = models.CharField(max_length=2, default="en")
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "product"], name="stock_alert_one_per_customer_product"
            )
        ]
        indexes = [models.Index(fields=["product", "notified_at"])]

    def __str__(self) -> str:
        return f"alert {self.customer_id} → {self.product_id}"
