"""Arabic from Shopify: the `ar` translations of product titles and descriptions
(GraphQL translatable resources) into `name_ar` / `description_ar`.

A Shopify value is applied when it is new or changed since the last one applied
(`TranslationState`); while it stays the same, a local Arabic edit made in admin wins.
Variants get the translated title plus their (untranslated) variant title, as `name_en`
is built.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from inventory.models import Product

from .client import ShopifyClient, ShopifyError
from .mapping import plain_text
from .models import TranslationState

logger = logging.getLogger(__name__)

PAGE = 50
# Shopify translation key → local field.
FIELDS = {"title": "name_ar", "body_html": "description_ar"}

TRANSLATIONS_QUERY = """
query ProductTranslations($first: Int!, $after: String, $locale: String!) {
  translatableResources(first: $first, after: $after, resourceType: PRODUCT) {
    pageInfo { hasNextPage endCursor }
    nodes {
      resourceId
      translatableContent { key value }
      translations(locale: $locale) { key value outdated }
    }
  }
}
"""


@dataclass
class TranslationResult:
    products: int = 0
    applied: int = 0
    kept_local: int = 0


def _product_id(resource_id: Any) -> int | None:
    if not isinstance(resource_id, str) or not resource_id.startswith("gid://shopify/Product/"):
        return None
    try:
        return int(resource_id.rsplit("/", 1)[1])
    except ValueError:
        return None


def _local_value(key: str, value: str, product: Product, english_title: str) -> str:
    if key == "body_html":
        return plain_text(value)
    suffix = ""
    if english_title and product.name_en.startswith(f"{english_title} - "):
        suffix = product.name_en[len(english_title) :]  # " - Blue"
    return f"{value.strip()}{suffix}"[:200]


@transaction.atomic
def _apply(product_id: int, node: dict[str, Any], locale: str, result: TranslationResult) -> None:
    source = {
        c.get("key"): c.get("value") or ""
        for c in node.get("translatableContent") or []
        if isinstance(c, dict)
    }
    translated = {
        t.get("key"): t.get("value")
        for t in node.get("translations") or []
        if isinstance(t, dict) and t.get("key") in FIELDS and t.get("value")
    }
    if not translated:
        return
    products = list(Product.objects.select_for_update().filter(shopify_product_id=product_id))
    if not products:
        return
    result.products += 1
    states = {
        s.key: s
        for s in TranslationState.objects.select_for_update().filter(
            shopify_product_id=product_id, locale=locale
        )
    }
    for key, value in translated.items():
        state = states.get(key)
        unchanged = state is not None and state.value == value
        field = FIELDS[key]
        for product in products:
            if unchanged and getattr(product, field):
                # unchanged in Shopify: the Arabic here (maybe edited in admin) stays;
                # only an empty field (a variant added since) is filled
                result.kept_local += 1
                continue
            local = _local_value(key, value, product, str(source.get("title") or ""))
            if getattr(product, field) != local:
                setattr(product, field, local)
                product.updated_at = timezone.now()
                product.save(update_fields=[field, "updated_at"])
                result.applied += 1
        if not unchanged:
            TranslationState.objects.update_or_create(
                shopify_product_id=product_id, key=key, locale=locale, defaults={"value": value}
            )


def translations_sync(
    *, client: ShopifyClient | None = None, locale: str = "ar"
) -> TranslationResult:
    """Read every product's `locale` translations and apply the new or changed ones."""
    client = client or ShopifyClient()
    result = TranslationResult()
    after: str | None = None
    while True:
        data = client.graphql(TRANSLATIONS_QUERY, {"first": PAGE, "after": after, "locale": locale})
        try:
            connection = data["translatableResources"]
            nodes, page = connection["nodes"], connection["pageInfo"]
        except (KeyError, TypeError) as exc:
            raise ShopifyError("GraphQL response without data.translatableResources") from exc
        for node in nodes:
            product_id = _product_id((node or {}).get("resourceId"))
            if product_id is not None:
                _apply(product_id, node, locale, result)
        if not page.get("hasNextPage"):
            return result
        after = page["endCursor"]
