"""The slot parser and the whole-message commands: the failure classes of issue 13 (money
read from specs and model numbers, "not more than" read as a minimum, commands found
inside longer texts, a brand named for compatibility taken as a limit), in English and
Arabic."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.conf import settings

from brandkit.models import BrandAlias, BrandAliasKind
from intent_classifier.commands import command_match
from intent_classifier.slots import (
    budget,
    catalog_cache_clear,
    extract,
    order_number,
    order_reference,
    quantity,
    specs,
)
from intent_classifier.types import IntentName
from tests.factories import BrandFactory, CategoryFactory


def _limits(text: str) -> tuple[Decimal | None, Decimal | None]:
    low, high, _query = budget(text)
    return low, high


# --- budgets -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "high"),
    [
        ("not more than 1200", Decimal("1200")),
        ("not more than 1200 laptop", Decimal("1200")),
        ("no more than 1,200 usd", Decimal("1200")),
        ("need a phone charger, nothing over 20 usd", Decimal("20")),
        ("nothing over 20 usd", Decimal("20")),
        ("android phone not more than 300", Decimal("300")),
        ("tablet cheaper than 300", Decimal("300")),
        ("smartwatch up to 250$", Decimal("250")),
        ("600 max", Decimal("600")),
        ("i have 600 max for a tablet", Decimal("600")),
        ("أرخص من ٥٠٠", Decimal("500")),
        ("جوال أرخص من 300", Decimal("300")),
        ("بدي موبايل شاومي بأقل من ٨٠٠", Decimal("800")),
        ("سماعة بحوالي ٣٠٠", Decimal("300")),
        ("ما يزيد عن 300", Decimal("300")),
        ("لابتوب ما يزيد عن ١٠٠٠ دولار", Decimal("1000")),
        ("ابي جوال 1.2k ماكس", Decimal("1200")),
        ("يد اكس بوكس ما تزيد عن ٦٠", Decimal("60")),
        ("سماعة لا تزيد عن ١٢٠", Decimal("120")),
        ("سماعات ما تتعدى ٤٠", Decimal("40")),
        ("لابتوبات للشركة، حدودي ٢٨٠٠ للجهاز", Decimal("2800")),
        ("عايز لاب توب كويس ومش غالي، اقصى حاجة 800", Decimal("800")),
        ("تليفزيون 43 بوصة ما يزيدش عن 350", Decimal("350")),  # Egyptian "ش"
        # paying over refused: a maximum, though "فوق" alone is a minimum
        ("بدي آيفون برو بس ما بدي ادفع فوق الألف", Decimal("1000")),
        ("gaming laptop, don't want to pay more than 1300", Decimal("1300")),
        # Arabic "ب" glued to an amount after the product: about that price
        ("ماك بوك اير ب ٦٠٠", Decimal("600")),
        ("بغيت بيسي بورطابل للقراية، واش كاين شي حاجة ب 700؟", Decimal("700")),
    ],
)
def test_a_ceiling_phrase_is_a_maximum_and_never_a_minimum(text: str, high: Decimal) -> None:
    # when
    limits = _limits(text)
    # then
    assert limits == (None, high)


@pytest.mark.parametrize(
    ("text", "low"),
    [
        ("2000 dollars and above", Decimal("2000")),
        ("tv over 2000 dollars", Decimal("2000")),
        ("phone at least 1000$", Decimal("1000")),
        ("1000 and up", Decimal("1000")),
        ("٢٠٠٠ دولار وفوق", Decimal("2000")),
        ("لابتوب قوي سعره ٢٠٠٠ دولار وفوق", Decimal("2000")),
        ("على الأقل 300", Decimal("300")),
        ("جوال اندرويد فوق ٨٠٠ دولار", Decimal("800")),
        ("laptop not less than 1000 i want something powerful", Decimal("1000")),
        ("tv no less than 500", Decimal("500")),
        ("phone not under 700", Decimal("700")),
        ("لابتوب ما يقل عن ٤٠٠٠", Decimal("4000")),
        ("جوال ما ينزل عن ٥٠٠", Decimal("500")),
        ("جوال ما ينزلش عن الف", Decimal("1000")),
        # a maximum refused
        ("gaming laptop, i don't want anything under 1500", Decimal("1500")),
        ("لابتوب جيمنج قوي، مش عايز حاجة اقل من 1500", Decimal("1500")),
        ("ما ابي شي تحت ٣٠٠٠", Decimal("3000")),
    ],
)
def test_a_floor_phrase_is_a_minimum(text: str, low: Decimal) -> None:
    # when
    limits = _limits(text)
    # then
    assert limits == (low, None)


@pytest.mark.parametrize("text", ["ايفون ١٥ ب ٢٥٦", "تلفزيون سامسونج ب ٦٥"])
def test_a_size_glued_to_the_arabic_for_is_no_budget(text: str) -> None:
    # a storage or screen size written without its unit
    assert _limits(text) == (None, None)


@pytest.mark.parametrize(
    ("text", "high"),
    [
        ("camera for vlogging around 600", Decimal("600")),
        ("phone for about 1k", Decimal("1000")),
        ("laptop for my son, 1k budget", Decimal("1000")),
        ("i have 700 whats the best phone", Decimal("700")),
        ("كاميرا يوتيوب تقريبا ٦٠٠", Decimal("600")),
        ("معي ٧٠٠ وش احسن جوال", Decimal("700")),
        ("ساعة ذكية حوالي ٣٠٠", Decimal("300")),
    ],
)
def test_an_approximate_amount_or_what_the_shopper_has_is_a_ceiling(
    text: str, high: Decimal
) -> None:
    # when
    limits = _limits(text)
    # then
    assert limits == (None, high)


@pytest.mark.parametrize(
    "text",
    ["i have 2 kids and need a tablet", "about 2 years warranty?", "عندي 3 اسئلة", "what about 5g"],
)
def test_a_small_number_after_a_loose_cue_is_no_budget(text: str) -> None:
    # when
    limits = _limits(text)
    # then
    assert limits == (None, None)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("between 500 and 1000", Decimal("500"), Decimal("1000")),
        ("tv between 500 and 1000", Decimal("500"), Decimal("1000")),
        ("headphones from 100 to 200 dollars", Decimal("100"), Decimal("200")),
        ("500-800", Decimal("500"), Decimal("800")),
        ("gaming laptop 1.2k to 1.6k", Decimal("1200"), Decimal("1600")),
        ("بين ٥٠٠ و ١٠٠٠", Decimal("500"), Decimal("1000")),
        ("من 1000 الى 1500", Decimal("1000"), Decimal("1500")),
        ("لابتوب للشغل من ٦٠٠ لين ٩٠٠", Decimal("600"), Decimal("900")),
    ],
)
def test_a_range_gives_both_limits(text: str, low: Decimal, high: Decimal) -> None:
    # when
    limits = _limits(text)
    # then
    assert limits == (low, high)


@pytest.mark.parametrize(
    ("text", "high"),
    [
        ("camera under 1.5k", Decimal("1500")),
        ("budget two thousand", Decimal("2000")),
        ("laptop under fifteen hundred dollars", Decimal("1500")),
        ("ultrabook for under a thousand", Decimal("1000")),
        ("under twenty dollars", Decimal("20")),
        ("wireless mouse under twenty dollars", Decimal("20")),
        ("الفين", Decimal("2000")),
        ("لابتوب العاب تحت الفين دولار", Decimal("2000")),
        ("خمسين", Decimal("50")),
        ("سماعات بلوتوث اقل من خمسين دولار", Decimal("50")),
    ],
)
def test_amounts_in_words_and_shorthand_are_read_as_numbers(text: str, high: Decimal) -> None:
    # when
    limits = _limits(text)
    # then
    assert limits == (None, high)


def test_budget_words_are_cut_from_the_search_words() -> None:
    # when
    _low, _high, query = budget("not more than 1200 laptop")
    # then
    assert query == "laptop"


# --- specs and model numbers are never money -------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "256gb phone",
        "16gb ram laptop",
        "65 inch tv",
        "٦٥ بوصة",
        "جوال ٢٥٦ جيجا",
        "rtx 4060 laptop",
        "iphone 15",
        "galaxy s24",
        "4k tv",
        "5000mah power bank",
    ],
)
def test_a_spec_or_model_number_is_no_budget(text: str) -> None:
    # when
    limits = _limits(text)
    # then
    assert limits == (None, None)


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("256gb phone", "storage", "256gb"),
        ("16gb ram laptop", "ram", "16gb"),
        ("65 inch tv", "screen", "65inch"),
        ("٦٥ بوصة", "screen", "65بوصه"),
    ],
)
def test_a_spec_is_read_as_a_spec(text: str, kind: str, value: str) -> None:
    # when
    found = specs(text)
    # then
    assert found == {kind: value}


@pytest.mark.parametrize(
    ("text", "high"),
    [
        ("65 inch tv under 1000", Decimal("1000")),
        ("laptop 16gb ram under 900", Decimal("900")),
        ("4k tv less than 300 dollars", Decimal("300")),
        ("iphone 15 under 1000", Decimal("1000")),
        ("تلفزيون ٦٥ بوصة ما يزيد عن ١٥٠٠", Decimal("1500")),
    ],
)
def test_a_spec_next_to_a_budget_leaves_the_budget_alone(text: str, high: Decimal) -> None:
    # when
    limits = _limits(text)
    # then
    assert limits == (None, high)


@pytest.mark.parametrize("text", ["under 2 kg laptop", "laptop under 1.5 kg"])
def test_a_weight_is_no_budget(text: str) -> None:
    # when
    limits = _limits(text)
    # then
    assert limits == (None, None)


@pytest.mark.parametrize(
    "text",
    [
        "can you deliver within 2 days?",
        "up to 2 years warranty?",
        "headphones with over 8 hours battery",
    ],
)
def test_a_duration_is_no_budget(text: str) -> None:
    # when
    limits = _limits(text)
    # then
    assert limits == (None, None)


@pytest.mark.parametrize(
    "text", ["is the galaxy s24 in stock?", "is the ideapad slim 3 in stock?", "2 in 1 laptop"]
)
def test_the_preposition_in_is_no_screen_size(text: str) -> None:
    # when
    found = specs(text)
    # then
    assert found == {}


@pytest.mark.parametrize("text", ["laptop for two thousand dollars", "phone under two thousand"])
def test_an_amount_in_words_is_not_a_quantity(text: str) -> None:
    # when
    count = quantity(text)
    # then
    assert count is None


# --- order numbers -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "typed",
    [
        "{prefix} 20261128 42",
        "{prefix}-20261128-0042",
        "{lower}-20261128-42",
        "where is my order {lower}20261128-0042?",
        "وين طلبي {prefix}-٢٠٢٦١١٢٨-٤٢",
        "طلب رقم {lower} ٢٠٢٦١١٢٨ ٠٠٤٢",
    ],
)
def test_an_order_number_is_read_in_its_canonical_form(typed: str) -> None:
    # given
    prefix = settings.ORDER_NUMBER_PREFIX
    text = typed.format(prefix=prefix, lower=prefix.lower())
    # when
    number = order_number(text)
    # then
    assert number == f"{prefix}-20261128-0042"


@pytest.mark.parametrize("text", ["20261128 42", "my order is late", "iphone 15 256gb"])
def test_text_without_the_prefix_has_no_order_number(text: str) -> None:
    # when
    number = order_number(text)
    # then
    assert number is None


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("order 10234", "10234"),
        ("any update on order no. 20981?", "20981"),
        ("#10577 وش صار عليه؟", "10577"),
        ("طلب رقم ١٠٢٣٤", "10234"),
        ("رقم طلبي 10577", "10577"),
        ("i want to order a 20000mah power bank", None),
        ("order 2000 sar phone", None),
        ("ابي اطلب جوال بحدود 1000 ريال", None),
        ("iphone 15 #1", None),
    ],
)
def test_an_order_number_in_another_form_is_read_as_typed(text: str, reference: str | None):
    # when
    found = order_reference(text)
    # then: the customer's digits, never a price, a capacity or a short number
    assert found == reference


# --- whole-message commands ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "intent", "implied"),
    [
        ("menu", IntentName.MENU, {}),
        ("Menu!", IntentName.MENU, {}),
        ("القائمة", IntentName.MENU, {}),
        ("stop", IntentName.OPT_OUT, {}),
        ("STOP", IntentName.OPT_OUT, {}),
        ("english", IntentName.LANGUAGE, {"language": "en"}),
        ("بالعربي", IntentName.LANGUAGE, {"language": "ar"}),
        ("start over", IntentName.RESET, {}),
        ("Start over.", IntentName.RESET, {}),
        ("reset", IntentName.RESET, {}),
        ("ابدأ من جديد", IntentName.RESET, {}),
    ],
)
def test_a_whole_message_command_is_matched(text: str, intent: IntentName, implied: dict) -> None:
    # when
    matched = command_match(text)
    # then
    assert matched == (intent, implied)


@pytest.mark.parametrize(
    "text",
    [
        "how do I reset my earbuds?",
        "laptop with an arabic keyboard",
        "my address",
        "I want to change my address",
        "help me find a tablet",
        "stop sending me the same phone",
        "menu please show me phones",
        "كيف اعيد ضبط السماعة؟",
        "لابتوب بكيبورد عربي",
    ],
)
def test_a_command_word_inside_a_longer_message_is_no_command(text: str) -> None:
    # when
    matched = command_match(text)
    # then
    assert matched is None


# --- brands and category hints (read from the catalogue) -------------------------------------
@pytest.fixture
def catalogue(db) -> Iterator[None]:
    """Brands, categories and a product-line alias as the parser reads them."""
    catalog_cache_clear()
    apple = BrandFactory(slug="apple", name_en="Apple", name_ar="أبل")
    BrandFactory(slug="sony", name_en="Sony", name_ar="سوني")
    BrandFactory(slug="garmin", name_en="Garmin", name_ar="جارمن")
    BrandFactory(slug="samsung", name_en="Samsung", name_ar="سامسونج")
    BrandAlias.objects.create(brand=apple, alias="iphone", kind=BrandAliasKind.LINE)
    BrandAlias.objects.create(brand=apple, alias="ايفون", kind=BrandAliasKind.LINE)
    phones = CategoryFactory(slug="phones", name_en="Phones", name_ar="جوالات")
    CategoryFactory(slug="iphones", name_en="iPhones", name_ar="آيفون", parent=phones)
    laptops = CategoryFactory(slug="laptops", name_en="Laptops", name_ar="لابتوبات")
    CategoryFactory(
        slug="gaming-laptops", name_en="Gaming laptops", name_ar="لابتوبات ألعاب", parent=laptops
    )
    CategoryFactory(slug="tablets", name_en="Tablets", name_ar="تابلت")
    CategoryFactory(slug="chargers", name_en="Chargers", name_ar="شواحن")
    CategoryFactory(slug="cables", name_en="Cables", name_ar="كيابل")
    gaming = CategoryFactory(slug="gaming", name_en="Gaming", name_ar="الألعاب")
    CategoryFactory(slug="consoles", name_en="Consoles", name_ar="أجهزة ألعاب", parent=gaming)
    CategoryFactory(slug="cameras", name_en="Cameras", name_ar="كاميرات")
    CategoryFactory(slug="smartwatches", name_en="Smartwatches", name_ar="ساعات ذكية")
    CategoryFactory(slug="headphones", name_en="Headphones", name_ar="سماعات")
    CategoryFactory(slug="speakers", name_en="Speakers", name_ar="سبيكرات")
    yield
    catalog_cache_clear()


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("cable for ps5", "cables"),
        ("charger for iphone", "chargers"),
        ("iphone charger", "chargers"),
        ("شاحن للايفون", "chargers"),
        ("5g phone with a good camera", "phones"),
        ("gaming laptop", "gaming-laptops"),
        ("help me find a tablet", "tablets"),
        ("need help with choosing a tablet for calls", "tablets"),
        ("لابتوب العاب", "gaming-laptops"),
        ("which phone has the best camera", "phones"),
        ("does the samsung phone have a good camera?", "phones"),
        ("لابتوب بكيبورد عربي", "laptops"),
        ("ابي ابدا من جديد بجوال", "phones"),  # "with a phone", nothing else named
        ("type c cable fast charging 1m", "cables"),  # "charging" is a feature
        ("want a proper camera, not a phone", "cameras"),  # a type refused
        ("تابلت مو جوال", "tablets"),
        ("جوال ايفون ١٥", "iphones"),  # the sub-type named beside its type says which
        ("phone, an iphone if you have one", "iphones"),
        ("ساعة سامسونج", "smartwatches"),
        ("طلبت جوال قبل ساعة وابي الغيه", "phones"),  # an hour ago, not a watch
        ("شاحن يشحن الجوال خلال ساعتين", "chargers"),
        # games are also a use: beside another type they say what it is for
        ("هدية لاخوي يحب الالعاب على الكمبيوتر، ابي له لابتوب", "laptops"),
        # Maghrebi: a "PC portable" is a laptop, a "portable" alone a phone
        ("بغيت بيسي بورطابل للقراية", "laptops"),
        ("بغيت بورطابل سامسونج", "phones"),
        # the Gulf's "سماعة": a speaker where a speaker plays, headphones when worn
        ("سماعة للمجلس صوتها قوي", "speakers"),
        ("ابي سماعات للبحر والكشتات", "speakers"),
        ("سماعة للتلفزيون", "speakers"),
        ("سماعة تغطي اذني", "headphones"),
        ("سماعة للمجلس بس للالعاب بمايك", "headphones"),
        ("سماعة", "headphones"),
        ("need a wall plug for my iphone", "chargers"),
        ("something classy on the wrist that shows his messages", "smartwatches"),
    ],
)
def test_the_category_hint_is_the_head_of_the_phrase(catalogue, text: str, category: str) -> None:
    # when
    slots = extract(text)
    # then
    assert slots.get("category") == category


@pytest.mark.parametrize("text", ["charger for iphone", "شاحن للايفون"])
def test_a_brand_named_for_compatibility_is_no_brand_limit(catalogue, text: str) -> None:
    # when
    slots = extract(text)
    # then
    assert slots.get("brand_for") == "apple"
    assert "brand" not in slots


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("شي يشحن جوالي بالسفر", None),  # what it charges is not what is asked for
        ("شاحن يشحن الجوال بسرعة", "chargers"),
        ("something to charge my phone", None),
    ],
)
def test_what_a_product_charges_or_protects_is_not_the_type_asked_for(
    catalogue, text: str, category: str | None
) -> None:
    # when
    slots = extract(text)
    # then
    assert slots.get("category") == category


@pytest.mark.parametrize(
    ("text", "limits"),
    [
        ("تلفزيون سامسونج بين ألفين وثلاث آلاف", (Decimal("2000"), Decimal("3000"))),
        ("جوال بين الف والفين", (Decimal("1000"), Decimal("2000"))),
    ],
)
def test_a_range_in_arabic_words_keeps_its_and(text: str, limits: tuple) -> None:
    # "وثلاث آلاف": the glued "and" joins the range, it is not eaten with the amount
    assert _limits(text) == limits


def test_an_english_plural_shares_its_topic_word_with_the_singular() -> None:
    from recos.language import content_stems

    assert content_stems("how many branches do you have") & content_stems("a branch in jeddah")
    assert "battery" in content_stems("spare batteries")
    assert "wireless" in content_stems("wireless earbuds")


def test_a_brand_after_for_with_the_product_type_is_the_products_brand(catalogue) -> None:
    # when: nothing before "for" names a type: what follows it is the product
    slots = extract("between 800 and 1000 for a samsung gaming laptop")
    # then
    assert slots.get("brand") == "samsung" and "brand_for" not in slots
    assert slots.get("category") == "gaming-laptops"


@pytest.mark.parametrize("text", ["gamming laptop", "gaming lapptop under 900"])
def test_a_misspelt_word_of_a_type_of_several_words_is_put_right(catalogue, text) -> None:
    # when
    slots = extract(text)
    # then
    assert slots.get("category") == "gaming-laptops"


def test_a_category_word_is_never_corrected_to_a_brand(catalogue) -> None:
    # when: "gaming" is two letters from "garmin"
    slots = extract("gaming laptop")
    # then
    assert "brand" not in slots


def test_a_misspelt_brand_is_recognised(catalogue) -> None:
    # when
    slots = extract("sonny camera")
    # then
    assert (slots.get("brand"), slots.get("category")) == ("sony", "cameras")


def test_a_short_word_two_letters_from_a_brand_is_no_brand(catalogue) -> None:
    # given: a brand of six letters the shop knows
    BrandFactory(slug="baseus", name_en="Baseus", name_ar="باسيوس")
    catalog_cache_clear()
    # when: "bass" is two letters short of "baseus"
    slots = extract("speaker with deep bass 200-300")
    # then: no brand limit
    assert "brand" not in slots


def test_a_misspelt_product_type_is_recognised(catalogue) -> None:
    # when
    slots = extract("lapotp")
    # then
    assert slots.get("category") == "laptops"


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("compare iphone 15 and galaxy s24", ["iphone 15", "galaxy s24"]),
        ("macbook air m2 or m3 whats the difference", ["macbook air m2", "macbook air m3"]),
        ("iphone 15 vs galaxy s24 which one is better", ["iphone 15", "galaxy s24"]),
        ("وش الفرق بين بلايستيشن ٥ والاكس بوكس", ["بلايستيشن 5", "الاكس بوكس"]),
        ("ماك بوك اير M2 ولا M3 وش الفرق", ["ماك بوك اير m2", "ماك بوك اير m3"]),
        ("وش الفرق بين بلايستيشن ٥ واكس بوكس؟", ["بلايستيشن 5", "اكس بوكس"]),  # "and" glued
        ("قارن بين ايفون ١٥ وجالكسي S24", ["ايفون 15", "جالكسي s24"]),
        ("وش الفرق بين الوانه", []),  # "و" inside a word is no "and"
        ("وش احسن جوال عندكم بين ١٠٠٠ و ٢٠٠٠؟", []),  # a budget's "and"
        ("what's the difference", []),
        ("iphone 15 and a case", []),
    ],
)
def test_the_products_a_comparison_names(text: str, parts: list[str]) -> None:
    # when / then
    from intent_classifier.slots import compared

    assert compared(text) == parts


@pytest.mark.parametrize("text", ["what brands do you have", "brands"])
def test_a_common_word_is_not_read_as_a_misspelt_short_name(catalogue, text) -> None:
    # given: "band" names smartwatches; "brands" is two letters longer
    CategoryFactory(slug="fitness-bands", name_en="Band", name_ar="سوار")
    catalog_cache_clear()
    # when
    slots = extract(text)
    # then
    assert "category" not in slots


@pytest.mark.parametrize(
    ("text", "newest"),
    [
        ("what's new?", True),
        ("any new arrivals under 100", True),
        ("وش الجديد عندكم؟", True),
        ("احدث المنتجات", True),
        ("new iphone 15", False),
        ("is it new or used", False),
    ],
)
def test_asking_what_is_new_is_read(catalogue, text: str, newest: bool) -> None:
    # when
    slots = extract(text)
    # then
    assert bool(slots.get("newest")) is newest


@pytest.mark.parametrize(
    ("text", "brand", "brand_for"),
    [
        ("laptop for office work, samsung maybe", "samsung", None),
        ("charger for iphone, sony if you have", "sony", "apple"),
    ],
)
def test_a_comma_ends_what_a_brand_is_for(catalogue, text: str, brand, brand_for) -> None:
    # when
    slots = extract(text)
    # then: the brand after the comma is the product's own
    assert slots.get("brand") == brand
    assert slots.get("brand_for") == brand_for


@pytest.mark.parametrize(
    ("text", "brand"), [("not apple, samsung please", "samsung"), ("any phone but not apple", None)]
)
def test_a_brand_refused_is_no_brand_limit(catalogue, text: str, brand) -> None:
    # when
    slots = extract(text)
    # then: only the brand wanted limits the search
    assert slots.get("brand") == brand


@pytest.mark.parametrize(
    ("text", "generic"),
    [
        ("want to send back the laptop i bought", "want to send back the item i bought"),
        ("ايش الخطوات عشان ارجع اللابتوب", "ايش الخطوات عشان ارجع المنتج"),
        ("تغلفون التابلت كهديه؟", "تغلفون المنتج كهديه؟"),  # normalised: ه for ة
        ("شاحن للايفون", "منتج للمنتج"),  # the clitic kept
        ("كم ساعه يوصل الطلب", "كم ساعه يوصل الطلب"),  # an hour is no watch
    ],
)
def test_a_shop_question_read_with_its_products_made_generic(catalogue, text, generic) -> None:
    from intent_classifier.slots import products_made_generic

    assert products_made_generic(text) == generic


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("sony for my iphone", None),  # only the device named: no type it sets
        ("ابي سوني للايفون", None),
        ("sony headphones for my iphone", "headphones"),
    ],
)
def test_a_brand_before_for_makes_the_product_not_the_device_it_is_for(
    catalogue, text, category
) -> None:
    # when
    slots = extract(text)
    # then: that brand's product
    assert slots.get("brand") == "sony"
    assert slots.get("category") == category


@pytest.mark.parametrize(
    ("text", "high"),
    [("twelve hundred for a macbook air, what can i get", Decimal("1200"))],
)
def test_an_amount_for_a_product_is_its_budget(text, high) -> None:
    assert _limits(text) == (None, high)
