from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from .models import (
    CategoryMapping,
    Collection,
    OrderPush,
    SyncRun,
    SyncStatus,
    UnmappedProductType,
    WebhookEvent,
)
from .order_cancel_push import order_cancel_retry
from .order_push import order_push_retry
from .tasks import enqueue_order_cancel_push, enqueue_order_push


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    """Read-only history of catalog syncs; the list header shows the last successful one
    (where the next incremental run starts)."""

    list_display = (
        "id",
        "api",
        "full",
        "status",
        "started_at",
        "finished_at",
        "created",
        "updated",
        "deactivated",
        "skipped_count",
        "requests_made",
    )
    list_filter = ("status", "api", "full")
    search_fields = ("error",)
    readonly_fields = [f.name for f in SyncRun._meta.fields]

    def _count(self, run: SyncRun, key: str) -> int:
        return int((run.counts or {}).get(key, 0))

    @admin.display(description="created")
    def created(self, run: SyncRun) -> int:
        return self._count(run, "created")

    @admin.display(description="updated")
    def updated(self, run: SyncRun) -> int:
        return self._count(run, "updated")

    @admin.display(description="deactivated")
    def deactivated(self, run: SyncRun) -> int:
        return self._count(run, "deactivated")

    @admin.display(description="skipped")
    def skipped_count(self, run: SyncRun) -> int:
        return self._count(run, "skipped")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> Any:
        last = SyncRun.objects.filter(status=SyncStatus.SUCCESS).first()
        title = (
            f"Shopify syncs: last success "
            f"{timezone.localtime(last.finished_at or last.started_at):%Y-%m-%d %H:%M %Z}, "
            f"{' '.join(f'{k}={v}' for k, v in (last.counts or {}).items())}"
            if last
            else "Shopify syncs: no successful sync yet"
        )
        return super().changelist_view(request, {**(extra_context or {}), "title": title})

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SyncRun | None = None) -> bool:
        return False


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    """Shopify webhook inbox: what arrived, what it did, and the error of a failing one."""

    list_display = (
        "id",
        "topic",
        "webhook_id",
        "received_at",
        "processed_at",
        "attempts",
        "outcome",
        "error",
    )
    list_filter = ("topic", ("processed_at", admin.EmptyFieldListFilter))
    search_fields = ("webhook_id", "outcome", "error")
    readonly_fields = [f.name for f in WebhookEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: WebhookEvent | None = None) -> bool:
        return False


@admin.register(OrderPush)
class OrderPushAdmin(admin.ModelAdmin):
    """Orders created in Shopify and cancellations made here sent after them: failed ones
    are listed with Shopify's reason and can be tried again."""

    list_display = (
        "order",
        "status",
        "shopify_order_name",
        "shopify_order_id",
        "attempts",
        "pushed_at",
        "cancel_status",
        "cancel_pushed_at",
        "last_error",
    )
    list_filter = ("status", "cancel_status")
    search_fields = ("order__order_number", "shopify_order_name", "last_error")
    readonly_fields = [f.name for f in OrderPush._meta.fields]
    actions = ["retry_push", "retry_cancel"]

    @admin.action(description="Push to Shopify again", permissions=["change"])
    def retry_push(self, request: HttpRequest, queryset: QuerySet[OrderPush]) -> None:
        order_ids = order_push_retry(push_ids=list(queryset.values_list("pk", flat=True)))
        for order_id in order_ids:
            transaction.on_commit(lambda oid=order_id: enqueue_order_push(oid))
        self.message_user(request, f"{len(order_ids)} failed push(es) queued again.")

    @admin.action(description="Cancel in Shopify again", permissions=["change"])
    def retry_cancel(self, request: HttpRequest, queryset: QuerySet[OrderPush]) -> None:
        order_ids = order_cancel_retry(push_ids=list(queryset.values_list("pk", flat=True)))
        for order_id in order_ids:
            transaction.on_commit(lambda oid=order_id: enqueue_order_cancel_push(oid))
        self.message_user(request, f"{len(order_ids)} failed cancellation(s) queued again.")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OrderPush | None = None) -> bool:
        return False


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    """Shopify collections (read by the sync); staff set a role: deals or featured."""

    list_display = ("title", "handle", "role", "product_count", "updated_at", "synced_at")
    list_filter = ("role",)
    list_editable = ("role",)
    search_fields = ("title", "handle")
    readonly_fields = (
        "shopify_collection_id",
        "title",
        "handle",
        "updated_at",
        "product_ids",
        "synced_at",
    )

    @admin.display(description="products")
    def product_count(self, collection: Collection) -> int:
        return len(collection.product_ids or [])

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(CategoryMapping)
class CategoryMappingAdmin(admin.ModelAdmin):
    """Shopify product type or collection → local category (with its parent and Arabic
    name). The next sync moves the products."""

    list_display = (
        "__str__",
        "product_type",
        "collection",
        "category",
        "category_parent",
        "priority",
    )
    list_select_related = ("collection", "category", "category__parent")
    autocomplete_fields = ("category",)
    search_fields = ("product_type", "collection__title", "category__name_en")

    @admin.display(description="parent category")
    def category_parent(self, mapping: CategoryMapping) -> str:
        parent = mapping.category.parent
        return str(parent) if parent else "—"


@admin.register(UnmappedProductType)
class UnmappedProductTypeAdmin(admin.ModelAdmin):
    """Product types whose products wait in the "unmapped" category: add a mapping for
    each (the link opens the mapping form with the type filled in)."""

    list_display = ("__str__", "products", "last_seen_at", "map_link")
    search_fields = ("product_type",)
    readonly_fields = ("product_type", "products", "first_seen_at", "last_seen_at")

    @admin.display(description="map")
    def map_link(self, row: UnmappedProductType) -> str:
        url = reverse("admin:shopify_admin_categorymapping_add")
        return format_html(
            '<a href="{}?{}">Map to a category</a>',
            url,
            urlencode({"product_type": row.product_type}),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
