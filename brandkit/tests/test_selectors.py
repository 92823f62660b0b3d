"""Brand recognition reads every alias with its brand's slug and kind."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from brandkit.models import BrandAlias, BrandAliasKind
from brandkit.selectors import brand_alias_list
from tests.factories import BrandFactory

pytestmark = pytest.mark.django_db


def test_brand_alias_list_returns_alias_brand_slug_and_kind() -> None:
    # given
    samsung = BrandFactory(slug="samsung", name_en="Samsung")
    BrandAlias.objects.create(brand=samsung, alias="galaxy", kind=BrandAliasKind.LINE)
    BrandAlias.objects.create(brand=samsung, alias="سامسونغ", kind=BrandAliasKind.SPELLING)

    # when
    aliases = brand_alias_list()

    # then
    assert sorted(aliases) == [("galaxy", "samsung", "line"), ("سامسونغ", "samsung", "spelling")]


def test_brand_alias_list_keeps_aliases_of_inactive_brands() -> None:
    # given: a customer naming a brand the shop stopped selling still means that brand
    nikon = BrandFactory(slug="nikon", name_en="Nikon", active=False)
    BrandAlias.objects.create(brand=nikon, alias="nikkon")

    # when
    aliases = brand_alias_list()

    # then
    assert aliases == [("nikkon", "nikon", "spelling")]


def test_brand_alias_list_is_empty_without_aliases() -> None:
    # given
    BrandFactory(slug="apple", name_en="Apple")

    # then
    assert brand_alias_list() == []


def test_an_alias_names_one_brand_only() -> None:
    # given
    BrandAlias.objects.create(brand=BrandFactory(slug="sony"), alias="ps5")

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        BrandAlias.objects.create(brand=BrandFactory(slug="microsoft"), alias="ps5")
