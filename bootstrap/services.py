"""Seeding a believable electronics shop, and resetting it.

`shop_seed` is idempotent: every row is upserted on its natural key (spec key, brand and
category slug, brand alias, SKU, shipping/payment code, FAQ question, FAQ variant text,
WhatsApp id), so a second run finds everything in place and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from bootstrap.seeding import reference
from bootstrap.seeding.synthetic import DEFAULT_BATCH_SIZE, synthetic_products_create
from bootstrap.seeding.upsert import CREATED, UNCHANGED, UPDATED, Tally
from brandkit.models import Brand, SpecDefinition
from helpdesk.models import FAQ
from inventory.models import Category, Product
from orders.models import Cart, Order, ShippingOption
from payments.models import PaymentOption


@dataclass
class SeedReport:
    """What a seed run did: per kind of row, how many were created/updated/unchanged."""

    tally: Tally = field(default_factory=Tally)
    flushed: dict[str, int] = field(default_factory=dict)
    synthetic_created: int = 0

    @property
    def created(self) -> int:
        return self.tally.total(CREATED) + self.synthetic_created

    @property
    def updated(self) -> int:
        return self.tally.total(UPDATED)

    @property
    def unchanged(self) -> int:
        return self.tally.total(UNCHANGED)


def shop_seed(
    *,
    flush: bool = False,
    synthetic_products: int = 0,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = False,
) -> SeedReport:
    """Fill (or refresh) the shop: site config, spec taxonomy, brands and their aliases,
    categories, the curated products, FAQs and their variants, shipping and payment options,
    the demo customer; then `synthetic_products` deterministic SYN- products for scale tests.

    With `flush`, `catalog_flush` runs first (see there for what it deletes).
    """
    report = SeedReport()
    tally = report.tally
    # One transaction: a failing seed never leaves a flushed, empty shop behind.
    with transaction.atomic():
        if flush:
            report.flushed = catalog_flush()
        reference.site_config_seed(tally=tally)
        reference.spec_definitions_seed(tally=tally)
        brands = reference.brands_seed(tally=tally)
        reference.brand_aliases_seed(tally=tally)
        categories = reference.categories_seed(tally=tally)
        reference.curated_products_seed(tally=tally, brands=brands, categories=categories)
        reference.faqs_seed(tally=tally)
        reference.faq_variants_seed(tally=tally)
        reference.shipping_options_seed(tally=tally)
        reference.payment_options_seed(tally=tally)
        reference.demo_customer_seed(tally=tally)
    # Outside the transaction above: synthetic batches commit one by one (see there).
    report.synthetic_created = synthetic_products_create(
        count=synthetic_products, batch_size=batch_size, progress=progress
    )
    return report


@transaction.atomic
def catalog_flush() -> dict[str, int]:
    """Delete the catalog and everything that points at it; returns rows deleted per model.

    Orders reference products, shipping and payment options with PROTECT, so orders go
    first (their items, events and payments cascade), then carts, products, the category
    tree (leaves first: a parent is PROTECTed by its children), brands (their aliases
    cascade), the spec taxonomy, FAQs (their variants cascade) and the shipping/payment
    options. Customers, conversations, unanswered questions (their FAQ link is cleared) and
    the site configuration are kept (the seed overwrites the configuration anyway). Meant
    for demo and test databases: it deletes every order.
    """
    deleted: dict[str, int] = {}

    def _delete(queryset) -> None:  # type: ignore[no-untyped-def]
        _, per_model = queryset.delete()
        for label, n in per_model.items():
            deleted[label] = deleted.get(label, 0) + n

    _delete(Order.objects.all())
    _delete(Cart.objects.all())
    _delete(Product.objects.all())
    while Category.objects.exists():
        _delete(Category.objects.filter(children__isnull=True))
    for model in (Brand, SpecDefinition, FAQ, ShippingOption, PaymentOption):
        _delete(model.objects.all())
    return deleted
