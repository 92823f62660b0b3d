from __future__ import annotations

from decimal import Decimal

import pytest

from recos.search import SearchFilters, recommend, similar_to
from recos.training import embeddings_train_products

pytestmark = pytest.mark.django_db


@pytest.fixture
def trained(catalog):
    embeddings_train_products()
    return catalog


def skus(hits) -> list[str]:
    return [hit.product.sku for hit in hits]


@pytest.mark.parametrize(
    ("query", "language"),
    [("weather tomorrow", "en"), ("asdfgh", "en"), ("طقس الغد", "ar")],
)
def test_nonsense_finds_no_product(trained, query, language):
    assert recommend(query, language) == []


def test_english_query_finds_its_category_first(trained):
    hits = recommend("wireless earbuds", "en")

    assert hits[0].product.category.slug == "wireless-earbuds"
    assert all(hit.distance is not None and hit.distance <= 0.75 for hit in hits)


def test_arabic_query_finds_its_category_first(trained):
    hits = recommend("لابتوب ألعاب", "ar")

    assert hits[0].product.sku == "LEN-LOQ15-4050"


def test_price_filter_keeps_only_products_in_the_budget(trained):
    # when
    hits = recommend("android phone", "en", filters=SearchFilters(price_max=Decimal("300")))

    # then
    assert skus(hits) == ["XIA-RN13-128"]


def test_price_min_filter_drops_cheaper_products(trained):
    hits = recommend("android phone", "en", filters=SearchFilters(price_min=Decimal("500")))

    assert skus(hits) == ["SAM-S24-256"]


def test_brand_filter_keeps_only_that_brand(trained):
    hits = recommend("wireless earbuds", "en", filters=SearchFilters(brand_slug="sony"))

    assert hits and {hit.product.brand.slug for hit in hits} == {"sony"}


def test_parent_category_filter_includes_its_subcategories(trained):
    hits = recommend("smartphone", "en", filters=SearchFilters(category_slug="phones"))

    assert set(skus(hits)) == {"SAM-S24-256", "XIA-RN13-128"}


def test_unknown_category_filter_finds_nothing(trained):
    assert recommend("smartphone", "en", filters=SearchFilters(category_slug="nope")) == []


def test_in_stock_filter_drops_sold_out_products(trained):
    # given
    assert "SAM-BUDS-FE" in skus(recommend("wireless earbuds", "en"))

    # when
    hits = recommend("wireless earbuds", "en", filters=SearchFilters(in_stock=True))

    # then
    assert "SAM-BUDS-FE" not in skus(hits)


def test_exact_sku_is_found_first_even_past_the_distance_threshold(trained, settings):
    # given: a threshold so strict that the dense leg alone finds nothing
    settings.DIST_REF_EN = 0.01

    # when
    hits = recommend("SON-BRAVIA-55", "en")

    # then
    assert skus(hits) == ["SON-BRAVIA-55"]


def test_model_number_finds_its_product_first(trained):
    hits = recommend("do you have the wf-1000xm5?", "en")

    assert hits[0].product.sku == "SON-WF1000XM5"


def test_index_picks_up_an_edit_after_retraining(trained):
    # given
    assert recommend("wireless earbuds", "en", filters=SearchFilters(price_max=Decimal("150")))
    tv = trained["tv"]
    tv.price = Decimal("120.00")
    tv.name_en, tv.name_ar = "Sony LinkBuds Wireless Earbuds", "سماعات سوني لينك بودز لاسلكية"
    tv.save()
    embeddings_train_products()

    # when
    hits = recommend("wireless earbuds", "en", filters=SearchFilters(price_max=Decimal("150")))

    # then
    assert "SON-BRAVIA-55" in skus(hits)


def test_similar_to_returns_other_in_stock_products_nearest_first(trained):
    # when
    hits = similar_to(trained["galaxy"], k=2)

    # then
    assert hits[0].product.sku == "XIA-RN13-128"
    assert "SAM-S24-256" not in skus(hits) and "SAM-BUDS-FE" not in skus(hits)


def test_empty_index_finds_nothing(catalog):
    assert recommend("wireless earbuds", "en") == []


def test_brand_name_finds_that_brands_products(trained, settings):
    # given: the dense leg alone finds nothing
    settings.DIST_REF_AR = 0.01

    # when
    hits = recommend("شاومي", "ar")

    # then
    assert skus(hits) == ["XIA-RN13-128"]


def test_a_model_named_in_a_question_is_the_model_not_its_accessory(trained):
    # given: a case for the earbuds, named after them
    from recos.search import product_named
    from tests.factories import ProductFactory

    case = ProductFactory(
        sku="SPG-CASE-XM5",
        brand=trained["earbuds"].brand,
        category=trained["earbuds"].category,
        name_en="Silicone Case for Sony WF-1000XM5",
        name_ar="غطاء سيليكون لسماعات سوني WF-1000XM5",
        price=Decimal("19.00"),
    )
    embeddings_train_products()

    # when / then
    assert product_named("is the wf-1000xm5 in stock?") == trained["earbuds"]
    assert product_named("wf-1000xm5 case price") == case


def test_the_type_named_comes_first_even_out_of_stock(trained):
    # given: the only Samsung earbuds are sold out; the words also find other products
    from recos.search import SearchRequest, product_search

    # when
    found = product_search(
        SearchRequest(query="samsung galaxy buds earbuds", category_slug="wireless-earbuds")
    )

    # then: earbuds first (in stock first among them), then the rest
    types = [p.category.slug for p in found.products]
    assert types.count("wireless-earbuds") == 2 and len(types) > 2  # the sold-out one too
    assert types[: types.count("wireless-earbuds")] == ["wireless-earbuds"] * types.count(
        "wireless-earbuds"
    )
    assert found.products[0].sku == "SON-WF1000XM5"


def test_a_line_spelt_in_arabic_finds_the_product_by_its_latin_name(trained, settings):
    # given: a console whose names carry the line in Latin letters only, and the line
    # among the brand's aliases; the dense leg alone finds nothing
    from brandkit.models import BrandAlias, BrandAliasKind
    from recos.search import product_named
    from tests.factories import ProductFactory

    settings.DIST_REF_AR = 0.01
    BrandAlias.objects.create(
        brand=trained["earbuds"].brand, alias="xbox", kind=BrandAliasKind.LINE
    )
    console = ProductFactory(
        sku="MSF-XSX-1TB",
        brand=trained["earbuds"].brand,
        category=trained["earbuds"].category,
        name_en="Microsoft Xbox Series X 1TB",
        name_ar="جهاز Microsoft Xbox Series X سعة 1 تيرابايت",
        price=Decimal("499.00"),
    )
    embeddings_train_products()

    # when / then
    assert skus(recommend("الاكس بوكس سيريس اكس", "ar"))[:1] == [console.sku]
    assert product_named("كم سعر اكسبوكس سيريس اكس ١ تيرا؟", "ar") == console


def test_of_models_named_alike_the_one_in_stock_then_the_plainest_answers(trained):
    # given: two consoles of one line, the shorter name sold out; two phones of one line
    from recos.search import product_named
    from tests.factories import ProductFactory

    def make(sku: str, name: str, stock: int):
        return ProductFactory(
            sku=sku,
            brand=trained["earbuds"].brand,
            category=trained["earbuds"].category,
            name_en=name,
            name_ar=name,
            price=Decimal("499.00"),
            stock=stock,
        )

    make("SON-PS5PRO", "Sony PlayStation 5 Pro Console 2TB", 0)
    slim = make("SON-PS5SLIM", "Sony PlayStation 5 Slim Console (Disc Edition) 1TB", 5)
    base = make("SAM-S25-128", "Samsung Galaxy S25 128GB", 5)
    make("SAM-S25U-256", "Samsung Galaxy S25 Ultra 256GB", 5)
    embeddings_train_products()

    # when / then: "playstation 5" names both consoles: the one on the shelf; "galaxy
    # s25" names both phones, in stock: the plainest name, the base model
    assert product_named("playstation 5 available?") == slim
    assert product_named("galaxy s25 price?") == base


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("earphones for jogging and the gym", "wireless-earbuds"),
        ("a big screen to watch the football", "tvs"),
        ("thank you so much", None),
    ],
)
def test_what_a_request_is_for_names_a_category(catalog, monkeypatch, query, slug):
    # given: what two categories are for
    from inventory.models import Category
    from recos import index
    from recos.encoders import get_encoder
    from recos.language import encoder_text
    from recos.search import category_profiles, use_case_category

    monkeypatch.setattr(index, "VERSION_CHECK_SECONDS", 0.0)
    Category.objects.filter(slug="wireless-earbuds").update(
        search_terms="small wireless buds for running, the gym and workouts. "
        "سماعات بلوتوث صغيرة للجري والرياضة والنادي"
    )
    Category.objects.filter(slug="tvs").update(
        search_terms="a big screen to watch movies and football matches. "
        "شاشة كبيرة للافلام والمباريات"
    )
    category_profiles.invalidate()
    vector = get_encoder().encode([encoder_text(query)])[0]
    # when / then: thanks is no use
    assert use_case_category(vector) == slug


def test_an_arabic_request_for_something_is_matched_against_the_arabic_terms(catalog, monkeypatch):
    # given: what a category is for, in both languages
    from inventory.models import Category
    from recos import index
    from recos.encoders import get_encoder
    from recos.language import encoder_text
    from recos.search import category_profiles, use_case_category
    from tests.factories import CategoryFactory

    monkeypatch.setattr(index, "VERSION_CHECK_SECONDS", 0.0)
    CategoryFactory(
        slug="smartwatches",
        name_en="Smartwatches",
        name_ar="ساعات ذكية",
        search_terms="a watch to track running, steps, sleep, heart rate, workouts and "
        "swimming. ساعة ذكية لتتبع الجري والخطوات والنوم ونبض القلب",
    )
    Category.objects.exclude(slug="smartwatches").update(search_terms="")
    category_profiles.invalidate()
    asked = "شي اتابع فيه نبضات قلبي ونومي"
    vector = get_encoder().encode([encoder_text(asked)])[0]
    # when / then: "something" for a use is matched against the Arabic terms alone; the
    # same words not asking for a thing are not (an unsure command stays one)
    assert use_case_category(vector, asked) == "smartwatches"
    assert use_case_category(vector, "اتابع فيه نبضات قلبي ونومي") is None
    # except as the router's last guess before asking the customer back, within its own
    # distance of the Arabic terms (and never by a word in common alone)
    from recos import search

    unasked = "اتابع فيه نبضات قلبي ونومي"
    vector = get_encoder().encode([encoder_text(unasked)])[0]
    monkeypatch.setattr(search, "GUESS_DISTANCE", search.ARABIC_USE_CASE_DISTANCE)
    assert use_case_category(vector, unasked, guess=True) == "smartwatches"
    monkeypatch.setattr(search, "GUESS_DISTANCE", 0.0)
    assert use_case_category(vector, unasked, guess=True) is None


def test_an_arabic_request_for_something_far_for_the_encoder_is_matched_by_its_words(
    catalog, monkeypatch
):
    # given: tablets for kids' cartoons, TVs for the matches, both watched
    from inventory.models import Category
    from recos import index
    from recos.encoders import get_encoder
    from recos.language import encoder_text
    from recos.search import category_profiles, use_case_category
    from tests.factories import CategoryFactory

    monkeypatch.setattr(index, "VERSION_CHECK_SECONDS", 0.0)
    CategoryFactory(
        slug="tablets",
        name_en="Tablets",
        name_ar="تابلت",
        search_terms="a tablet for kids and cartoons. تابلت للعيال والكرتون لولدي يتفرج",
    )
    Category.objects.filter(slug="tvs").update(
        search_terms="a big screen for the matches. شاشة للمباريات نتفرج يتفرج"
    )
    category_profiles.invalidate()
    asked = "ابغى شي لولدي يتفرج فيه كرتون"
    vector = get_encoder().encode([encoder_text(asked)])[0]
    # when / then: the category sharing most of its words of use; a tie is no answer
    assert use_case_category(vector, asked) == "tablets"
    tie = "ابغى شي يتفرج فيه"
    assert use_case_category(get_encoder().encode([encoder_text(tie)])[0], tie) is None
    # and "something" in English is read the same way when the encoder finds nothing close
    asked = "something big to watch football on in the majlis"
    Category.objects.filter(slug="tvs").update(
        search_terms="a big screen to watch football matches in the majlis"
    )
    category_profiles.invalidate()
    vector = get_encoder().encode([encoder_text(asked)])[0]
    assert use_case_category(vector, asked) == "tvs"


def test_a_close_sub_category_is_preferred_to_its_parent(catalog, monkeypatch):
    # given: headphones for music, and under them earbuds for running
    from inventory.models import Category
    from recos import index
    from recos.encoders import get_encoder
    from recos.language import encoder_text
    from recos.search import category_profiles, use_case_category
    from tests.factories import CategoryFactory

    monkeypatch.setattr(index, "VERSION_CHECK_SECONDS", 0.0)
    Category.objects.update(search_terms="")
    headphones = CategoryFactory(
        slug="headphones",
        name_en="Headphones",
        name_ar="سماعات",
        search_terms="something to listen to music, podcasts and calls. سماعات للموسيقى",
    )
    Category.objects.filter(slug="wireless-earbuds").update(
        parent=headphones,
        search_terms="small wireless buds to listen to music while running, at the gym and "
        "working out. سماعات بلوتوث صغيرة للجري والرياضة",
    )
    category_profiles.invalidate()
    asked = "i want something to listen to music while running"
    vector = get_encoder().encode([encoder_text(asked)])[0]
    # when / then
    assert use_case_category(vector, asked) == "wireless-earbuds"


def test_a_broad_type_named_with_a_use_narrows_to_the_sub_type_of_that_use(catalog, monkeypatch):
    # given: headphones, and under them earbuds for running and over-ear ones for flights
    from inventory.models import Category
    from recos import index
    from recos.encoders import get_encoder
    from recos.language import encoder_text
    from recos.search import category_profiles, use_case_subcategory
    from tests.factories import CategoryFactory

    monkeypatch.setattr(index, "VERSION_CHECK_SECONDS", 0.0)
    Category.objects.update(search_terms="")
    headphones = CategoryFactory(slug="headphones", name_en="Headphones", name_ar="سماعات")
    Category.objects.filter(slug="wireless-earbuds").update(
        parent=headphones,
        search_terms="small wireless buds to listen to music while running, at the gym and "
        "working out. سماعات بلوتوث صغيرة للجري والرياضة",
    )
    CategoryFactory(
        slug="over-ear",
        parent=headphones,
        search_terms="big over-ear headphones with noise cancelling for flights and travel",
    )
    category_profiles.invalidate()
    asked = "headphones for running at the gym"
    vector = get_encoder().encode([encoder_text(asked)])[0]
    # when / then: the sub-type of that use, and none for a type without sub-types
    assert use_case_subcategory(vector, "headphones") == "wireless-earbuds"
    assert use_case_subcategory(vector, "wireless-earbuds") is None


def test_a_type_guessed_from_the_use_never_makes_a_brand_give_way(trained, monkeypatch):
    # given: TVs are for watching football; the only Samsung products are phones and earbuds
    from inventory.models import Category
    from recos import index
    from recos.search import SearchRequest, category_profiles, product_search

    monkeypatch.setattr(index, "VERSION_CHECK_SECONDS", 0.0)
    Category.objects.filter(slug="tvs").update(
        search_terms="a big screen to watch movies and football matches"
    )
    category_profiles.invalidate()
    # when: the words point to TVs, the brand to none of them
    found = product_search(
        SearchRequest(query="something to watch the football on", brand_slugs=("samsung",))
    )
    # then: Samsung's products, not the nearest TV beyond the brand
    assert found.products and not found.nearest
    assert {p.brand.slug for p in found.products} == {"samsung"}


def test_every_product_of_the_type_named_within_the_limits_is_listed(trained, settings):
    # given: the encoder places no product near the words; they find one by its model
    from recos.search import SearchRequest, product_search

    settings.DIST_REF_EN = 0.01
    # when
    found = product_search(
        SearchRequest(
            query="android phone like the note 13",
            category_slug="android-phones",
            price_max=Decimal("900"),
        )
    )
    # then: the one the words find first, then the rest of the type within the budget
    assert [p.sku for p in found.products] == ["XIA-RN13-128", "SAM-S24-256"]


def test_a_brands_product_a_little_over_the_budget_comes_before_other_brands(trained):
    # given: Sony's earbuds cost 279; Samsung's are 99
    from recos.search import LimitBroken, SearchRequest, product_search

    # when: Sony earbuds under 250 (279 is within 15% of it)
    found = product_search(
        SearchRequest(
            query="sony earbuds",
            category_slug="wireless-earbuds",
            brand_slugs=("sony",),
            price_max=Decimal("250"),
        )
    )
    # then: the Sony ones, told to be over the budget, not Samsung's at the price
    assert found.products == []
    assert [p.sku for p in found.nearest] == ["SON-WF1000XM5"]
    assert found.broken == LimitBroken.PRICE_MAX


def test_a_broad_type_with_a_use_in_dialect_narrows_by_the_words_of_use(catalog, monkeypatch):
    # given: laptops, and under them business ones for the office and gaming ones; the
    # encoder finds no sub-type close to a Gulf request
    from inventory.models import Category
    from recos import index, search
    from recos.encoders import get_encoder
    from recos.language import encoder_text
    from tests.factories import CategoryFactory

    monkeypatch.setattr(index, "VERSION_CHECK_SECONDS", 0.0)
    monkeypatch.setattr(search, "USE_CASE_DISTANCE", 0.0)
    Category.objects.update(search_terms="")
    CategoryFactory(
        slug="business-laptops",
        parent=Category.objects.get(slug="laptops"),
        search_terms="a laptop for the office. لابتوب للمكتب والدوام واكسل",
    )
    CategoryFactory(
        slug="gaming-laptops",
        parent=Category.objects.get(slug="laptops"),
        search_terms="a laptop to play games. لابتوب للالعاب والمونتاج",
    )
    search.category_profiles.invalidate()
    asked = "ابي لابتوب للدوام"
    vector = get_encoder().encode([encoder_text(asked)])[0]
    # when / then: the sub-type whose words of use it shares, none without a shared word
    assert search.use_case_subcategory(vector, "laptops", asked) == "business-laptops"
    assert search.use_case_subcategory(vector, "laptops", "ابي لابتوب زين") is None
    assert search.use_case_subcategory(vector, "laptops") is None


def test_a_gift_with_nothing_said_of_its_use_gets_one_idea_per_department(trained):
    # given: nothing close to the words, no type, no limit
    from inventory.models import Product
    from recos.search import SearchRequest, product_search

    # when
    found = product_search(SearchRequest(query="looking for a birthday gift for my sister"))
    # then: in-stock products of different departments, the smallest gift first
    departments = [(p.category.parent or p.category).pk for p in found.products]
    in_stock = Product.objects.filter(active=True, stock__gt=0)
    assert len(found.products) == len({(p.category.parent or p.category).pk for p in in_stock})
    assert len(set(departments)) == len(departments) > 1
    assert all(p.stock > 0 for p in found.products)
    prices = [p.price for p in found.products]
    assert prices == sorted(prices)
