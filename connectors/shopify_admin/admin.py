from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from .models import SyncRun, SyncStatus


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
