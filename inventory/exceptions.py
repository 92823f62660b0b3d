from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shortfall:
    sku: str
    name: str
    requested: int
    available: int


class InventoryError(Exception):
    """Base of the inventory domain's errors."""


class OutOfStock(InventoryError):
    """One or more products cannot be supplied in the requested quantity."""

    def __init__(self, shortfalls: list[Shortfall]) -> None:
        self.shortfalls = shortfalls
        names = ", ".join(
            f"{s.name} ({s.sku}): {s.requested} requested, {s.available} available"
            for s in shortfalls
        )
        super().__init__(f"Out of stock: {names}")


class ProductUnavailable(InventoryError):
    """The product does not exist or is not for sale."""
