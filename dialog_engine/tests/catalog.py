"""A small, fixed shop for the conversation tests: known SKUs, names, prices and stock so
scripts can say exactly what the customer should see."""

from __future__ import annotations

from decimal import Decimal

from tests.factories import (
    BrandFactory,
    CategoryFactory,
    FAQFactory,
    PaymentOptionFactory,
    ProductFactory,
    ShippingOptionFactory,
)


def catalog_build() -> None:
    samsung = BrandFactory(slug="samsung", name_en="Samsung", name_ar="سامسونج")
    apple = BrandFactory(slug="apple", name_en="Apple", name_ar="أبل")
    sony = BrandFactory(slug="sony", name_en="Sony", name_ar="سوني")
    phones = CategoryFactory(slug="phones", name_en="Phones", name_ar="جوالات", sort_order=1)
    android = CategoryFactory(
        slug="android-phones", name_en="Android phones", name_ar="جوالات أندرويد", parent=phones
    )
    iphones = CategoryFactory(slug="iphones", name_en="iPhones", name_ar="آيفون", parent=phones)
    audio = CategoryFactory(slug="audio", name_en="Headphones", name_ar="سماعات", sort_order=2)
    laptops = CategoryFactory(slug="laptops", name_en="Laptops", name_ar="لابتوبات", sort_order=3)
    for n in range(9):  # enough categories that the top level needs a second page
        CategoryFactory(slug=f"extra-{n}", name_en=f"Accessories {n}", sort_order=10 + n)

    def product(sku, brand, category, en, ar, price, stock, **extra):
        return ProductFactory(
            sku=sku,
            brand=brand,
            category=category,
            name_en=en,
            name_ar=ar,
            price=Decimal(price),
            stock=stock,
            description_en=f"{en}: a great choice.",
            description_ar=f"{ar}: اختيار رائع.",
            image_url=f"https://cdn.example.com/{sku}.jpg",
            **extra,
        )

    product("GAL-A15", samsung, android, "Galaxy A15", "جالاكسي A15", "199.00", 12)
    product(
        "GAL-S24",
        samsung,
        android,
        "Galaxy S24",
        "جالاكسي S24",
        "899.00",
        2,
        compare_at_price=Decimal("999.00"),
    )
    product("GAL-S23", samsung, android, "Galaxy S23", "جالاكسي S23", "649.00", 0)
    product("IPH-15", apple, iphones, "iPhone 15", "آيفون 15", "999.00", 5)
    product("IPH-13", apple, iphones, "iPhone 13", "آيفون 13", "599.00", 1)
    product(
        "SNY-XM5",
        sony,
        audio,
        "Sony WH-1000XM5 headphones",
        "سماعات سوني XM5 لاسلكية",
        "349.00",
        7,
        compare_at_price=Decimal("399.00"),
    )
    product("SNY-CH5", sony, audio, "Sony WH-CH520 headphones", "سماعات سوني CH520", "59.00", 30)
    product("APL-MBA", apple, laptops, "MacBook Air 13", "ماك بوك إير 13", "1099.00", 3)
    for n in range(12):  # a second page of Android phones
        product(
            f"AND-{n:02d}",
            samsung,
            android,
            f"Android phone {n:02d}",
            f"جوال أندرويد {n:02d}",
            f"{150 + n * 10}.00",
            4,
        )
    ShippingOptionFactory(
        code="standard",
        name_en="Standard delivery",
        name_ar="توصيل عادي",
        price=Decimal("5.00"),
        free_over=Decimal("500.00"),
    )
    ShippingOptionFactory(
        code="express", name_en="Express delivery", name_ar="توصيل سريع", price=Decimal("15.00")
    )
    PaymentOptionFactory(
        code="cod",
        name_en="Cash on delivery",
        name_ar="الدفع عند الاستلام",
        instructions_en="Pay the courier in cash.",
        instructions_ar="ادفع للمندوب نقداً.",
    )
    PaymentOptionFactory(
        code="bank",
        kind="bank_transfer",
        name_en="Bank transfer",
        name_ar="تحويل بنكي",
        instructions_en="Transfer the total to IBAN SA00 0000 0000.",
        instructions_ar="حوّل المبلغ إلى الآيبان SA00 0000 0000.",
    )
    PaymentOptionFactory(
        code="card",
        kind="payment_link",
        name_en="Card payment link",
        name_ar="رابط دفع بالبطاقة",
        instructions_en="Pay securely with the link below.",
        instructions_ar="ادفع بأمان عبر الرابط التالي.",
        link_template="https://pay.example.com/{reference}",
    )
    FAQFactory(
        topic="returns",
        question_en="How do returns work?",
        question_ar="كيف يتم الإرجاع؟",
        answer_en="You can return any item within 14 days.",
        answer_ar="يمكنك إرجاع أي منتج خلال 14 يوماً.",
    )
    FAQFactory(
        topic="warranty",
        question_en="Do products have a warranty?",
        question_ar="هل المنتجات عليها ضمان؟",
        answer_en="Every product has a two-year warranty.",
        answer_ar="كل المنتجات عليها ضمان لمدة سنتين.",
    )
    # Search and FAQ answers come from the embedding indexes, as in production after
    # `train_product_embeddings` / `train_faq_embeddings`.
    catalog_index()


def catalog_index() -> None:
    """Train the catalogue's product and FAQ embeddings and drop the cached indexes."""
    from helpdesk.embeddings import faq_embeddings_train, faq_matrix
    from intent_classifier.slots import catalog_cache_clear
    from recos.index import index_invalidate
    from recos.training import embeddings_train_products

    embeddings_train_products()
    faq_embeddings_train()
    index_invalidate()
    faq_matrix.invalidate()
    catalog_cache_clear()
