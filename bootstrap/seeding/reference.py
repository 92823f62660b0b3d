"""Seed steps for the hand-written data in `bootstrap/data/`: every step upserts on the
natural key of its rows, so running the seed again changes nothing (or repairs drift)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from bootstrap.data import aliases, faq_variants, faqs, shop, taxonomy
from bootstrap.data.products import ProductSeed, all_products
from bootstrap.seeding.upsert import CREATED, UNCHANGED, UPDATED, Tally, changed_fields, row_upsert
from brandkit.models import Brand, BrandAlias, SpecDefinition
from helpdesk.models import FAQ, FAQVariant
from inventory.models import Category, Product
from inventory.services import product_create
from orders.models import ShippingOption
from payments.models import PaymentOption
from site_config.selectors import site_config_get
from users.models import Customer
from users.services import customer_get_or_create, customer_set_language

BRAND_LOGO_URL = "https://cdn.example.com/brands/{slug}.png"


def site_config_seed(*, tally: Tally) -> None:
    """Shop name, support contacts, hours and welcome texts on the singleton."""
    config = site_config_get()
    dirty = changed_fields(config, shop.SITE_CONFIG)
    if dirty:
        for name in dirty:
            setattr(config, name, shop.SITE_CONFIG[name])
        config.full_clean()
        config.save()  # the post_save signal drops the cached copy
    tally.add("site config", UPDATED if dirty else UNCHANGED)


def spec_definitions_seed(*, tally: Tally) -> None:
    for position, spec in enumerate(taxonomy.SPEC_DEFINITIONS, start=1):
        _, outcome = row_upsert(
            SpecDefinition,
            lookup={"key": spec.key},
            values={
                "label_en": spec.label_en,
                "label_ar": spec.label_ar,
                "unit": spec.unit,
                "value_type": spec.value_type,
                "choices": list(spec.choices),
                "categories": list(spec.categories),
                "min_value": spec.min_value,
                "max_value": spec.max_value,
                "is_key_spec": spec.is_key_spec,
                "sort_order": position * 10,
            },
        )
        tally.add("spec definitions", outcome)


def brands_seed(*, tally: Tally) -> dict[str, Brand]:
    brands: dict[str, Brand] = {}
    sold = {seed.slug for seed in taxonomy.BRANDS}
    for seed in (*taxonomy.BRANDS, *taxonomy.BRANDS_NOT_SOLD):
        brand, outcome = row_upsert(
            Brand,
            lookup={"slug": seed.slug},
            values={
                "name_en": seed.name_en,
                "name_ar": seed.name_ar,
                "description": seed.description,
                "logo_url": BRAND_LOGO_URL.format(slug=seed.slug),
                "active": seed.slug in sold,
            },
        )
        brands[seed.slug] = brand
        tally.add("brands", outcome)
    return brands


def brand_aliases_seed(*, tally: Tally) -> None:
    """Other spellings and the product lines of the seeded brands (after `brands_seed`).

    Keyed on the alias: a re-seed moves an alias back to the brand the data names.
    """
    brand_ids = dict(Brand.objects.values_list("slug", "id"))
    for alias, slug, kind in aliases.BRAND_ALIASES:
        if slug not in brand_ids:
            raise ValidationError(f"Alias {alias!r} names an unknown brand {slug!r}")
        _, outcome = row_upsert(
            BrandAlias, lookup={"alias": alias}, values={"brand_id": brand_ids[slug], "kind": kind}
        )
        tally.add("brand aliases", outcome)


def categories_seed(*, tally: Tally) -> dict[str, Category]:
    """The category tree, parents first so children can point at them."""
    categories: dict[str, Category] = {}
    for position, seed in enumerate(taxonomy.category_seeds_flat(), start=1):
        category, outcome = row_upsert(
            Category,
            lookup={"slug": seed.slug},
            values={
                "parent": categories[seed.parent] if seed.parent else None,
                "name_en": seed.name_en,
                "name_ar": seed.name_ar,
                "description_en": seed.description_en,
                "description_ar": seed.description_ar,
                "search_terms": taxonomy.CATEGORY_SEARCH_TERMS.get(seed.slug, ""),
                "sort_order": position * 10,
                "active": True,
            },
        )
        categories[seed.slug] = category
        tally.add("categories", outcome)
    return categories


def _product_values(
    seed: ProductSeed, *, brands: dict[str, Brand], categories: dict[str, Category]
) -> dict[str, object]:
    return {
        "brand": brands[seed.brand],
        "category": categories[seed.category],
        "name_en": seed.name_en,
        "name_ar": seed.name_ar,
        "description_en": seed.description_en,
        "description_ar": seed.description_ar,
        "specs": dict(seed.specs),
        "price": seed.price,
        "compare_at_price": seed.compare_at_price,
        "currency": "USD",
        "image_url": seed.image_url,
    }


def curated_products_seed(
    *, tally: Tally, brands: dict[str, Brand], categories: dict[str, Category]
) -> None:
    """The hand-written catalog, validated against the taxonomy (specs_clean via
    full_clean).

    Stock and the active flag are only set when a product is created: afterwards they are
    live state (orders move stock, staff retire products), and a re-seed must not undo a
    sale or bring back a withdrawn product. `--flush` resets them.
    """
    existing = {p.sku: p for p in Product.objects.filter(sku__in=[s.sku for s in all_products()])}
    for seed in all_products():
        values = _product_values(seed, brands=brands, categories=categories)
        product = existing.get(seed.sku)
        if product is None:
            try:
                product_create(validate=True, sku=seed.sku, stock=seed.stock, active=True, **values)
            except ValidationError as exc:
                raise ValidationError(f"{seed.sku}: {exc}") from exc
            tally.add("products", CREATED)
            continue
        before = {name: getattr(product, name) for name in values}
        for name, value in values.items():
            setattr(product, name, value)
        try:
            product.full_clean()  # coerces specs to their declared types before comparing
        except ValidationError as exc:
            raise ValidationError(f"{seed.sku}: {exc}") from exc
        dirty = [name for name in values if getattr(product, name) != before[name]]
        if dirty:
            product.save(update_fields=[*dirty, "updated_at"])
        tally.add("products", UPDATED if dirty else UNCHANGED)


def faqs_seed(*, tally: Tally) -> None:
    for position, seed in enumerate(faqs.FAQS, start=1):
        _, outcome = row_upsert(
            FAQ,
            lookup={"question_en": seed.question_en},
            values={
                "topic": seed.topic,
                "question_ar": seed.question_ar,
                "answer_en": seed.answer_en,
                "answer_ar": seed.answer_ar,
                "active": True,
                "sort_order": position * 10,
            },
        )
        tally.add("FAQs", outcome)


def faq_variants_seed(*, tally: Tally) -> None:
    """The paraphrases customers use for each seeded FAQ (after `faqs_seed`).

    Variants are keyed by their own text, so a re-seed adds what is new and leaves rows
    staff added by hand alone; nothing is deleted.
    """
    faq_ids = dict(
        FAQ.objects.filter(question_en__in=faq_variants.FAQ_VARIANTS).values_list(
            "question_en", "id"
        )
    )
    for question_en, by_language in faq_variants.FAQ_VARIANTS.items():
        if question_en not in faq_ids:
            raise ValidationError(f"FAQ variants for an FAQ that is not seeded: {question_en!r}")
        for language, texts in by_language.items():
            for text in texts:
                _, outcome = row_upsert(
                    FAQVariant,
                    lookup={"faq_id": faq_ids[question_en], "language": language, "text": text},
                    values={},
                )
                tally.add("FAQ variants", outcome)


def shipping_options_seed(*, tally: Tally) -> None:
    for option in shop.SHIPPING_OPTIONS:
        values = {k: v for k, v in option.items() if k != "code"}
        values.setdefault("currency", "USD")
        values.setdefault("active", True)
        _, outcome = row_upsert(ShippingOption, lookup={"code": option["code"]}, values=values)
        tally.add("shipping options", outcome)


def payment_options_seed(*, tally: Tally) -> None:
    for option in shop.PAYMENT_OPTIONS:
        values = {k: v for k, v in option.items() if k != "code"}
        values.setdefault("active", True)
        _, outcome = row_upsert(PaymentOption, lookup={"code": option["code"]}, values=values)
        tally.add("payment options", outcome)


def demo_customer_seed(*, tally: Tally) -> None:
    """The customer `manage.py chat` and the demo conversations talk as."""
    existed = Customer.objects.filter(wa_id=shop.DEMO_CUSTOMER["wa_id"]).exists()
    customer = customer_get_or_create(
        wa_id=shop.DEMO_CUSTOMER["wa_id"], profile_name=shop.DEMO_CUSTOMER["profile_name"]
    )
    customer_set_language(customer=customer, language=shop.DEMO_CUSTOMER["language"])
    tally.add("demo customer", UNCHANGED if existed else CREATED)
