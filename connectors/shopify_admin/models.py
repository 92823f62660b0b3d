from __future__ import annotations

from django.db import models


class SyncStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCESS = "success", "Success"
    FAILED = "failed", "Failed"


class SyncRun(models.Model):
    """One catalog sync. The last successful run's start time is where the next
    incremental run begins (`updated_at_min`)."""

    api = models.CharField(max_length=10)
    full = models.BooleanField(default=False)
    since = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=SyncStatus.choices, default=SyncStatus.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    requests_made = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    skipped = models.JSONField(default=list, blank=True)
    # Specs left out of imported products (tag/metafield not in the taxonomy, bad value).
    spec_drops = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["status", "started_at"])]

    def __str__(self) -> str:
        return f"{self.api} sync #{self.pk} ({self.status})"


class WebhookEvent(models.Model):
    """One Shopify webhook delivery exactly as it arrived (HMAC verified). The unique
    `X-Shopify-Webhook-Id` makes a redelivery a no-op; `processed_at` marks it applied."""

    webhook_id = models.CharField(max_length=100, unique=True)
    topic = models.CharField(max_length=60)
    shop_domain = models.CharField(max_length=255, blank=True)
    # X-Shopify-Triggered-At: when Shopify raised the event (orders deletes, which carry
    # no updated_at, against later updates).
    triggered_at = models.DateTimeField(null=True, blank=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["processed_at", "received_at"])]

    def __str__(self) -> str:
        return f"{self.topic} {self.webhook_id}"


class ProductVersion(models.Model):
    """The Shopify `updated_at` of the newest state applied for one Shopify product, by
    webhook or sync: an older state arriving later is dropped, never applied."""

    shopify_product_id = models.BigIntegerField(unique=True)
    updated_at = models.DateTimeField()
    deleted = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"product {self.shopify_product_id} @ {self.updated_at:%Y-%m-%d %H:%M:%S}"


class VariantLink(models.Model):
    """Shopify variant → its inventory item (inventory level webhooks name only the item)."""

    shopify_variant_id = models.BigIntegerField(unique=True)
    shopify_product_id = models.BigIntegerField()
    inventory_item_id = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"variant {self.shopify_variant_id} → item {self.inventory_item_id}"


class InventoryLevel(models.Model):
    """Available units of one inventory item at one Shopify location, newest wins."""

    inventory_item_id = models.BigIntegerField()
    location_id = models.BigIntegerField()
    available = models.IntegerField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["inventory_item_id", "location_id"], name="shopify_level_item_location"
            )
        ]

    def __str__(self) -> str:
        return f"item {self.inventory_item_id} @ {self.location_id}: {self.available}"


class PushStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PUSHING = "pushing", "Pushing"
    RETRYING = "retrying", "Retrying (last attempt failed)"
    PUSHED = "pushed", "Pushed"
    FAILED = "failed", "Failed (needs staff)"
    # cancelled here before it reached Shopify: it is never created there
    SKIPPED = "skipped", "Not pushed (cancelled first)"


class CancelPushStatus(models.TextChoices):
    """Where a local cancellation of a pushed order stands in Shopify."""

    NONE = "", "—"
    PENDING = "pending", "Cancel pending"
    PUSHING = "pushing", "Cancelling"
    RETRYING = "retrying", "Retrying (last attempt failed)"
    DONE = "done", "Cancelled in Shopify"
    FAILED = "failed", "Failed (needs staff)"
    # Shopify's `orders/cancelled` cancelled it here: nothing to send back
    FROM_SHOPIFY = "shopify", "Cancelled from Shopify"


class OrderPush(models.Model):
    """The Shopify copy of one local order: its push state and, once created, Shopify's
    order id (unique: one Shopify order per local order, and back again for fulfilments),
    then whether a cancellation made here reached Shopify."""

    order = models.OneToOneField(
        "orders.Order", related_name="shopify_push", on_delete=models.CASCADE
    )
    status = models.CharField(max_length=10, choices=PushStatus.choices, default=PushStatus.PENDING)
    shopify_order_id = models.BigIntegerField(null=True, blank=True, unique=True)
    shopify_order_name = models.CharField(max_length=40, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # A claimed push belongs to one worker until then; after it the sweep may take it over.
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    pushed_at = models.DateTimeField(null=True, blank=True)
    # When Shopify learnt the order is paid (created as paid, or marked paid later).
    paid_pushed_at = models.DateTimeField(null=True, blank=True)
    # A local cancellation sent to Shopify (`orderCancel`), once. `lease_until` is the
    # cancel's lease while it runs: it only runs on a pushed order, whose create lease is over.
    cancel_status = models.CharField(
        max_length=10, choices=CancelPushStatus.choices, blank=True, default=CancelPushStatus.NONE
    )
    cancel_attempts = models.PositiveSmallIntegerField(default=0)
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    cancel_pushed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "lease_until"]),
            models.Index(fields=["cancel_status", "lease_until"]),
        ]

    def __str__(self) -> str:
        return f"order {self.order_id} → Shopify ({self.status})"


class CollectionRole(models.TextChoices):
    NONE = "", "—"
    DEALS = "deals", "Deals"
    FEATURED = "featured", "Featured"


class Collection(models.Model):
    """A Shopify collection (custom or smart) and the products in it. Staff may give it a
    role (deals, featured) so its products drive those lists, and map it to a category."""

    shopify_collection_id = models.BigIntegerField(unique=True)
    title = models.CharField(max_length=255)
    handle = models.CharField(max_length=255, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    role = models.CharField(max_length=10, choices=CollectionRole.choices, blank=True, default="")
    product_ids = models.JSONField(
        default=list, blank=True, help_text="Shopify product ids in the collection."
    )
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class CategoryMapping(models.Model):
    """Where Shopify products go in the local taxonomy: by collection (checked first) or
    by product type (case-insensitive). A product matching neither, and whose type is not
    the slug of a local category, goes to the "unmapped" category and is listed for staff."""

    product_type = models.CharField(
        max_length=255, blank=True, help_text="Shopify product type, e.g. 'Headphones'."
    )
    collection = models.ForeignKey(
        Collection, null=True, blank=True, related_name="mappings", on_delete=models.CASCADE
    )
    category = models.ForeignKey(
        "inventory.Category", related_name="shopify_mappings", on_delete=models.PROTECT
    )
    priority = models.PositiveSmallIntegerField(
        default=100, help_text="Lower wins when a product is in several mapped collections."
    )

    class Meta:
        ordering = ["priority", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(collection__isnull=True) & ~models.Q(product_type=""))
                | (models.Q(collection__isnull=False) & models.Q(product_type="")),
                name="shopify_mapping_type_xor_collection",
            )
        ]

    def __str__(self) -> str:
        source = f"collection {self.collection}" if self.collection_id else self.product_type
        return f"{source} → {self.category}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if bool(self.product_type.strip()) == bool(self.collection_id):
            raise ValidationError("Map either a product type or a collection.")
        self.product_type = self.product_type.strip()
        same = CategoryMapping.objects.exclude(pk=self.pk)
        if self.product_type and same.filter(product_type__iexact=self.product_type).exists():
            raise ValidationError({"product_type": "This product type is mapped already."})
        if self.collection_id and same.filter(collection_id=self.collection_id).exists():
            raise ValidationError({"collection": "This collection is mapped already."})


class UnmappedProductType(models.Model):
    """A Shopify product type with no mapping: its products wait in the "unmapped"
    category until staff map it (then the next sync moves them)."""

    product_type = models.CharField(max_length=255, unique=True)
    products = models.PositiveIntegerField(default=0)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-products", "product_type"]

    def __str__(self) -> str:
        return self.product_type or "(no product type)"


class TranslationState(models.Model):
    """The last Shopify translation applied to a product field (`title` → name_ar,
    `body_html` → description_ar). While Shopify's value stays the same, a local Arabic
    edit made in admin is kept; a changed Shopify value is applied again."""

    shopify_product_id = models.BigIntegerField()
    key = models.CharField(max_length=40)
    locale = models.CharField(max_length=10)
    value = models.TextField()
    applied_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shopify_product_id", "key", "locale"], name="shopify_translation_once"
            )
        ]

    def __str__(self) -> str:
        return f"product {self.shopify_product_id} {self.key} [{self.locale}]"
