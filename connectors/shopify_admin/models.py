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
