"""`seed --products N`: deterministic, idempotent synthetic products for scale tests."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from bootstrap.data.taxonomy import BRANDS
from bootstrap.seeding.synthetic import (
    LEAVES,
    arabic_for,
    synthetic_product_fields,
    synthetic_products_create,
)
from brandkit.specs import specs_clean
from inventory.models import Product

pytestmark = pytest.mark.django_db

ARABIC = re.compile(r"[\u0600-\u06FF]")
FIELDS = (
    "sku",
    "name_en",
    "name_ar",
    "description_en",
    "price",
    "compare_at_price",
    "stock",
    "specs",
    "brand__slug",
    "category__slug",
)


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed", *args, stdout=out, stderr=StringIO(), verbosity=0)
    return out.getvalue()


def _synthetic_rows() -> list[tuple]:
    return list(Product.objects.filter(sku__startswith="SYN-").order_by("sku").values_list(*FIELDS))


def test_products_option_creates_exactly_n_numbered_skus() -> None:
    # when
    _seed("--products", "500")

    # then
    skus = list(
        Product.objects.filter(sku__startswith="SYN-").order_by("sku").values_list("sku", flat=True)
    )
    assert len(skus) == 500
    assert skus[0] == "SYN-000001" and skus[-1] == "SYN-000500"


def test_products_option_twice_creates_nothing_new() -> None:
    # given
    _seed("--products", "500")
    before = _synthetic_rows()

    # when
    output = _seed("--products", "500")

    # then
    assert "+0 synthetic products" in output
    assert _synthetic_rows() == before


def test_synthetic_products_are_the_same_on_every_database() -> None:
    # given
    _seed("--products", "500")
    first = _synthetic_rows()

    # when
    _seed("--flush", "--products", "500")

    # then
    assert _synthetic_rows() == first


def test_a_larger_n_only_adds_the_missing_tail() -> None:
    # given
    _seed("--products", "200")
    head = _synthetic_rows()

    # when
    output = _seed("--products", "500")

    # then
    assert "+300 synthetic products" in output
    assert _synthetic_rows()[:200] == head


def test_synthetic_products_spread_over_every_leaf_category_and_many_brands() -> None:
    # when
    _seed("--products", "500")

    # then
    synthetic = Product.objects.filter(sku__startswith="SYN-")
    assert set(synthetic.values_list("category__slug", flat=True)) == set(LEAVES)
    assert synthetic.values("brand").distinct().count() >= 15


def test_synthetic_products_have_valid_specs_and_arabic_names() -> None:
    # when
    _seed("--products", "500")

    # then
    for p in Product.objects.filter(sku__startswith="SYN-").select_related("category__parent"):
        assert specs_clean(specs=p.specs, category_slugs=p.category.lineage_slugs()) == p.specs
        assert ARABIC.search(p.name_ar) and ARABIC.search(p.description_ar), p.sku
        assert p.price > 0
        assert p.compare_at_price is None or p.compare_at_price > p.price


def test_synthetic_fields_depend_only_on_the_index() -> None:
    # given
    names = {brand.slug: brand.name_en for brand in BRANDS}

    # when
    first = synthetic_product_fields(4242, brand_names=names)
    again = synthetic_product_fields(4242, brand_names=names)
    other = synthetic_product_fields(4243, brand_names=names)

    # then
    assert first == again
    assert first["sku"] == "SYN-004242"
    assert other != first


def test_negative_product_count_is_refused() -> None:
    # when / then
    with pytest.raises(SystemExit):
        _seed("--products", "-1")


def test_synthetic_products_need_the_seeded_brands_and_categories() -> None:
    # when / then
    with pytest.raises(LookupError, match="seed the catalog first"):
        synthetic_products_create(count=10)
    assert not Product.objects.exists()


def test_products_option_works_with_progress_reporting_on() -> None:
    # when
    call_command(
        "seed",
        "--products",
        "30",
        "--batch-size",
        "7",
        stdout=StringIO(),
        stderr=StringIO(),
        verbosity=1,
    )

    # then
    assert Product.objects.filter(sku__startswith="SYN-").count() == 30


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("الاستخدام اليومي", "للاستخدام اليومي"),
        ("اللياقة", "للياقة"),
        ("ألعاب الجوال", "لألعاب الجوال"),
    ],
)
def test_arabic_for_fuses_the_preposition_with_the_article(phrase: str, expected: str) -> None:
    # when
    result = arabic_for(phrase)

    # then
    assert result == expected


def test_synthetic_arabic_descriptions_never_spell_the_preposition_apart() -> None:
    # given
    names = {brand.slug: brand.name_en for brand in BRANDS}

    # when
    descriptions = [
        synthetic_product_fields(i, brand_names=names)["description_ar"] for i in range(1, 400)
    ]

    # then
    assert not [d for d in descriptions if "لـال" in d or " لال" in d]
