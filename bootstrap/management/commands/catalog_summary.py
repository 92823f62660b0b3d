"""`manage.py catalog_summary`: what the shop holds, in a few lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand

from bootstrap.selectors import catalog_summary_get


def _money(value: Decimal | None) -> str:
    return "-" if value is None else f"${value:,.2f}"


class Command(BaseCommand):
    help = "Print a short summary of the catalog (counts and price ranges per department)."

    def handle(self, *args: Any, **options: Any) -> None:
        s = catalog_summary_get()
        out = self.stdout.write
        out(self.style.MIGRATE_HEADING("Catalog summary"))
        out(
            f"  {s.brands} brands, {s.categories} categories, {s.spec_definitions} spec definitions"
        )
        out(
            f"  {s.products} products ({s.active_products} active): "
            f"{s.in_stock} in stock, {s.out_of_stock} out of stock"
        )
        out(
            f"  {s.faqs} FAQs, {s.shipping_options} shipping options, "
            f"{s.payment_options} payment options"
        )
        out(self.style.MIGRATE_HEADING("Products per department"))
        width = max((len(d.name_en) for d in s.departments), default=10)
        for d in s.departments:
            out(
                f"  {d.name_en:<{width}}  {d.products:>7} products  {d.in_stock:>7} in stock  "
                f"{_money(d.price_min):>10} - {_money(d.price_max)}"
            )
