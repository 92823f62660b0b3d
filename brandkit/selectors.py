"""Reads of brands and their aliases."""

from __future__ import annotations

from .models import BrandAlias


def brand_alias_list() -> list[tuple[str, str, str]]:
    """Every brand alias as (alias, brand slug, kind), for brand recognition in messages.

    Aliases of inactive brands are included on purpose: a customer who names a brand the
    shop stopped selling still means that brand, and "nothing from Nikon" is a truer answer
    than silently searching every brand.
    """
    return list(BrandAlias.objects.order_by("alias").values_list("alias", "brand__slug", "kind"))
