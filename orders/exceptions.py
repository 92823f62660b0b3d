from __future__ import annotations


class OrderError(Exception):
    """Base of the orders domain's errors."""


class EmptyCart(OrderError):
    def __init__(self) -> None:
        super().__init__("The cart is empty.")


class InvalidQuantity(OrderError):
    pass


class InvalidTransition(OrderError):
    def __init__(self, order_number: str, from_status: str, to_status: str) -> None:
        self.order_number = order_number
        self.from_status = from_status
        self.to_status = to_status
        super().__init__(f"Order {order_number} cannot move from {from_status} to {to_status}.")


class OptionUnavailable(OrderError):
    """A shipping or payment option that is inactive or unknown was chosen."""


class AddressLocked(OrderError):
    """The order has left the shop (or ended): its delivery address can no longer change."""

    def __init__(self, order_number: str, status: str) -> None:
        self.order_number = order_number
        self.status = status
        super().__init__(f"Order {order_number} is {status}: its address can no longer change.")
