"""Bulk price and stock edits: download the sheet, upload it back; checked whole, applied
only when asked and only when every row is valid."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from inventory.bulk_edit import price_stock_sheet_parse
from tests.admin_staff import staff_client
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

IMPORT = "admin:inventory_product_price_import"


def _sheet(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("prices.csv", text.encode(), content_type="text/csv")


@pytest.fixture
def catalog_staff() -> Client:
    return staff_client("inventory.view_product", "inventory.change_product")


def test_the_sheet_lists_every_product_in_the_import_format(catalog_staff):
    # given
    ProductFactory(sku="A-1", price=Decimal("10.00"), stock=3)
    # when
    response = catalog_staff.get(reverse("admin:inventory_product_price_sheet"))
    # then
    lines = response.content.decode().splitlines()
    assert lines[0] == "sku,price,compare_at_price,stock,name_en"
    assert lines[1].startswith("A-1,10.00,,3,")


def test_a_preview_changes_nothing(catalog_staff):
    # given
    product = ProductFactory(sku="A-1", price=Decimal("10.00"), stock=3)
    # when
    response = catalog_staff.post(reverse(IMPORT), {"sheet": _sheet("sku,price\nA-1,12.50\n")})
    # then
    product.refresh_from_db()
    assert response.status_code == 200
    assert product.price == Decimal("10.00")
    assert [c.price for c in response.context["parsed"].changes] == [Decimal("12.50")]


def test_applying_a_valid_sheet_updates_price_and_stock(catalog_staff):
    # given
    a = ProductFactory(sku="A-1", price=Decimal("10.00"), stock=3)
    b = ProductFactory(sku="B-2", price=Decimal("20.00"), stock=0, compare_at_price=None)
    sheet = "sku,price,compare_at_price,stock\nA-1,,,7\nB-2,18.00,25.00,\n"
    # when
    response = catalog_staff.post(reverse(IMPORT), {"sheet": _sheet(sheet), "apply": "on"})
    # then
    a.refresh_from_db()
    b.refresh_from_db()
    assert response.status_code == 200 and response.context["applied"] == 2
    assert (a.price, a.stock) == (Decimal("10.00"), 7)
    assert (b.price, b.compare_at_price, b.stock) == (Decimal("18.00"), Decimal("25.00"), 0)


def test_one_bad_row_refuses_the_whole_sheet_and_names_every_problem(catalog_staff):
    # given
    a = ProductFactory(sku="A-1", price=Decimal("10.00"), stock=3)
    sheet = "sku,price,stock\nA-1,11.00,4\nNOPE,1.00,1\nA-1,9.00,1\n"
    # when
    response = catalog_staff.post(reverse(IMPORT), {"sheet": _sheet(sheet), "apply": "on"})
    # then
    a.refresh_from_db()
    assert (a.price, a.stock) == (Decimal("10.00"), 3)
    errors = response.context["parsed"].errors
    assert any("Line 3" in e and "NOPE" in e for e in errors)
    assert any("Line 4" in e and "twice" in e for e in errors)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("A-1,-1,", "price"),
        ("A-1,1.999,", "price"),
        ("A-1,abc,", "price"),
        ("A-1,,-3", "stock"),
        ("A-1,,2.5", "stock"),
    ],
)
def test_invalid_values_are_reported_with_their_line(row: str, problem: str) -> None:
    ProductFactory(sku="A-1")
    parsed = price_stock_sheet_parse(data=f"sku,price,stock\n{row}\n".encode())
    assert parsed.changes == []
    assert len(parsed.errors) == 1 and "Line 2" in parsed.errors[0]
    assert problem in parsed.errors[0]


def test_a_compare_at_price_below_the_price_is_refused() -> None:
    ProductFactory(sku="A-1", price=Decimal("50.00"))
    parsed = price_stock_sheet_parse(data=b"sku,compare_at_price\nA-1,40.00\n")
    assert "compare-at" in parsed.errors[0]


def test_a_sheet_without_a_sku_column_is_refused() -> None:
    parsed = price_stock_sheet_parse(data=b"code,price\nA-1,1\n")
    assert parsed.changes == [] and "sku" in parsed.errors[0]


def test_the_import_needs_the_change_product_permission():
    # given
    product = ProductFactory(sku="A-1", price=Decimal("10.00"))
    viewer = staff_client("inventory.view_product")
    # when
    response = viewer.post(
        reverse(IMPORT), {"sheet": _sheet("sku,price\nA-1,1.00\n"), "apply": "on"}
    )
    # then
    product.refresh_from_db()
    assert response.status_code == 403
    assert product.price == Decimal("10.00")
    listing = viewer.get(reverse("admin:inventory_product_changelist")).content.decode()
    assert reverse(IMPORT) not in listing
