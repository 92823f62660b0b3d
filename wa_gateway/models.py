from __future__ import annotations

from django.db import models


class InboundEvent(models.Model):
    """One customer message exactly as Meta delivered it. The unique wamid makes a
    redelivery a no-op; `processed_at` marks it answered (exactly once)."""

    wamid = models.CharField(max_length=128, unique=True)
    customer = models.ForeignKey(
        "users.Customer", related_name="inbound_events", on_delete=models.CASCADE
    )
    msg_type = models.CharField(max_length=24)
    timestamp = models.DateTimeField(help_text="When the customer sent it (Meta's clock).")
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["timestamp", "id"]
        indexes = [
            models.Index(fields=["customer", "processed_at", "timestamp"]),
            models.Index(fields=["processed_at", "received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.msg_type} {self.wamid}"
