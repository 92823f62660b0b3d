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
            # The outbox sweeps, the admin's list by direction and status (in the model's
            # order: `id` is named so error_code comes after it, not between created_at and
            # the primary key InnoDB appends) and the dashboard's delivery panel, whose
            # failures by Meta error code read the index alone thanks to error_code.
            models.Index(
                fields=["direction", "status", "created_at", "id", "error_code"],
                name="message_direction_status_day",
            ),
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


class TemplateCategory(models.TextChoices):
    UTILITY = "utility", "Utility"
    MARKETING = "marketing", "Marketing"
    AUTHENTICATION = "authentication", "Authentication"


class TemplateStatus(models.TextChoices):
    # Meta's review statuses; only APPROVED templates are ever sent.
    APPROVED = "APPROVED", "Approved"
    PENDING = "PENDING", "Pending review"
    REJECTED = "REJECTED", "Rejected"
    PAUSED = "PAUSED", "Paused (low quality)"
    DISABLED = "DISABLED", "Disabled"
    IN_APPEAL = "IN_APPEAL", "In appeal"
    PENDING_DELETION = "PENDING_DELETION", "Pending deletion"
    DELETED = "DELETED", "Deleted"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED", "Limit exceeded"
    FLAGGED = "FLAGGED", "Flagged"
    REINSTATED = "REINSTATED", "Reinstated"
    UNKNOWN = "UNKNOWN", "Unknown"


class TemplatePurpose(models.TextChoices):
    """What the shop uses a template for; staff pick it. One approved template per purpose
    and language is sent (the most recently synced when staff tagged several)."""

    NONE = "", "—"
    ORDER_PLACED = "order_placed", "Order placed"
    ORDER_PAID = "order_paid", "Order paid"
    ORDER_SHIPPED = "order_shipped", "Order shipped"
    ORDER_DELIVERED = "order_delivered", "Order delivered"
    ORDER_CANCELLED = "order_cancelled", "Order cancelled"
    ORDER_REFUNDED = "order_refunded", "Order refunded"
    BACK_IN_STOCK = "back_in_stock", "Back in stock (marketing)"
    CART_REMINDER = "cart_reminder", "Cart reminder (marketing)"


# Purposes that are marketing: they also need the customer's recorded consent.
MARKETING_PURPOSES = frozenset({TemplatePurpose.BACK_IN_STOCK, TemplatePurpose.CART_REMINDER})


class SlotSource(models.TextChoices):
    """The values a template parameter slot can be filled with (the sender supplies them)."""

    ORDER_NUMBER = "order_number", "Order number"
    CUSTOMER_NAME = "customer_name", "Customer name"
    ORDER_TOTAL = "order_total", "Order total (currency)"
    ORDER_STATUS = "order_status", "Order status"
    CARRIER = "carrier", "Carrier"
    TRACKING_NUMBER = "tracking_number", "Tracking number"
    TRACKING_URL_SUFFIX = "tracking_url_suffix", "Tracking URL suffix (button)"
    PAYMENT_URL_SUFFIX = "payment_url_suffix", "Payment URL suffix (button)"
    PRODUCT_NAME = "product_name", "Product name"
    PRODUCT_SKU = "product_sku", "Product SKU"
    CART_ITEMS = "cart_items", "Number of items in the cart"


class MessageTemplate(models.Model):
    """A WhatsApp message template as Meta holds it (synced from the Graph API and kept
    current by template status webhooks), plus what the shop uses it for: `purpose` and
    how each parameter slot is filled (`slot_map`), both set by staff.

    Slots are `header.1`, `body.1`, `body.2`, … (the `{{n}}` of the header and body text)
    and `button.<index>` (a URL button whose URL ends in `{{1}}`)."""

    name = models.CharField(max_length=512)
    language = models.CharField(max_length=15, help_text="Meta's code: en, en_US, ar, …")
    meta_id = models.CharField("Meta template id", max_length=64, blank=True)
    category = models.CharField(max_length=16, choices=TemplateCategory.choices, blank=True)
    status = models.CharField(
        max_length=20, choices=TemplateStatus.choices, default=TemplateStatus.PENDING
    )
    status_reason = models.CharField(max_length=300, blank=True)
    components = models.JSONField(default=list, blank=True, help_text="As Meta returns them.")
    body_text = models.TextField(blank=True)
    slots = models.JSONField(default=list, blank=True, help_text="Parsed from the components.")
    purpose = models.CharField(
        max_length=32, choices=TemplatePurpose.choices, blank=True, db_index=True
    )
    slot_map = models.JSONField(
        default=dict,
        blank=True,
        help_text='Slot → value, e.g. {"body.1": "customer_name", "button.0": '
        '"tracking_url_suffix"}.',
    )
    synced_at = models.DateTimeField(null=True, blank=True)
    status_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "language"]
        constraints = [
            models.UniqueConstraint(fields=["name", "language"], name="template_name_language")
        ]
        indexes = [models.Index(fields=["purpose", "status", "language"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"

    @property
    def is_marketing(self) -> bool:
        return self.category == TemplateCategory.MARKETING

    def unmapped_slots(self) -> list[str]:
        return [slot for slot in self.slots if slot not in (self.slot_map or {})]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        mapping = self.slot_map or {}
        if not isinstance(mapping, dict):
            raise ValidationError({"slot_map": "A JSON object: slot → value."})
        errors = []
        for slot, source in mapping.items():
            if slot not in (self.slots or []):
                errors.append(f"{slot!r} is not a slot of this template ({self.slots}).")
            if source not in SlotSource.values:
                errors.append(f"{source!r} is not one of {', '.join(SlotSource.values)}.")
        if errors:
            raise ValidationError({"slot_map": errors})


class ShopEventKind(models.TextChoices):
    SEARCH = "search", "Product search"
    CHECKOUT_STARTED = "checkout", "Checkout started"


SHOP_EVENT_QUERY_MAX = 200


class ShopEvent(models.Model):
    """One step of the sales funnel the rest of the record does not keep: a product search
    the bot answered (what was searched, how many products it found) or a checkout started.
    Append-only: one INSERT per event from the dialog turn (and one upsert of
    ShopEventLatest), read only by the staff dashboard, deleted after DATA_RETENTION_DAYS
    with the messages."""

    kind = models.CharField(max_length=8, choices=ShopEventKind.choices)
    customer = models.ForeignKey(
        "users.Customer", related_name="shop_events", on_delete=models.CASCADE
    )
    # Searches only: the words as understood, lower-case with whitespace collapsed, so
    # the dashboard groups "Drone " and "drone" without work at read time.
    query = models.CharField(max_length=SHOP_EVENT_QUERY_MAX, blank=True)
    language = models.CharField(max_length=2, blank=True)
    results = models.PositiveIntegerField(default=0, help_text="Products found (searches).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The retention purge, by age (the funnel reads ShopEventLatest instead).
            models.Index(fields=["kind", "created_at", "customer"], name="shopevent_kind_day"),
            # Searches with no result, grouped by their words: everything the dashboard's
            # list reads is in the index, in the order it groups by, so it never visits the
            # rows nor sorts them to group (bench/dashboard.py).
            models.Index(
                fields=["kind", "results", "query", "created_at", "customer", "language"],
                name="shopevent_no_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} by customer #{self.customer_id}"


class ShopEventLatest(models.Model):
    """Each customer's newest funnel event of each kind: what the dashboard counts ("customers
    who searched / started a checkout in the last N days" = rows with `last_at` in the
    period), so its cost follows the customers, not their events; the same shape as
    Customer.last_inbound_at for "conversations". Exact for periods that end now, which are
    the only ones the dashboard shows.

    Written with each ShopEvent by one upsert (shop_event_record); a customer's turns are
    serialised by the chat lock, so the newest write carries the newest time. Purged with
    the events: a row older than the retention limit has no event left behind it."""

    kind = models.CharField(max_length=8, choices=ShopEventKind.choices)
    customer = models.ForeignKey(
        "users.Customer", related_name="shop_events_latest", on_delete=models.CASCADE
    )
    last_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "customer"], name="shopeventlatest_customer")
        ]
        indexes = [
            # The funnel: customers per kind whose newest event is in a period, a range count.
            models.Index(fields=["kind", "last_at"], name="shopeventlatest_kind_last")
        ]
        verbose_name_plural = "shop events latest"

    def __str__(self) -> str:
        return f"{self.kind} by customer #{self.customer_id} last at {self.last_at:%Y-%m-%d %H:%M}"
