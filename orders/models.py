from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

ZERO = Decimal("0.00")


class ShippingOption(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name_en = models.CharField(max_length=120)
    name_ar = models.CharField(max_length=120)
    description_en = models.CharField(max_length=200, blank=True)
    description_ar = models.CharField(max_length=200, blank=True)
    price = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    free_over = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Orders with a subtotal at or above this ship free.",
    )
    currency = models.CharField(max_length=3, default=settings.DEFAULT_CURRENCY)
    eta_days_min = models.PositiveSmallIntegerField(default=1)
    eta_days_max = models.PositiveSmallIntegerField(default=3)
    active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "price"]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="shipping_price_gte_0"),
            models.CheckConstraint(
                condition=models.Q(eta_days_max__gte=models.F("eta_days_min")),
                name="shipping_eta_range_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name_en

    def name(self, language: str) -> str:
        return self.name_ar if language == "ar" else self.name_en


class CartStatus(models.TextChoices):
    OPEN = "open", "Open"
    ORDERED = "ordered", "Ordered"
    ABANDONED = "abandoned", "Abandoned"


class Cart(models.Model):
    customer = models.ForeignKey("users.Customer", related_name="carts", on_delete=models.CASCADE)
    status = models.CharField(max_length=10, choices=CartStatus.choices, default=CartStatus.OPEN)
    # True while open, NULL otherwise: a unique (customer, is_open) index then allows any
    # number of closed carts but only one open cart per customer, on MySQL too (which has
    # no partial unique indexes; NULLs never collide).
    is_open = models.BooleanField(null=True, default=True, editable=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # Whether the cart holds at least one item, kept by orders.services with every line it
    # writes or removes (`_cart_line_save`, `cart_has_items_refresh`): the staff dashboard's
    # funnel counts "carts with an item" from an index on it instead of probing the items of
    # every cart of the period.
    has_items = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "is_open"], name="one_open_cart_per_customer"
            ),
            models.CheckConstraint(
                condition=(models.Q(status="open", is_open=True))
                | (~models.Q(status="open") & models.Q(is_open__isnull=True)),
                name="cart_is_open_matches_status",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "updated_at"]),
            # The staff dashboard's funnel counts carts with an item by creation day: a
            # range count of this index alone.
            models.Index(fields=["has_items", "created_at"], name="cart_with_items_created_at"),
        ]

    def __str__(self) -> str:
        return f"Cart #{self.pk} of {self.customer_id} ({self.status})"


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, related_name="items", on_delete=models.CASCADE)
    product = models.ForeignKey("inventory.Product", related_name="+", on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField(default=1)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="cart_item_unique_product"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="cart_item_qty_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"


class OrderStatus(models.TextChoices):
    PLACED = "placed", "Placed (awaiting payment)"
    PAID = "paid", "Paid"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"


# The order-status pipeline: the only moves the services allow. Cash-on-delivery orders
# ship before they are paid.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.PLACED: frozenset({OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED}),
    OrderStatus.DELIVERED: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
}
# Statuses from which a cancellation puts stock back on the shelf.
RESTOCK_ON_CANCEL = frozenset({OrderStatus.PLACED, OrderStatus.PAID})


class Order(models.Model):
    order_number = models.CharField(max_length=40, unique=True)
    customer = models.ForeignKey("users.Customer", related_name="orders", on_delete=models.PROTECT)
    status = models.CharField(
        max_length=12, choices=OrderStatus.choices, default=OrderStatus.PLACED
    )
    contact_name = models.CharField(max_length=120)
    contact_phone = models.CharField(max_length=32, blank=True)
    address = models.TextField()
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    shipping_option = models.ForeignKey(
        ShippingOption, related_name="orders", on_delete=models.PROTECT
    )
    payment_option = models.ForeignKey(
        "payments.PaymentOption", related_name="orders", on_delete=models.PROTECT
    )
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_cost = models.DecimalField(max_digits=10, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    language = models.CharField(max_length=2, default="en")
    # The client's token for "place this order": a repeated Confirm returns the same order.
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    notes = models.TextField(blank=True)
    # Entered by staff when shipping; sent to the customer in the "shipped" update.
    carrier = models.CharField(max_length=80, blank=True)
    tracking_number = models.CharField(max_length=80, blank=True)
    tracking_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Within half a cent rather than exact equality: SQLite evaluates CHECK
            # arithmetic on decimals as floats (49.99 + 15.00 = 64.99000000000001).
            models.CheckConstraint(
                condition=models.Q(
                    total__gte=models.F("subtotal") + models.F("shipping_cost") - Decimal("0.005"),
                    total__lte=models.F("subtotal") + models.F("shipping_cost") + Decimal("0.005"),
                ),
                name="order_total_is_sum",
            ),
            models.CheckConstraint(
                condition=models.Q(subtotal__gte=0), name="order_subtotal_gte_0"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["status", "created_at"]),
            # The staff dashboard's orders per day (grouped by day, summing totals by
            # status and currency) and funnel read this index alone (bench/dashboard.py).
            models.Index(
                fields=["created_at", "status", "currency", "total"],
                name="order_created_day_totals",
            ),
        ]

    def __str__(self) -> str:
        return self.order_number

    def can_move_to(self, status: str) -> bool:
        return status in ALLOWED_TRANSITIONS[self.status]


class OrderItem(models.Model):
    order = models.ForeignKey(Order, related_name="items", on_delete=models.CASCADE)
    product = models.ForeignKey(
        "inventory.Product", related_name="order_items", on_delete=models.PROTECT
    )
    # Snapshots: later catalog edits never change a placed order.
    sku = models.CharField(max_length=64)
    name_en = models.CharField(max_length=200)
    name_ar = models.CharField(max_length=200, blank=True)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="order_item_qty_gt_0"),
            models.UniqueConstraint(fields=["order", "product"], name="order_item_unique_product"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"

    def name(self, language: str) -> str:
        return (self.name_ar or self.name_en) if language == "ar" else self.name_en


class OrderEvent(models.Model):
    """Audit trail of status changes, shown to staff and used for order tracking."""

    order = models.ForeignKey(Order, related_name="events", on_delete=models.CASCADE)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    note = models.CharField(max_length=300, blank=True)
    actor = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # "Paid" in the staff dashboard's funnel: moves to a status, by day.
            models.Index(
                fields=["to_status", "created_at", "order"], name="orderevent_to_status_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '-'} → {self.to_status}"


class OrderSequence(models.Model):
    """Per-day counter behind order numbers; its row lock serialises number allocation."""

    day = models.DateField(primary_key=True)
    last_value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last_value}"


class OrderUpdateOutcome(models.TextChoices):
    FREE_FORM = "free_form", "Sent free-form (inside the 24-hour window)"
    TEMPLATE = "template", "Sent as a template (outside the window)"
    IN_CHAT = "in_chat", "Answered in the chat (the customer made the change there)"
    NOT_SENT = "not_sent", "Not sent"


class OrderUpdate(models.Model):
    """The customer was told (or could not be told) that their order reached `status`.

    One row per order and status, by a unique constraint: the row is written in the same
    transaction as the outbound message it records, so a retried or duplicated update finds
    it and sends nothing (see message_bus.order_updates)."""

    order = models.ForeignKey(Order, related_name="updates", on_delete=models.CASCADE)
    status = models.CharField(max_length=12, choices=OrderStatus.choices)
    outcome = models.CharField(max_length=10, choices=OrderUpdateOutcome.choices)
    reason = models.CharField(max_length=300, blank=True)
    message = models.ForeignKey(
        "conversation_log.Message",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "status"], name="order_update_once_per_status")
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.status} ({self.outcome})"
