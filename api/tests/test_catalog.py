from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import BrandFactory, CategoryFactory, FAQFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _skus(response) -> list[str]:
    return [item["sku"] for item in response.json()["results"]]


def test_anonymous_visitor_can_list_products_with_decimal_prices_as_strings(anon_client):
    # given
    ProductFactory(sku="PH-1", price=Decimal("299.90"))
    # when
    response = anon_client.get("/api/products/")
    # then
    assert response.status_code == 200
    [product] = response.json()["results"]
    assert product["sku"] == "PH-1"
    assert product["price"] == "299.90"
    assert product["in_stock"] is True


def test_inactive_products_are_not_listed(anon_client):
    # given
    ProductFactory(sku="ON")
    ProductFactory(sku="OFF", active=False)
    # when
    response = anon_client.get("/api/products/")
    # then
    assert _skus(response) == ["ON"]


def test_products_filter_by_category_slug_including_subcategories(anon_client):
    # given
    phones = CategoryFactory(slug="phones")
    android = CategoryFactory(slug="android-phones", parent=phones)
    ProductFactory(sku="A", category=android, price=Decimal("100"))
    ProductFactory(sku="B", category=phones, price=Decimal("200"))
    ProductFactory(sku="C", category=CategoryFactory(slug="audio"))
    # when
    response = anon_client.get("/api/products/", {"category": "phones"})
    # then
    assert _skus(response) == ["A", "B"]


def test_unknown_category_slug_lists_nothing(anon_client):
    # given
    ProductFactory()
    # when
    response = anon_client.get("/api/products/", {"category": "no-such-thing"})
    # then
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_products_filter_by_brand_slug(anon_client):
    # given
    ProductFactory(sku="S", brand=BrandFactory(slug="samsung"))
    ProductFactory(sku="X", brand=BrandFactory(slug="xiaomi"))
    # when
    response = anon_client.get("/api/products/", {"brand": "xiaomi"})
    # then
    assert _skus(response) == ["X"]


def test_products_filter_by_price_range_inclusive(anon_client):
    # given
    for sku, price in [("P100", "100"), ("P200", "200"), ("P300", "300"), ("P400", "400")]:
        ProductFactory(sku=sku, price=Decimal(price))
    # when
    response = anon_client.get("/api/products/", {"price_min": "200", "price_max": "300"})
    # then
    assert _skus(response) == ["P200", "P300"]


def test_inverted_price_range_is_a_400_with_a_reason(anon_client):
    # when
    response = anon_client.get("/api/products/", {"price_min": "300", "price_max": "200"})
    # then
    assert response.status_code == 400
    assert "price_min" in str(response.json())


def test_malformed_price_is_a_400(anon_client):
    # when
    response = anon_client.get("/api/products/", {"price_min": "cheap"})
    # then
    assert response.status_code == 400
    assert "price_min" in response.json()


def test_products_filter_in_stock_only(anon_client):
    # given
    ProductFactory(sku="HAVE", stock=3)
    ProductFactory(sku="NONE", stock=0)
    # when
    in_stock = anon_client.get("/api/products/", {"in_stock": "true"})
    everything = anon_client.get("/api/products/")
    # then
    assert _skus(in_stock) == ["HAVE"]
    assert sorted(_skus(everything)) == ["HAVE", "NONE"]


def test_products_search_matches_english_and_arabic_names_and_exact_sku(anon_client):
    # given
    ProductFactory(sku="GX-900", name_en="Galaxy Buds", name_ar="سماعات جالكسي")
    ProductFactory(sku="PX-1", name_en="Pixel Phone", name_ar="هاتف بكسل")
    # when
    by_english = anon_client.get("/api/products/", {"q": "buds"})
    by_arabic = anon_client.get("/api/products/", {"q": "سماعات"})
    by_sku = anon_client.get("/api/products/", {"q": "PX-1"})
    # then
    assert _skus(by_english) == ["GX-900"]
    assert _skus(by_arabic) == ["GX-900"]
    assert _skus(by_sku) == ["PX-1"]


def test_product_list_is_paginated_with_a_capped_page_size(anon_client):
    # given
    for i in range(25):
        ProductFactory(sku=f"P{i:02d}", price=Decimal(100 + i))
    # when
    first = anon_client.get("/api/products/")
    second = anon_client.get("/api/products/", {"page": 2})
    small = anon_client.get("/api/products/", {"page_size": 5, "page": 3})
    huge = anon_client.get("/api/products/", {"page_size": 1000})
    # then
    assert first.json()["count"] == 25
    assert len(first.json()["results"]) == 20
    assert first.json()["next"].endswith("page=2")
    assert len(second.json()["results"]) == 5
    assert second.json()["next"] is None
    assert _skus(small) == ["P10", "P11", "P12", "P13", "P14"]
    assert len(huge.json()["results"]) == 25


def test_page_beyond_the_last_is_a_404(anon_client):
    # given
    ProductFactory()
    # when
    response = anon_client.get("/api/products/", {"page": 9})
    # then
    assert response.status_code == 404


def test_product_detail_by_sku(anon_client):
    # given
    ProductFactory(sku="TV-55", name_en="Television", brand=BrandFactory(slug="lg"))
    # when
    response = anon_client.get("/api/products/TV-55/")
    # then
    assert response.status_code == 200
    assert response.json()["name_en"] == "Television"
    assert response.json()["brand"]["slug"] == "lg"


def test_inactive_product_detail_is_a_404(anon_client):
    # given
    ProductFactory(sku="GONE", active=False)
    # when
    response = anon_client.get("/api/products/GONE/")
    # then
    assert response.status_code == 404


def test_categories_list_gives_parent_slugs(anon_client):
    # given
    phones = CategoryFactory(slug="phones")
    CategoryFactory(slug="android-phones", parent=phones)
    CategoryFactory(slug="hidden", active=False)
    # when
    response = anon_client.get("/api/categories/")
    # then
    by_slug = {item["slug"]: item for item in response.json()["results"]}
    assert set(by_slug) == {"phones", "android-phones"}
    assert by_slug["android-phones"]["parent"] == "phones"
    assert by_slug["phones"]["parent"] is None


def test_faqs_are_public_and_filter_by_topic(anon_client):
    # given
    FAQFactory(topic="shipping", question_en="How long?")
    FAQFactory(topic="returns", question_en="Can I return?")
    FAQFactory(topic="returns", question_en="Hidden", active=False)
    # when
    response = anon_client.get("/api/faqs/", {"topic": "returns"})
    # then
    assert response.status_code == 200
    assert [faq["question_en"] for faq in response.json()["results"]] == ["Can I return?"]


def test_catalog_is_read_only_even_for_staff(staff_client):
    # when
    response = staff_client.post("/api/products/", {"sku": "NEW"}, format="json")
    # then
    assert response.status_code == 405


def test_anonymous_clients_are_throttled_by_the_configured_rate(anon_client, monkeypatch):
    # given: the production default classes, with a tiny rate for the test
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/min"})
    # when
    statuses = [anon_client.get("/api/faqs/").status_code for _ in range(3)]
    # then
    assert statuses == [200, 200, 429]
