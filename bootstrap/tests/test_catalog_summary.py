"""`manage.py catalog_summary` reports what the seed put in the shop."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from bootstrap.selectors import catalog_summary_get
from brandkit.models import Brand
from helpdesk.models import FAQ
from inventory.models import Product

pytestmark = pytest.mark.django_db


def _call(name: str, *args: str) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out, stderr=StringIO(), verbosity=0)
    return out.getvalue()


def test_catalog_summary_prints_the_seeded_counts() -> None:
    # given
    _call("seed")

    # when
    output = _call("catalog_summary")

    # then
    products = Product.objects.count()
    out_of_stock = Product.objects.filter(stock=0).count()
    assert f"{Brand.objects.count()} brands" in output
    assert f"{products} products ({products} active)" in output
    assert f"{products - out_of_stock} in stock, {out_of_stock} out of stock" in output
    assert f"{FAQ.objects.count()} FAQs, 3 shipping options, 3 payment options" in output


def test_catalog_summary_lists_every_department_with_its_price_range() -> None:
    # given
    _call("seed")

    # when
    output = _call("catalog_summary")

    # then
    for department in ("Phones", "Laptops", "Headphones", "TVs", "Gaming", "Accessories"):
        assert department in output
    laptops = Product.objects.filter(category__parent__slug="laptops").order_by("price")
    assert f"${laptops.first().price:,.2f} - ${laptops.last().price:,.2f}" in output


def test_department_counts_add_up_to_the_active_products() -> None:
    # given
    _call("seed", "--products", "100")

    # when
    summary = catalog_summary_get()

    # then
    assert sum(d.products for d in summary.departments) == summary.active_products
    assert sum(d.in_stock for d in summary.departments) == summary.in_stock


def test_catalog_summary_of_an_empty_shop_prints_zeros() -> None:
    # when
    output = _call("catalog_summary")

    # then
    assert "0 brands, 0 categories" in output
    assert "0 products (0 active)" in output
