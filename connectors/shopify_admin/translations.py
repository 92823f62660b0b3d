"""Arabic from Shopify: the `ar` translations of product titles and descriptions and of
option values (GraphQL translatable resources) into `name_ar` / `description_ar`.

A Shopify value is applied when it is new or changed since the last one applied
(`TranslationState`); while it stays the same, a local Arabic edit made in admin wins.
A variant's Arabic name is built as `name_en` is: the Arabic title, then its option values
("سماعة - أزرق / كبير"), each in Arabic when Shopify has it, else in English. Option values
are found through the product's options (`nodes`) and their translations read with
`translatableResourcesByIds`, which, like `translatableResources`, includes locales not
published on the online store (a WhatsApp shop may never publish Arabic there).

Option *names* ("Color") are not read: nothing here shows them. A variant's name carries
only its values, as Shopify's own variant title does, and specs come from tags and
metafields with the taxonomy's Arabic labels.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from inventory.models import Product

from .client import ShopifyClient, ShopifyError
from .mapping import plain_text
from .models import TranslationState

logger = logging.getLogger(__name__)

PAGE = 50
# translatableResourcesByIds takes at most 250 ids (and returns at most 250 a page).
IDS_PER_CALL = 250
# Shopify translation key → local field.
FIELDS = {"title": "name_ar", "body_html": "description_ar"}
# The TranslationState key of an option value's translation (product-scoped, by its id).
OPTION_VALUE_KEY = "option_value/{}"
# Shopify joins a variant's option values with this to make its title.
VALUE_SEPARATOR = " / "

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

PRODUCT_OPTIONS_QUERY = """
query ProductOptions($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Product {
      legacyResourceId
      options { position optionValues { id name } }
    }
  }
}
"""

OPTION_VALUE_TRANSLATIONS_QUERY = """
query OptionValueTranslations($ids: [ID!]!, $first: Int!, $after: String, $locale: String!) {
  translatableResourcesByIds(resourceIds: $ids, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      resourceId
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
    # local products whose Arabic name or description changed (their embeddings are stale)
    changed_ids: set[int] = field(default_factory=set)


@dataclass
class _ProductTranslation:
    """One product's Shopify content and translations, as read from the API."""

    product_id: int
    english_title: str
    translated: dict[str, str]
    # option values in option position order: [[(value id, English name), ...], ...]
    options: list[list[tuple[int, str]]] = field(default_factory=list)
    # option value id → its Arabic name, for the values Shopify has a translation of
    values_ar: dict[int, str] = field(default_factory=dict)


def _legacy_id(resource_id: Any, kind: str) -> int | None:
    prefix = f"gid://shopify/{kind}/"
    if not isinstance(resource_id, str) or not resource_id.startswith(prefix):
        return None
    try:
        return int(resource_id.removeprefix(prefix))
    except ValueError:
        return None


def _product_id(resource_id: Any) -> int | None:
    return _legacy_id(resource_id, "Product")


def _parse(node: dict[str, Any]) -> _ProductTranslation | None:
    product_id = _product_id(node.get("resourceId"))
    if product_id is None:
        return None
    source = {
        c.get("key"): c.get("value") or ""
        for c in node.get("translatableContent") or []
        if isinstance(c, dict)
    }
    translated = {
        str(t["key"]): str(t["value"])
        for t in node.get("translations") or []
        if isinstance(t, dict) and t.get("key") in FIELDS and t.get("value")
    }
    if not translated:
        return None
    return _ProductTranslation(product_id, str(source.get("title") or ""), translated)


def _with_variant_suffix(products: list[_ProductTranslation]) -> list[_ProductTranslation]:
    """Products with an Arabic title and a local variant named "<title> - <values>": only
    their options are worth a request."""
    titled = {p.product_id: p for p in products if "title" in p.translated and p.english_title}
    wanted: set[int] = set()
    for product_id, name_en in Product.objects.filter(
        shopify_product_id__in=list(titled)
    ).values_list("shopify_product_id", "name_en"):
        if name_en.startswith(f"{titled[product_id].english_title} - "):
            wanted.add(product_id)
    return [titled[pid] for pid in sorted(wanted)]


def _options_read(client: ShopifyClient, products: list[_ProductTranslation], locale: str) -> None:
    """Fill in each product's option values (by position) and their `locale` names."""
    if not products:
        return
    by_id = {p.product_id: p for p in products}
    data = client.graphql(
        PRODUCT_OPTIONS_QUERY, {"ids": [f"gid://shopify/Product/{pid}" for pid in by_id]}
    )
    nodes = data.get("nodes")
    if not isinstance(nodes, list):
        raise ShopifyError("GraphQL response without data.nodes")
    value_ids: list[str] = []
    owner: dict[int, _ProductTranslation] = {}
    for node in nodes:
        if not isinstance(node, dict):
            continue  # a product deleted since the translations page was read
        try:
            product = by_id.get(int(node.get("legacyResourceId") or 0))
        except (TypeError, ValueError):
            product = None
        if product is None:
            continue
        options = sorted(
            (o for o in node.get("options") or [] if isinstance(o, dict)),
            key=lambda o: int(o.get("position") or 0),
        )
        for option in options:
            values: list[tuple[int, str]] = []
            for value in option.get("optionValues") or []:
                value_id = _legacy_id((value or {}).get("id"), "ProductOptionValue")
                if value_id is not None and value.get("name"):
                    values.append((value_id, str(value["name"])))
                    owner[value_id] = product
                    value_ids.append(value["id"])
            product.options.append(values)
    for resource in _translatable_resources_by_ids(client, value_ids, locale):
        value_id = _legacy_id(resource.get("resourceId"), "ProductOptionValue")
        names = [
            t.get("value")
            for t in resource.get("translations") or []
            if isinstance(t, dict) and t.get("key") == "name" and t.get("value")
        ]
        if value_id in owner and names:
            owner[value_id].values_ar[value_id] = str(names[0]).strip()


def _translatable_resources_by_ids(
    client: ShopifyClient, ids: list[str], locale: str
) -> Iterator[dict[str, Any]]:
    for start in range(0, len(ids), IDS_PER_CALL):
        chunk = ids[start : start + IDS_PER_CALL]
        after: str | None = None
        while True:
            data = client.graphql(
                OPTION_VALUE_TRANSLATIONS_QUERY,
                {"ids": chunk, "first": len(chunk), "after": after, "locale": locale},
            )
            try:
                connection = data["translatableResourcesByIds"]
                nodes, page = connection["nodes"], connection["pageInfo"]
            except (KeyError, TypeError) as exc:
                raise ShopifyError(
                    "GraphQL response without data.translatableResourcesByIds"
                ) from exc
            yield from (n for n in nodes if isinstance(n, dict))
            if not page.get("hasNextPage"):
                break
            after = page["endCursor"]


def _variant_values(suffix: str, options: list[list[tuple[int, str]]]) -> list[tuple[int, str]]:
    """The option values a variant title ("Blue / Large") is made of, one per option in
    position order; [] when it is not made of them (a renamed value not synced yet, a
    name cut at 200 characters). A value may itself contain " / ": the longest value that
    fits each position is taken."""
    chosen: list[tuple[int, str]] = []
    rest = suffix
    for position, values in enumerate(options):
        last = position == len(options) - 1
        for value_id, name in sorted(values, key=lambda v: -len(v[1])):
            if (last and rest == name) or (
                not last and rest.startswith(f"{name}{VALUE_SEPARATOR}")
            ):
                chosen.append((value_id, name))
                rest = rest[len(name) + len(VALUE_SEPARATOR) :]
                break
        else:
            return []
    return chosen


def _name_ar(product: Product, item: _ProductTranslation) -> tuple[str, list[str]]:
    """The variant's Arabic name and the TranslationState keys it is made of."""
    title_ar = item.translated["title"].strip()
    prefix = f"{item.english_title} - " if item.english_title else ""
    if not prefix or not product.name_en.startswith(prefix):
        return title_ar[:200], ["title"]
    suffix = product.name_en[len(prefix) :]
    values = _variant_values(suffix, item.options)
    if not values:
        return f"{title_ar} - {suffix}"[:200], ["title"]
    names = [item.values_ar.get(value_id) or name for value_id, name in values]
    keys = ["title"] + [
        OPTION_VALUE_KEY.format(value_id) for value_id, _ in values if value_id in item.values_ar
    ]
    return f"{title_ar} - {VALUE_SEPARATOR.join(names)}"[:200], keys


@transaction.atomic
def _apply(item: _ProductTranslation, locale: str, result: TranslationResult) -> None:
    products = list(Product.objects.select_for_update().filter(shopify_product_id=item.product_id))
    if not products:
        return
    result.products += 1
    translated = dict(item.translated)
    translated.update(
        (OPTION_VALUE_KEY.format(value_id), name) for value_id, name in item.values_ar.items()
    )
    states = {
        s.key: s.value
        for s in TranslationState.objects.select_for_update().filter(
            shopify_product_id=item.product_id, locale=locale
        )
    }
    changed = {key for key, value in translated.items() if states.get(key) != value}
    for product in products:
        for key, field_name in FIELDS.items():
            if key not in item.translated:
                continue
            if key == "title":
                local, inputs = _name_ar(product, item)
            else:
                local, inputs = plain_text(item.translated[key]), [key]
            if not changed.intersection(inputs) and getattr(product, field_name):
                # nothing it is made of changed in Shopify: the Arabic here (maybe edited
                # in admin) stays; only an empty field (a variant added since) is filled
                result.kept_local += 1
                continue
            if getattr(product, field_name) != local:
                setattr(product, field_name, local)
                product.updated_at = timezone.now()
                product.save(update_fields=[field_name, "updated_at"])
                result.applied += 1
                result.changed_ids.add(product.pk)
    for key in sorted(changed):
        TranslationState.objects.update_or_create(
            shopify_product_id=item.product_id,
            key=key,
            locale=locale,
            defaults={"value": translated[key]},
        )


def translations_sync(
    *, client: ShopifyClient | None = None, locale: str = "ar"
) -> TranslationResult:
    """Read every product's `locale` translations (title, description, and the option
    values of products with variants) and apply the new or changed ones."""
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
        items = [item for node in nodes if (item := _parse(node or {})) is not None]
        _options_read(client, _with_variant_suffix(items), locale)
        for item in items:
            _apply(item, locale, result)
        if not page.get("hasNextPage"):
            return result
        after = page["endCursor"]
