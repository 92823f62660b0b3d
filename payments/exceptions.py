from __future__ import annotations


class PaymentError(Exception):
    """Base of the payments domain's errors."""


class PaymentNotPayable(PaymentError):
    """The order can no longer be paid (paid already, cancelled, shipped)."""

    def __init__(self, order_number: str, status: str) -> None:
        self.order_number = order_number
        self.status = status
        super().__init__(f"Order {order_number} is {status}: nothing to pay.")
