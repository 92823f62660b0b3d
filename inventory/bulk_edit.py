"""Bulk price and stock edits from a CSV sheet (staff download the sheet, edit it in a
spreadsheet, upload it back).

The sheet is validated whole before anything changes: one bad row refuses the upload and
every problem is reported with its line number, so a half-applied price list never exists.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Product

COLUMNS = ("sku", "price", "compare_at_price", "stock")
MAX_ROWS = 20_000
_CENTS = Decimal("0.01")


@dataclass(frozen=True)
class PriceStockChange:
    """One product's new values; None means "leave as it is" (an empty cell), except
    `compare_at_price`, where `clear_compare_at` removes it (the cell says "-")."""

    line: int
    sku: str
    price: Decimal | None
    compare_at_price: Decimal | None
    clear_compare_at: bool
    stock: int | None


@dataclass(frozen=True)
class ParsedSheet:
    changes: list[PriceStockChange]
    errors: list[str]


def price_stock_sheet(*, products: Iterable[Product]) -> str:
    """The current prices and stock as a CSV sheet in the import's own format."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*COLUMNS, "name_en"])
    for product in products:
        writer.writerow(
            [
                product.sku,
                product.price,
                product.compare_at_price if product.compare_at_price is not None else "",
                product.stock,
                product.name_en,
            ]
        )
    return out.getvalue()


def _money(raw: str) -> Decimal:
    value = Decimal(raw.replace(",", ""))
    if not value.is_finite() or value < 0 or value != value.quantize(_CENTS):
        raise InvalidOperation
    if value >= Decimal("1e10"):
        raise InvalidOperation
    return value


def price_stock_sheet_parse(*, data: bytes) -> ParsedSheet:
    """Read an uploaded sheet: a `sku` column and any of `price`, `compare_at_price`,
    `stock` (other columns are ignored). Every row must name an existing SKU once; prices
    are non-negative with at most two decimals; stock is a whole number >= 0."""
    errors: list[str] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ParsedSheet([], [_("The file is not UTF-8 text (save it as CSV UTF-8).")])
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    if "sku" not in header:
        return ParsedSheet([], [_("The first row must name the columns, including “sku”.")])
    if not set(header) & {"price", "compare_at_price", "stock"}:
        return ParsedSheet(
            [], [_("Nothing to change: add a price, compare_at_price or stock column.")]
        )
    reader.fieldnames = header
    rows = []
    for row in reader:
        if len(rows) >= MAX_ROWS:
            return ParsedSheet([], [_("At most %(count)s rows per upload.") % {"count": MAX_ROWS}])
        rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}))
    known = dict(
        Product.objects.filter(sku__in=[row["sku"] for _line, row in rows]).values_list(
            "sku", "price"
        )
    )
    seen: set[str] = set()
    changes = []
    for line, row in rows:
        sku = row.get("sku", "")
        if not any(row.values()):
            continue
        if sku not in known:
            errors.append(_("Line %(line)s: unknown SKU “%(sku)s”.") % {"line": line, "sku": sku})
            continue
        if sku in seen:
            errors.append(
                _("Line %(line)s: SKU “%(sku)s” appears twice.") % {"line": line, "sku": sku}
            )
            continue
        seen.add(sku)
        price = compare_at = stock = None
        clear_compare_at = False
        try:
            if row.get("price"):
                price = _money(row["price"])
        except InvalidOperation:
            errors.append(_("Line %(line)s: the price is not a valid amount.") % {"line": line})
            continue
        compare_raw = row.get("compare_at_price", "")
        try:
            if compare_raw == "-":
                clear_compare_at = True
            elif compare_raw:
                compare_at = _money(compare_raw)
        except InvalidOperation:
            errors.append(
                _("Line %(line)s: the compare-at price is not a valid amount.") % {"line": line}
            )
            continue
        if row.get("stock"):
            try:
                stock = int(row["stock"])
            except ValueError:
                stock = -1
            if stock < 0:
                errors.append(
                    _("Line %(line)s: stock must be a whole number, 0 or more.") % {"line": line}
                )
                continue
        effective_price = price if price is not None else known[sku]
        if compare_at is not None and compare_at < effective_price:
            errors.append(
                _("Line %(line)s: the compare-at price must not be below the price.")
                % {"line": line}
            )
            continue
        changes.append(
            PriceStockChange(
                line=line,
                sku=sku,
                price=price,
                compare_at_price=compare_at,
                clear_compare_at=clear_compare_at,
                stock=stock,
            )
        )
    return ParsedSheet(changes, errors)


@transaction.atomic
def product_price_stock_apply(*, changes: list[PriceStockChange]) -> int:
    """Apply a validated sheet in one transaction (rows locked in pk order, like every
    stock write); returns how many products changed. A compare-at price left below a
    new price is cleared rather than kept inconsistent."""
    by_sku = {change.sku: change for change in changes}
    products = Product.objects.select_for_update().filter(sku__in=by_sku).order_by("pk")
    changed = 0
    for product in products:
        change = by_sku[product.sku]
        fields = {}
        if change.price is not None and change.price != product.price:
            fields["price"] = change.price
        if change.clear_compare_at and product.compare_at_price is not None:
            fields["compare_at_price"] = None
        elif (
            change.compare_at_price is not None
            and change.compare_at_price != product.compare_at_price
        ):
            fields["compare_at_price"] = change.compare_at_price
        new_price = fields.get("price", product.price)
        compare_at = fields.get("compare_at_price", product.compare_at_price)
        if compare_at is not None and compare_at < new_price:
            fields["compare_at_price"] = None
        if change.stock is not None and change.stock != product.stock:
            fields["stock"] = change.stock
        if fields:
            for name, value in fields.items():
                setattr(product, name, value)
            product.save(update_fields=[*fields, "updated_at"])
            changed += 1
    return changed
