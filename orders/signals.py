"""Seams for listeners in higher layers. Sent after the transaction commits."""

from django.dispatch import Signal

# kwargs: order_id, status
order_placed = Signal()
order_status_changed = Signal()
