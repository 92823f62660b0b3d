from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Chat(models.Model):
    """One customer's conversation with the shop: the dialog state machine's memory.

    The dialog engine locks this row (select_for_update) while it handles the customer's
    messages, so two workers never interleave one conversation.
    """

    customer = models.OneToOneField("users.Customer", related_name="chat", on_delete=models.CASCADE)
    state = models.CharField(max_length=64, default="assistant")
    context = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=2, default="en")
    last_activity_at = models.DateTimeField(null=True, blank=True)
    handoff_active = models.BooleanField(
        default=False, help_text="A human is answering; the bot stays silent."
    )
    handoff_requested_at = models.DateTimeField(null=True, blank=True)
    closed = models.BooleanField(default=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        indexes = [
            models.Index(fields=["handoff_active", "last_activity_at"]),
            models.Index(fields=["closed", "last_activity_at"]),
        ]

    def __str__(self) -> str:
        return f"Chat with {self.customer}"


class Direction(models.TextChoices):
    INBOUND = "in", "Inbound"
    OUTBOUND = "out", "Outbound"


class DeliveryStatus(models.TextChoices):
    # Ordered by progress: a status callback never moves a message backwards.
    RECEIVED = "received", "Received"
    QUEUED = "queued", "Queued"
    # Claimed by an outbox drain, with a lease: in flight to the Graph API.
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    READ = "read", "Read"
    FAILED = "failed", "Failed"


STATUS_RANK = {
    DeliveryStatus.RECEIVED: 0,
    DeliveryStatus.QUEUED: 1,
    DeliveryStatus.SENDING: 2,
    DeliveryStatus.SENT: 3,
    DeliveryStatus.DELIVERED: 4,
    DeliveryStatus.READ: 5,
    DeliveryStatus.FAILED: 6,
}
# What Meta's status callbacks may set; the others are ours alone.
CALLBACK_STATUSES = frozenset(
    {DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.READ, DeliveryStatus.FAILED}
)


class Message(models.Model):
    chat = models.ForeignKey(Chat, related_name="messages", on_delete=models.CASCADE)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    msg_type = models.CharField(max_length=24, default="text")
    body = models.JSONField(default=dict, blank=True)
    text = models.TextField(blank=True, help_text="Readable rendering, for staff and search.")
    wamid = models.CharField(
        "WhatsApp message id", max_length=128, unique=True, null=True, blank=True
    )
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices)
    error_code = models.IntegerField(null=True, blank=True)
    error_title = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The outbox (message_bus.tasks): a `sending` row belongs to the drain that claimed it
    # until `lease_until`; a `queued` row waiting in backoff is not sent before
    # `next_attempt_at`, and nothing newer of its chat is sent before it.
    lease_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_by_staff = models.CharField(max_length=150, blank=True)
    allow_opted_out = models.BooleanField(
        default=False,
        help_text="Sent even if the customer has opted out: only the opt-out confirmation.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    status_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["chat", "created_at"]),
            models.Index(fields=["direction", "status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.msg_type} #{self.pk}"


class EarlyStatus(models.Model):
    """A status callback for a wamid we have not recorded yet: Meta can report "sent" or
    "failed" before the send task has stored the id Graph returned. Kept here and applied
    when the wamid is recorded, so the callback is not lost; old rows are purged."""

    wamid = models.CharField("WhatsApp message id", max_length=128, db_index=True)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices)
    at = models.DateTimeField(help_text="When Meta says it happened.")
    error_code = models.IntegerField(null=True, blank=True)
    error_title = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name_plural = "early statuses"

    def __str__(self) -> str:
        return f"{self.status} {self.wamid}"


class Feedback(models.Model):
    """A customer's rating of the service (1 poor, 3 OK, 5 great), with the comment they
    typed after it, for staff to read and filter in admin."""

    chat = models.ForeignKey(Chat, related_name="feedback", on_delete=models.CASCADE)
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)
    language = models.CharField(max_length=2, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "feedback"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5 from chat #{self.chat_id}"
