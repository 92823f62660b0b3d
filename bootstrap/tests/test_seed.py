"""The seed command: idempotent, big enough, valid, resettable."""

from __future__ import annotations

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from bootstrap.data.faqs import FAQS
from bootstrap.data.products import all_products
from bootstrap.data.taxonomy import BRANDS
from brandkit.models import Brand, BrandAlias, SpecDefinition
from brandkit.specs import specs_clean
from helpdesk.models import FAQ, FAQVariant
from inventory.models import Category, Product
from orders import services as order_services
from orders.models import Order, ShippingOption
from payments.models import Payment, PaymentKind, PaymentOption
from site_config.selectors import site_config_get
from users.models import Customer

pytestmark = pytest.mark.django_db

ARABIC = re.compile(r"[\u0600-\u06FF]")
SEEDED_MODELS = (
    Brand,
    BrandAlias,
    SpecDefinition,
    Category,
    Product,
    FAQ,
    FAQVariant,
    ShippingOption,
    PaymentOption,
    Customer,
)


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed", *args, stdout=out, stderr=StringIO(), verbosity=0)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in SEEDED_MODELS}


# --- idempotency -------------------------------------------------------------------------
def test_seed_twice_leaves_the_same_counts() -> None:
    # given
    _seed()
    first = _counts()

    # when
    _seed()

    # then
    assert _counts() == first


def test_second_seed_run_writes_nothing() -> None:
    # given
    _seed()
    stamps = dict(Product.objects.values_list("sku", "updated_at"))

    # when
    output = _seed()

    # then
    assert "0 created, 0 updated" in output
    assert dict(Product.objects.values_list("sku", "updated_at")) == stamps


def test_seed_twice_creates_no_duplicate_natural_keys() -> None:
    # given
    _seed()

    # when
    _seed()

    # then
    assert not FAQ.objects.values("question_en").annotate(n=Count("id")).filter(n__gt=1)
    assert Customer.objects.filter(wa_id="15550001234").count() == 1
    assert Category.objects.values("slug").distinct().count() == Category.objects.count()
    assert not (
        FAQVariant.objects.values("faq", "language", "text").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert not BrandAlias.objects.values("alias").annotate(n=Count("id")).filter(n__gt=1)


def test_second_seed_run_leaves_variants_and_aliases_untouched() -> None:
    # given
    _seed()
    variants = dict(FAQVariant.objects.values_list("id", "updated_at"))
    aliases = set(BrandAlias.objects.values_list("id", "alias", "brand_id", "kind"))

    # when
    _seed()

    # then
    assert dict(FAQVariant.objects.values_list("id", "updated_at")) == variants
    assert set(BrandAlias.objects.values_list("id", "alias", "brand_id", "kind")) == aliases


def test_reseed_moves_an_edited_alias_back_and_keeps_staff_additions() -> None:
    # given
    _seed()
    BrandAlias.objects.filter(alias="galaxy").update(brand=Brand.objects.get(slug="apple"))
    faq = FAQ.objects.get(question_en="Do you offer cash on delivery?")
    FAQVariant.objects.create(faq=faq, language="en", text="cash ok at the door?")

    # when
    _seed()

    # then
    assert BrandAlias.objects.get(alias="galaxy").brand.slug == "samsung"
    assert faq.variants.filter(text="cash ok at the door?").exists()


def test_reseed_repairs_edited_catalog_text_but_keeps_live_stock_and_active_flag() -> None:
    # given
    _seed()
    product = Product.objects.get(sku="SON-WH1000XM5")
    Product.objects.filter(pk=product.pk).update(
        name_en="typo", price=Decimal("1.00"), stock=3, active=False
    )

    # when
    _seed()

    # then
    product.refresh_from_db()
    assert product.name_en == "Sony WH-1000XM5 Wireless Noise Cancelling Headphones"
    assert product.price == Decimal("399.99")
    assert product.stock == 3
    assert product.active is False


# --- size and quality of the curated data ------------------------------------------------
def test_curated_data_has_no_duplicate_natural_keys() -> None:
    # given: a duplicate in the data files would silently overwrite the first row
    skus = [p.sku for p in all_products()]
    questions = [f.question_en for f in FAQS]

    # then
    assert len(skus) == len(set(skus))
    assert len(questions) == len(set(questions))
    assert len({b.slug for b in BRANDS}) == len(BRANDS)


def test_seed_fills_at_least_the_minimum_catalog() -> None:
    # when
    _seed()

    # then
    assert Brand.objects.count() >= 15
    assert Product.objects.count() >= 120
    assert FAQ.objects.count() >= 30
    assert FAQVariant.objects.count() >= 12 * FAQ.objects.count()
    assert BrandAlias.objects.count() >= 150
    assert ShippingOption.objects.count() >= 3
    assert PaymentOption.objects.count() >= 3


def test_every_product_has_english_and_arabic_names_and_descriptions() -> None:
    # when
    _seed()

    # then
    for p in Product.objects.all():
        assert p.name_en and p.description_en, p.sku
        assert ARABIC.search(p.name_ar), p.sku
        assert ARABIC.search(p.description_ar), p.sku


def test_every_product_has_specs_valid_against_the_taxonomy() -> None:
    # when
    _seed()

    # then
    for p in Product.objects.select_related("category__parent"):
        assert p.specs, p.sku
        assert specs_clean(specs=p.specs, category_slugs=p.category.lineage_slugs()) == p.specs


def test_products_sit_in_leaf_categories_with_a_brand_and_an_image() -> None:
    # when
    _seed()

    # then
    for p in Product.objects.select_related("category", "brand"):
        assert not p.category.children.exists(), p.sku
        assert p.brand is not None, p.sku
        assert p.image_url == f"https://cdn.example.com/products/{p.sku.lower()}.jpg"


def test_prices_are_positive_and_compare_at_prices_are_higher() -> None:
    # when
    _seed()

    # then
    products = list(Product.objects.all())
    assert all(p.price > 0 for p in products)
    discounted = [p for p in products if p.compare_at_price is not None]
    assert len(discounted) >= 10
    assert all(p.compare_at_price > p.price for p in discounted)
    assert min(p.price for p in products) < 20 < 2000 < max(p.price for p in products)


def test_some_products_are_out_of_stock_and_most_are_in_stock() -> None:
    # when
    _seed()

    # then
    out = Product.objects.filter(stock=0).count()
    assert 5 <= out <= 15
    assert Product.objects.filter(stock__gt=0).count() > 100


def test_category_tree_has_departments_with_arabic_names() -> None:
    # when
    _seed()

    # then
    tree = {c.slug: (c.parent.slug if c.parent else None) for c in Category.objects.all()}
    assert tree["android-phones"] == "phones"
    assert tree["gaming-laptops"] == "laptops"
    assert tree["wireless-earbuds"] == "headphones"
    assert tree["power-banks"] == "accessories"
    assert tree["consoles"] == "gaming"
    assert tree["tvs"] is None
    assert Category.objects.get(slug="phones").name_ar == "الهواتف"
    assert all(ARABIC.search(c.name_ar) for c in Category.objects.all())


def test_every_faq_has_a_topic_and_arabic_question_and_answer() -> None:
    # when
    _seed()

    # then
    topics = set(FAQ.objects.values_list("topic", flat=True))
    assert {"shipping", "returns", "warranty", "payment", "orders", "store"} <= topics
    for faq in FAQ.objects.all():
        assert ARABIC.search(faq.question_ar) and ARABIC.search(faq.answer_ar), faq.question_en


def test_site_config_carries_the_shop_identity_in_both_languages() -> None:
    # when
    _seed()

    # then
    config = site_config_get()
    assert config.shop_name == "Volt Electronics"
    assert config.support_email and config.support_phone
    assert ARABIC.search(config.welcome_text_ar) and ARABIC.search(config.business_hours_ar)


def test_payment_options_cover_cod_bank_transfer_and_a_working_link() -> None:
    # when
    _seed()

    # then
    kinds = dict(PaymentOption.objects.values_list("code", "kind"))
    assert kinds == {
        "cod": PaymentKind.CASH_ON_DELIVERY,
        "bank_transfer": PaymentKind.BANK_TRANSFER,
        "payment_link": PaymentKind.PAYMENT_LINK,
    }
    assert "IBAN" in PaymentOption.objects.get(code="bank_transfer").instructions_en
    option = PaymentOption.objects.get(code="payment_link")
    link = Payment(option=option, reference="R-1", amount=Decimal("10.00"), currency="USD").link()
    assert link == "https://pay.example.com/checkout?ref=R-1&amount=10.00&currency=USD"


def test_standard_shipping_is_free_over_a_threshold_and_pickup_is_free() -> None:
    # when
    _seed()

    # then
    standard = ShippingOption.objects.get(code="standard")
    assert standard.price > 0 and standard.free_over == Decimal("100.00")
    assert ShippingOption.objects.get(code="pickup").price == 0


def test_seed_creates_the_demo_customer() -> None:
    # when
    _seed()

    # then
    customer = Customer.objects.get(wa_id="15550001234")
    assert customer.profile_name == "Demo Customer"


# --- flush -------------------------------------------------------------------------------
def _place_demo_order() -> Order:
    customer = Customer.objects.get(wa_id="15550001234")
    order_services.cart_add_item(
        customer=customer, product=Product.objects.get(sku="SAM-A25-128"), quantity=2
    )
    return order_services.order_place(
        customer=customer,
        contact_name="Demo Customer",
        address=order_services.Address(text="12 King Fahd Road"),
        shipping_option=ShippingOption.objects.get(code="standard"),
        payment_option=PaymentOption.objects.get(code="cod"),
    )


def test_flush_deletes_orders_and_reseeds_a_fresh_catalog() -> None:
    # given
    _seed()
    fresh = _counts()
    _place_demo_order()
    assert Product.objects.get(sku="SAM-A25-128").stock == 53
    FAQ.objects.create(
        topic="misc", question_en="Extra?", question_ar="؟", answer_en="-", answer_ar="-"
    )

    # when
    output = _seed("--flush")

    # then
    assert "Flushed:" in output
    assert Order.objects.count() == 0
    assert Payment.objects.count() == 0
    assert Product.objects.get(sku="SAM-A25-128").stock == 55
    assert _counts() == fresh


def test_flush_removes_synthetic_products_unless_asked_again() -> None:
    # given
    _seed("--products", "40")

    # when
    _seed("--flush")

    # then
    assert not Product.objects.filter(sku__startswith="SYN-").exists()
