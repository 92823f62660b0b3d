from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from brandkit.models import SpecDefinition, SpecType
from brandkit.specs import specs_clean, specs_display
from inventory.services import product_create
from tests.factories import BrandFactory, CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def taxonomy() -> None:
    SpecDefinition.objects.create(
        key="ram_gb",
        label_en="RAM",
        label_ar="الذاكرة",
        unit="GB",
        value_type=SpecType.INTEGER,
        categories=["laptops"],
        min_value=1,
        is_key_spec=True,
        sort_order=1,
    )
    SpecDefinition.objects.create(
        key="noise_cancelling",
        label_en="Noise cancelling",
        label_ar="عزل الضوضاء",
        value_type=SpecType.BOOLEAN,
        categories=["headphones"],
        sort_order=2,
    )
    SpecDefinition.objects.create(
        key="color",
        label_en="Colour",
        label_ar="اللون",
        value_type=SpecType.TEXT,
        sort_order=3,
    )


def test_specs_are_coerced_to_their_declared_types(taxonomy: None) -> None:
    cleaned = specs_clean(specs={"ram_gb": "16", "color": " Black "}, category_slugs=["laptops"])
    assert cleaned == {"ram_gb": 16, "color": "Black"}


def test_a_spec_of_another_category_is_rejected(taxonomy: None) -> None:
    with pytest.raises(ValidationError) as exc:
        specs_clean(specs={"noise_cancelling": True}, category_slugs=["laptops"])
    assert "noise_cancelling" in str(exc.value)


def test_specs_of_an_ancestor_category_apply_to_its_children(taxonomy: None) -> None:
    # given
    parent = CategoryFactory(slug="laptops")
    child = CategoryFactory(slug="gaming-laptops", parent=parent)
    # when
    product = product_create(
        sku="LEG-5",
        category=child,
        brand=BrandFactory(),
        name_en="Legion 5",
        price=Decimal("1299.00"),
        specs={"ram_gb": 16},
    )
    # then
    assert product.specs == {"ram_gb": 16}


def test_bad_values_are_reported_each(taxonomy: None) -> None:
    with pytest.raises(ValidationError) as exc:
        specs_clean(specs={"ram_gb": "lots", "wings": 2}, category_slugs=["laptops"])
    messages = exc.value.message_dict["specs"]
    assert len(messages) == 2


def test_specs_display_in_arabic_with_units_in_taxonomy_order(taxonomy: None) -> None:
    rows = specs_display(specs={"color": "Black", "ram_gb": 16}, language="ar")
    assert rows == [("الذاكرة", "16 GB"), ("اللون", "Black")]


def test_compare_at_price_below_price_is_invalid(taxonomy: None) -> None:
    with pytest.raises(ValidationError):
        product_create(
            sku="X-1",
            category=CategoryFactory(),
            name_en="X",
            price=Decimal("10.00"),
            compare_at_price=Decimal("9.00"),
        )
