"""Free text through the real webhook, the engine and the fake Graph API: one test per
failure class of issue 13 (a support question mid-checkout, "reset" and "arabic" inside
longer messages, "help me find …", "add" inside "address", budgets read backwards,
headings that claim a limit the products break, a product named by model, a question
nobody can answer, the plain menu).

Product and FAQ embeddings are trained for each test's small catalogue with the
project's own local encoder, as the recos and helpdesk tests do."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from conversation_log.models import Chat
from helpdesk import embeddings as faq_embeddings
from helpdesk.embeddings import faq_embeddings_train
from helpdesk.models import FAQ, FAQVariant, UnansweredQuestion
from intent_classifier.slots import catalog_cache_clear
from inventory.models import Product
from orders.selectors import cart_items
from orders.services import cart_add_item
from recos import index
from recos.training import embeddings_train_products
from tests.factories import (
    BrandFactory,
    CategoryFactory,
    ChatFactory,
    CustomerFactory,
    FAQFactory,
    PaymentOptionFactory,
    ProductFactory,
    ShippingOptionFactory,
)
from users.models import Customer
from wa_gateway.tests import payloads
from wa_gateway.tests.fixtures import graph, post_webhook  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

WA_ID = "966530000013"


@pytest.fixture(autouse=True)
def _fresh_indexes(monkeypatch: pytest.MonkeyPatch, settings) -> Iterator[None]:
    """No LLM (the local classifier decides), and no brand names, product matrix or FAQ
    matrix kept from another test's rows."""
    settings.OPENAI_API_KEY = ""
    settings.LLM_PROVIDER = "openai"
    monkeypatch.setattr(index, "VERSION_CHECK_SECONDS", 0.0)
    monkeypatch.setattr(index, "DELTA_CHECK_SECONDS", 0.0)
    monkeypatch.setattr(index, "SAFETY_CHECK_SECONDS", 0.0)
    catalog_cache_clear()
    index.index_invalidate()
    faq_embeddings.faq_matrix.invalidate()
    yield
    catalog_cache_clear()
    index.index_invalidate()
    faq_embeddings.faq_matrix.invalidate()


@pytest.fixture
def shop() -> dict[str, Product]:
    """A small catalogue with trained product and FAQ embeddings."""
    samsung = BrandFactory(slug="samsung", name_en="Samsung", name_ar="سامسونج")
    apple = BrandFactory(slug="apple", name_en="Apple", name_ar="أبل")
    lenovo = BrandFactory(slug="lenovo", name_en="Lenovo", name_ar="لينوفو")
    anker = BrandFactory(slug="anker", name_en="Anker", name_ar="انكر")
    phones = CategoryFactory(slug="phones", name_en="Phones", name_ar="جوالات")
    android = CategoryFactory(
        slug="android-phones", name_en="Android phones", name_ar="جوالات أندرويد", parent=phones
    )
    laptops = CategoryFactory(slug="laptops", name_en="Laptops", name_ar="لابتوبات")
    tablets = CategoryFactory(slug="tablets", name_en="Tablets", name_ar="تابلت")
    cables = CategoryFactory(slug="cables", name_en="Cables", name_ar="كيابل")
    earbuds = CategoryFactory(
        slug="wireless-earbuds", name_en="Wireless earbuds", name_ar="سماعات لاسلكية"
    )

    def product(sku: str, brand, category, name_en: str, name_ar: str, price: str) -> Product:
        return ProductFactory(
            sku=sku,
            brand=brand,
            category=category,
            name_en=name_en,
            name_ar=name_ar,
            description_en=f"{name_en}.",
            description_ar=f"{name_ar}.",
            price=Decimal(price),
            stock=5,
        )

    products = {
        "s24": product(
            "GAL-S24", samsung, android, "Samsung Galaxy S24", "سامسونج جالكسي S24", "899.00"
        ),
        "a15": product(
            "GAL-A15", samsung, android, "Samsung Galaxy A15", "سامسونج جالكسي A15", "199.00"
        ),
        "ideapad": product(
            "LEN-IDEA3", lenovo, laptops, "Lenovo IdeaPad Slim 3 laptop", "لابتوب لينوفو", "899.00"
        ),
        "thinkpad": product(
            "LEN-E14", lenovo, laptops, "Lenovo ThinkPad E14 laptop", "لابتوب ثينك باد", "1199.00"
        ),
        "macbook": product(
            "APL-MBA13", apple, laptops, "Apple MacBook Air 13 laptop", "ماك بوك إير", "1299.00"
        ),
        "legion": product(
            "LEN-LEG5", lenovo, laptops, "Lenovo Legion 5 gaming laptop", "لابتوب ليجن", "1799.00"
        ),
        "tab_a9": product(
            "TAB-A9", samsung, tablets, "Samsung Galaxy Tab A9 tablet", "تابلت جالكسي", "199.00"
        ),
        "ipad": product("TAB-IPAD10", apple, tablets, "Apple iPad 10 tablet", "ايباد", "449.00"),
        "cable": product(
            "CBL-USBC", anker, cables, "Anker USB-C cable", "كيبل انكر تايب سي", "15.00"
        ),
        "buds": product(
            "BUD-FE", samsung, earbuds, "Samsung Galaxy Buds FE earbuds", "سماعات بودز", "99.00"
        ),
    }
    FAQFactory(
        topic="returns",
        question_en="What is your return policy?",
        question_ar="ما هي سياسة الإرجاع؟",
        answer_en="You can return items within 14 days.",
        answer_ar="يمكنك إرجاع المنتجات خلال 14 يوماً.",
    )
    FAQFactory(
        topic="stock",
        question_en="How do I know if a product is in stock?",
        question_ar="كيف اعرف ان المنتج متوفر؟",
        answer_en="Every product card shows its stock.",
        answer_ar="كل بطاقة منتج تعرض المخزون.",
    )
    FAQFactory(
        topic="delivery",
        question_en="How long does delivery take?",
        question_ar="كم تستغرق مدة التوصيل؟",
        answer_en="Standard delivery takes 2-4 business days.",
        answer_ar="التوصيل العادي يستغرق من 2 إلى 4 أيام عمل.",
    )
    embeddings_train_products()
    faq_embeddings_train()
    return products


def _customer(**extra: Any) -> Customer:
    return CustomerFactory(wa_id=WA_ID, last_inbound_at=timezone.now(), **extra)


def _chat() -> Chat:
    return Chat.objects.get(customer__wa_id=WA_ID)


def _say(post_webhook, text: str) -> None:  # noqa: F811
    post_webhook(payloads.text_message(WA_ID, text))


def _body(send: dict[str, Any]) -> str:
    if send["type"] == "text":
        return send["text"]["body"]
    return send["interactive"]["body"]["text"]


def _button_ids(send: dict[str, Any]) -> list[str]:
    if send["type"] != "interactive" or send["interactive"]["type"] != "button":
        return []
    return [b["reply"]["id"] for b in send["interactive"]["action"]["buttons"]]


def _row_ids(send: dict[str, Any]) -> list[str]:
    if send["type"] != "interactive" or send["interactive"]["type"] != "list":
        return []
    sections = send["interactive"]["action"]["sections"]
    return [row["id"] for section in sections for row in section["rows"]]


def _products_listed(send: dict[str, Any]) -> list[Product]:
    skus = [row.removeprefix("prd:") for row in _row_ids(send) if row.startswith("prd:")]
    found = Product.objects.in_bulk(skus, field_name="sku")
    return [found[sku] for sku in skus]


# --- a support question mid-checkout ------------------------------------------------------
@pytest.mark.parametrize("question", ["how do I reset my earbuds?", "كيف اعيد ضبط السماعة؟"])
def test_a_how_to_question_at_the_name_step_keeps_the_checkout(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
    question,
):
    # given: an item in the cart and checkout started, the name asked for
    customer = _customer()
    ShippingOptionFactory(code="std")
    PaymentOptionFactory(code="cod")
    cart_add_item(customer=customer, product=shop["buds"], quantity=1)
    post_webhook(payloads.button_reply(WA_ID, "checkout:start", "Checkout"))
    key = _chat().context["checkout"]["key"]
    # when
    _say(post_webhook, question)
    # then
    chat = _chat()
    assert chat.state == "checkout"
    assert chat.context["checkout"]["key"] == key
    assert chat.context["checkout"]["step"] == "name"
    reply = graph.sends[-1]
    assert "start over" not in _body(reply).lower()
    assert "reset:yes" not in _button_ids(reply)
    assert "human" in _button_ids(reply)  # not sure, or an FAQ: a person is offered


# --- reset --------------------------------------------------------------------------------
def test_reset_as_the_whole_message_clears_the_context(post_webhook, graph, shop):  # noqa: F811
    # given
    ChatFactory(
        customer=_customer(),
        state="assistant",
        context={"search": {"q": "laptop"}, "last_results": ["LEN-IDEA3"]},
        last_activity_at=timezone.now(),
    )
    # when
    _say(post_webhook, "reset")
    # then
    assert _chat().context == {}
    assert "reset:yes" not in _button_ids(graph.sends[-1])  # done, not asked


@pytest.mark.parametrize("text", ["let's start over please", "ابي ابدأ من جديد لو سمحت"])
def test_a_guess_at_reset_in_a_longer_message_only_asks_to_confirm(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
    text,
):
    # given
    context = {"search": {"q": "laptop"}, "last_results": ["LEN-IDEA3"]}
    ChatFactory(
        customer=_customer(), state="assistant", context=context, last_activity_at=timezone.now()
    )
    # when
    _say(post_webhook, text)
    # then
    assert "reset:yes" in _button_ids(graph.sends[-1])
    assert _chat().context == context


# --- a language named inside a longer message ---------------------------------------------
def test_arabic_inside_a_product_request_does_not_switch_the_language(post_webhook, graph, shop):  # noqa: F811
    # given
    _customer(language="en")
    # when
    _say(post_webhook, "laptop with an arabic keyboard")
    # then
    assert Customer.objects.get(wa_id=WA_ID).language == "en"
    body = _body(graph.sends[-1])
    assert "I will talk to you in" not in body
    assert "Choose your language" not in body


# --- "help me find …" ---------------------------------------------------------------------
@pytest.mark.parametrize("text", ["help me find a tablet", "ساعدني القى تابلت"])
def test_help_me_find_a_tablet_shows_tablets_not_the_help_menu(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
    text,
):
    # given
    _customer()
    # when
    _say(post_webhook, text)
    # then
    listed = _products_listed(graph.sends[-1])
    assert listed
    assert listed[0].category.slug == "tablets"


# --- "add" inside a word ------------------------------------------------------------------
@pytest.mark.parametrize("text", ["my address", "I want to change my address", "paddle"])
def test_add_inside_a_word_adds_nothing_to_the_cart(post_webhook, graph, shop, text):  # noqa: F811
    # given: a product was just shown, so an add would have something to add
    customer = _customer()
    ChatFactory(
        customer=customer,
        state="assistant",
        context={"last_product": "GAL-S24", "last_results": ["GAL-S24"]},
        last_activity_at=timezone.now(),
    )
    # when
    _say(post_webhook, text)
    # then
    assert cart_items(customer=customer) == []
    assert "Added" not in _body(graph.sends[-1])


# --- budgets and the headings over them ---------------------------------------------------
@pytest.mark.parametrize("text", ["not more than 1200 laptop", "لابتوب ما يزيد عن ١٢٠٠"])
def test_not_more_than_lists_only_products_within_the_maximum(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
    text,
):
    # given
    _customer()
    # when
    _say(post_webhook, text)
    # then
    listed = _products_listed(graph.sends[-1])
    assert listed
    assert all(p.price <= Decimal("1200") for p in listed)


def test_a_budget_below_every_tablet_says_nothing_matches_and_shows_the_cheapest(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
):
    # given: the cheapest tablet is 199; a 15.00 cable is under the budget
    _customer()
    # when
    _say(post_webhook, "tablet under 100")
    # then
    reply = graph.sends[-1]
    body = _body(reply)
    assert not body.startswith("Here is what I found")
    assert "Nothing matches" in body
    listed = _products_listed(reply)
    assert listed[0].sku == "TAB-A9"
    assert all(p.category.slug == "tablets" for p in listed)


# --- a product named by model -------------------------------------------------------------
def test_a_question_naming_a_model_gets_that_products_card(post_webhook, graph, shop):  # noqa: F811
    # given: an FAQ about stock exists and must not answer it
    _customer()
    # when
    _say(post_webhook, "is the galaxy s24 in stock?")
    # then
    reply = graph.sends[-1]
    assert {"add:GAL-S24", "oos:GAL-S24"} & set(_button_ids(reply))
    assert "Every product card shows its stock" not in _body(reply)


def test_a_question_naming_a_one_digit_model_gets_that_products_card(post_webhook, graph, shop):  # noqa: F811
    # given
    _customer()
    # when
    _say(post_webhook, "is the ideapad slim 3 in stock?")
    # then
    assert "add:LEN-IDEA3" in _button_ids(graph.sends[-1])


def test_a_shop_question_with_a_number_gets_no_product_card(post_webhook, graph, shop):  # noqa: F811
    # given: a product whose name holds the number 10
    _customer()
    # when
    _say(post_webhook, "can I return it in 10 days?")
    # then
    buttons = _button_ids(graph.sends[-1])
    assert not [b for b in buttons if b.startswith(("add:", "oos:"))]
    assert "human" in buttons


# --- a question nobody can answer ---------------------------------------------------------
def test_an_unanswerable_question_is_not_sure_and_offers_a_person(post_webhook, graph, shop):  # noqa: F811
    # given
    _customer()
    # when
    _say(post_webhook, "do you repair drones?")
    # then
    reply = graph.sends[-1]
    assert "human" in _button_ids(reply)
    assert _row_ids(reply) == []
    assert not _body(reply).startswith("*")  # not an FAQ answer ("*question*\nanswer")
    (question,) = UnansweredQuestion.objects.all()
    assert (question.text, question.count) == ("do you repair drones?", 1)


def test_asking_the_unanswerable_question_again_counts_it_again(post_webhook, graph, shop):  # noqa: F811
    # given
    _customer()
    _say(post_webhook, "do you repair drones?")
    # when
    _say(post_webhook, "Do you repair drones")
    # then
    (question,) = UnansweredQuestion.objects.all()
    assert question.count == 2


# --- the plain menu -----------------------------------------------------------------------
@pytest.mark.parametrize("text", ["menu", "القائمة"])
def test_menu_shows_the_main_menu(post_webhook, graph, shop, text):  # noqa: F811
    # given
    _customer()
    # when
    _say(post_webhook, text)
    # then
    reply = graph.sends[-1]
    assert _button_ids(reply) == ["browse", "cart:view", "help"]
    assert "found nothing" not in _body(reply)


# --- deals keep what was asked --------------------------------------------------------------
def test_deals_on_a_type_under_a_budget_list_only_the_deals_that_keep_them(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
):
    # given: a laptop and a tablet on sale, and a laptop on sale above the budget
    for key, was in (("ideapad", "999.00"), ("tab_a9", "249.00"), ("thinkpad", "1399.00")):
        Product.objects.filter(pk=shop[key].pk).update(compare_at_price=Decimal(was))
    _customer()
    # when
    _say(post_webhook, "any deals on laptops under 1000?")
    # then
    assert [p.sku for p in _products_listed(graph.sends[-1])] == ["LEN-IDEA3"]


@pytest.mark.parametrize(
    ("text", "answered"), [("any discount for students", True), ("any deals today", False)]
)
def test_a_kind_of_discount_an_faq_answers_is_not_todays_deals(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
    text,
    answered,
):
    # given: a laptop on sale and the student-discount FAQ
    Product.objects.filter(pk=shop["ideapad"].pk).update(compare_at_price=Decimal("999.00"))
    _trained_faq(
        topic="student",
        question_en="Do you have a student discount?",
        question_ar="هل لديكم خصم للطلاب؟",
        answer_en="Students get 5% off laptops with a valid student ID.",
        answer_ar="للطلاب خصم 5% على اللابتوبات مع بطاقة طالب سارية.",
        english=("is there a student discount", "discount for university students"),
    )
    _customer()
    # when
    _say(post_webhook, text)
    # then: the FAQ for students; today's deals otherwise
    reply = graph.sends[-1]
    assert ("student ID" in _body(reply)) is answered
    assert bool(_products_listed(reply)) is not answered


def test_deals_with_none_that_keep_the_limits_fall_back_to_the_search(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
):
    # given: only a tablet on sale
    Product.objects.filter(pk=shop["tab_a9"].pk).update(compare_at_price=Decimal("249.00"))
    _customer()
    # when
    _say(post_webhook, "deals on laptops under 1000")
    # then: the laptop that keeps the budget at full price, never the tablet on sale
    listed = _products_listed(graph.sends[-1])
    assert listed and all(p.category.slug == "laptops" and p.price <= 1000 for p in listed)


# --- a shop question that mentions a type -------------------------------------------------
@pytest.mark.parametrize(
    "text",
    ["if i order a laptop today when will it get to me?", "لو طلبت لابتوب اليوم متى يوصلني؟"],
)
def test_a_shop_question_naming_a_type_gets_the_faq_not_a_search(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
    text,
):
    # given: the delivery FAQ with the shop's usual ways of asking it
    delivery = FAQ.objects.get(question_en="How long does delivery take?")
    FAQVariant.objects.create(
        faq=delivery, language="en", text="when will it reach me if i order today"
    )
    FAQVariant.objects.create(faq=delivery, language="ar", text="لو طلبت اليوم متى يوصلني")
    faq_embeddings_train()
    _customer()
    # when
    _say(post_webhook, text)
    # then: the delivery answer, no product list
    reply = graph.sends[-1]
    assert _row_ids(reply) == []
    assert _body(reply).startswith("*") and "2" in _body(reply)


def _trained_faq(
    *, english: tuple[str, ...] = (), arabic: tuple[str, ...] = (), **fields: str
) -> FAQ:
    """An FAQ with more ways of asking it, its embeddings trained."""
    faq = FAQFactory(**fields)
    for language, wordings in (("en", english), ("ar", arabic)):
        for wording in wordings:
            FAQVariant.objects.create(faq=faq, language=language, text=wording)
    faq_embeddings_train()
    return faq


def _damaged_item_faq(*more: tuple[str, str]) -> None:
    """The damaged-item FAQ with the shop's usual ways of saying it (and `more`), trained."""
    damaged = FAQFactory(
        topic="damaged",
        question_en="My item arrived damaged, what should I do?",
        question_ar="وصلني المنتج تالف، ماذا أفعل؟",
        answer_en="Send us a photo within 48 hours and we replace it.",
        answer_ar="أرسل لنا صورة خلال 48 ساعة ونستبدله.",
    )
    for language, wording in [
        ("en", "the screen came cracked"),
        ("en", "the box was crushed and the item is damaged"),
        ("ar", "الشاشة وصلت مكسورة"),
        ("ar", "المنتج جاني تالف"),
        *more,
    ]:
        FAQVariant.objects.create(faq=damaged, language=language, text=wording)
    faq_embeddings_train()


def test_a_complaint_naming_a_brand_gets_a_much_closer_faq_not_a_search(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
):
    # given: the damaged-item FAQ with the shop's usual ways of saying it
    _damaged_item_faq(("en", "my earbuds arrived broken, what do i do"))
    _customer()
    # when: it names a brand, which makes it a product question unless an FAQ is much
    # closer than usual
    _say(post_webhook, "my samsung earbuds arrived broken, what do i do?")
    # then: the damaged-item answer, no product list
    reply = graph.sends[-1]
    assert _row_ids(reply) == []
    assert "48" in _body(reply)


def test_a_product_question_no_faq_answers_is_searched(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
):
    # given
    _customer()
    # when: a brand and a type, asked as a question no FAQ answers
    _say(post_webhook, "does the anker cable charge fast?")
    # then: the catalogue answers, not "I do not have an answer"
    skus = [p.sku for p in _products_listed(graph.sends[-1])]
    body = _body(graph.sends[-1])
    assert "CBL-USBC" in skus or "CBL-USBC" in str(graph.sends[-1]) or "Anker" in body


def test_an_unsure_shop_question_naming_a_type_tries_the_faq_at_its_usual_distance():
    # given: the classifier's best (unsure) reading is a shop question; a type is named
    from dialog_engine.state_router import FAQ_OVERRIDE, FAQ_TRY, route_text
    from intent_classifier.types import IntentName
    from intent_classifier.understanding import Understanding

    asked = Understanding(
        "when does a laptop arrive?",
        "when does a laptop arrive",
        IntentName.FAQ,
        0.45,
        {"category": "laptops"},
        question=True,
    )
    limited = Understanding(
        "laptop under 500?",
        "laptop under 500",
        IntentName.FAQ,
        0.45,
        {"category": "laptops", "budget_max": Decimal("500")},
        question=True,
    )
    # then: the FAQ first at its usual distance, then the search; a price limit is a
    # product question, which the FAQ may take only when much closer
    assert route_text(asked)[:2] == [("faq_answer", FAQ_TRY), ("search", "")]
    assert route_text(limited)[:2] == [("faq_answer", FAQ_OVERRIDE), ("search", "")]


def test_an_unsure_message_gets_the_searchs_last_guess_before_being_asked_back():
    from dialog_engine.state_router import FAQ_TRY, SEARCH_GUESS, route_text
    from intent_classifier.types import IntentName
    from intent_classifier.understanding import Understanding

    unsure = Understanding(
        "جدتي تبي تسمع القرآن في غرفتها", "جدتي تبي تسمع القران في غرفتها", IntentName.FAQ, 0.3
    )
    # then: the search, a close FAQ, the search's guess at the use, then the question back
    assert route_text(unsure) == [
        ("search", ""),
        ("faq_answer", FAQ_TRY),
        ("search", SEARCH_GUESS),
        ("clarify", ""),
    ]


def test_a_sure_shop_question_asking_for_a_type_the_shop_has_falls_back_to_the_search():
    # given: the classifier sure it is a shop question, "do you have …" about a type
    from dialog_engine.state_router import FAQ_TRY, route_text
    from intent_classifier.types import IntentName
    from intent_classifier.understanding import Understanding

    asked = Understanding(
        "شاحن سيارة للجوال عندكم؟",
        "شاحن سياره للجوال عندكم؟",
        IntentName.FAQ,
        0.69,
        {"category": "chargers"},
        question=True,
        stocked=True,
    )
    # then: a close FAQ, else the chargers (never "not sure" about a type on the shelf)
    assert route_text(asked)[:2] == [("faq_answer", FAQ_TRY), ("search", "")]


@pytest.mark.parametrize(
    ("intent", "first"),
    [
        # "is it too late to cancel?": the policy, whose answer says how, at its usual distance
        ("cancel_order", "try"),
        # "does it support arabic?": only a much closer FAQ, else the language switch asked
        ("language", "override"),
    ],
)
def test_a_question_about_an_action_tries_the_faq_first(intent, first):
    from dialog_engine.state_router import route_text
    from intent_classifier.types import IntentName
    from intent_classifier.understanding import Understanding

    asked = Understanding("…?", "…?", IntentName(intent), 0.8, {}, question=True)
    assert route_text(asked)[0] == ("faq_answer", first)


# --- after the sale: the product named is the customer's --------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "the laptop i got has a cracked screen",  # no "?", a type
        "my galaxy s24 arrived with a cracked screen",  # a brand and a model
        "وصلني جوال شاشته مكسورة",
        "الجوال وصلني مكسور",  # a type only, nothing asked
    ],
)
def test_a_complaint_about_a_product_received_gets_the_faq_not_a_search(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
    text,
):
    # given: the damaged-item FAQ with the shop's usual ways of saying it
    _damaged_item_faq(
        ("en", "the screen was cracked when it arrived"), ("ar", "وصلني الجهاز مكسور")
    )
    _customer()
    # when: it names what the customer received, without asking anything
    _say(post_webhook, text)
    # then: the damaged-item answer, not a list of more laptops or phones
    reply = graph.sends[-1]
    assert _row_ids(reply) == []
    assert "48" in _body(reply)


@pytest.mark.parametrize(
    ("text", "flag", "expected"),
    [
        # after_sale: what was bought or delivered
        ("ordered a jbl speaker and got some earbuds instead", "after_sale", True),
        ("the laptop i got has a cracked screen", "after_sale", True),
        ("وصلني جوال غير اللي طلبته", "after_sale", True),
        ("jbl speaker under 200", "after_sale", False),
        ("when did the new iphone come out", "after_sale", False),
        ("ابي جوال سامسونج", "after_sale", False),
        # restock: when something sold out comes back
        ("the s24 is out of stock, when will it be back?", "restock", True),
        ("sold out, will you restock?", "restock", True),
        ("الايفون خلصان متى يتوفر؟", "restock", True),
        ("is the galaxy s24 in stock?", "restock", False),
        ("ابي ايفون متوفر", "restock", False),
        # service: a service asked of the shop for a device
        ("can you repair my ps4, it won't turn on", "service", True),
        ("can you unlock an icloud locked iphone", "service", True),
        ("can you move my whatsapp chats to the new phone", "service", True),
        ("i want 200 chargers wholesale", "service", True),
        ("تغيرون بطارية الايفون؟", "service", True),
        ("تصلحون شاشات الجوالات؟", "service", True),
        ("تقدرون تنقلون بياناتي للجوال الجديد؟", "service", True),
        ("متى تفتحون؟", "service", False),  # opening hours
        ("unlocked iphone 15", "service", False),  # a product's attribute
        ("tv wall mount", "service", False),
        ("replacement strap for apple watch", "service", False),
        ("can you change my delivery address", "service", False),
        # complaint: a fault with what was bought or delivered
        ("my speaker arrived with a big dent on the side", "complaint", True),
        ("you sent me a type c cable but i ordered lightning", "complaint", True),
        ("الجوال وصلني مكسور", "complaint", True),
        ("i bought an iphone last week, need a case for it", "complaint", False),
        ("broken screen protector for iphone", "complaint", False),  # nothing bought
        ("my earbuds stopped working", "complaint", True),  # the customer's own
        # what came is not what was ordered, the subject dropped as chat does
        ("ordered black airpods max and got silver ones", "complaint", True),
        ("طلبت سماعة سودا وجتني بيضا", "complaint", True),
        ("الطلب وصل تالف", "complaint", True),
        ("ordered a phone and got it yesterday, how do i set it up", "complaint", False),
        ("طلبت جوال وجاني امس", "complaint", False),
        # after_sale: a return made
        ("رجعت الايباد من اسبوع ولين الحين ما نزل الفلوس، كم ياخذ؟", "after_sale", True),
        ("i returned the earbuds last week, where is my refund?", "after_sale", True),
        # pays: a question naming a way to pay
        ("can i buy the macbook with tabby", "pays", True),
        ("اقدر اشتري اللابتوب بتابي؟", "pays", True),
        ("iphone 16 cash on delivery?", "pays", True),
        ("فيه تقسيط على البلايستيشن؟", "pays", True),
        ("laptop with tabby", "pays", False),  # nothing asked: the laptops
        ("call of duty for ps5?", "pays", False),
        # pays: a price elsewhere, for the shop to match
        ("noon is selling the same ps5 for less, can you match that?", "pays", True),
        ("extra has it 200 cheaper, will you beat that price?", "pays", True),
        ("is the extra battery included?", "pays", False),
        ("ابي اقسط اللابتوب على تمارا او تابي", "pays", True),  # how one wants to pay
        # question: dialect question words anywhere
        ("واش كتصيفطو للمغرب", "question", True),
        ("بدي اطلب شاحن بس قديش بياخد وقت ليوصل عالرياض", "question", True),
        ("ابي اهدي سماعة لخويي تقدرون تغلفونها كهدية", "question", True),
        # how_to: what to do about it
        ("the screen came cracked, what should i do?", "how_to", True),
        ("بدي رجع السماعه، شو لازم اعمل", "how_to", True),
        ("الجهاز وقف، اعمل ايه؟", "how_to", True),
        ("ما اعمل شي فيه غير يوتيوب", "how_to", False),  # "ما" is "not" here
        # service: software put on a device, a Maghrebi or Levantine request
        ("ممكن تنزلولي ويندوز على اللابتوب", "service", True),
        ("واش كتصلحو البيسي اللي فيه فيروس", "service", True),
        ("بتركبوا اسكرينة الحماية في المحل؟", "service", True),
        ("ممكن تنزلولي السعر شوي؟", "service", False),  # a discount asked
        # stocked: whether the shop has something, new
        ("شاحن سيارة للجوال عندكم؟", "stocked", True),
        ("is there a magsafe battery pack for iphone?", "stocked", True),
        ("do you sell used phones?", "stocked", False),
        ("تبيعون جوالات مستعملة؟", "stocked", False),
        ("can i rent a camera for the weekend", "service", True),
        ("wallah my tv broke, need 55 inch under 500 fast", "complaint", False),  # a new one
        # a word before a comma still counts
        ("الطرد فيه غلط، بعتولي لون تاني", "complaint", True),
    ],
)
def test_what_a_message_speaks_of_is_read_from_its_words(text, flag, expected):
    from intent_classifier.understanding import understand

    assert getattr(understand(text), flag) is expected


def test_an_after_sale_message_naming_a_brand_tries_the_faq_before_the_search():
    # given: the classifier unsure, a brand named (a limit: alone it would be a search)
    from dialog_engine.state_router import FAQ_TRY, route_text
    from intent_classifier.types import IntentName
    from intent_classifier.understanding import Understanding

    bought = Understanding(
        "i bought a jbl speaker, any earbuds to match?",
        "i bought a jbl speaker, any earbuds to match?",
        IntentName.FAQ,
        0.41,
        {"brand": "jbl", "category": "wireless-earbuds"},
        after_sale=True,
    )
    # then: a close FAQ first, at its usual distance, then the search
    assert route_text(bought)[:2] == [("faq_answer", FAQ_TRY), ("search", "")]


@pytest.mark.parametrize(
    "text", ["can you repair my galaxy s24? it won't charge", "تصلحون شاشة الايفون؟"]
)
def test_a_service_asked_for_a_named_product_is_not_sure_not_a_search(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
    text,
):
    # given: the damaged-item FAQ, whose wordings sit near a repair question
    _damaged_item_faq()
    _customer()
    # when: the shop is asked for a service no FAQ speaks of
    _say(post_webhook, text)
    # then: not sure, a person offered, the question kept for staff; no product list
    reply = graph.sends[-1]
    assert _row_ids(reply) == []
    assert "human" in _button_ids(reply)
    assert not _body(reply).startswith("*")
    assert UnansweredQuestion.objects.filter(text=text).exists()


def test_a_service_or_a_complaint_goes_to_the_faq_only():
    from dialog_engine.state_router import route_text
    from intent_classifier.types import IntentName
    from intent_classifier.understanding import Understanding

    service = Understanding(
        "can you repair my ps4", "can you repair my ps4", IntentName.FAQ, 0.58,
        {"brand": "sony", "category": "consoles"}, question=True, service=True,
    )  # fmt: skip
    complaint = Understanding(
        "ordered a jbl speaker and got earbuds instead",
        "ordered a jbl speaker and got earbuds instead",
        IntentName.FAQ, 0.41, {"brand": "jbl"}, after_sale=True, complaint=True,
    )  # fmt: skip
    assert route_text(service) == [("faq_answer", "")]
    assert route_text(complaint) == [("faq_answer", "")]


def test_asking_for_the_best_of_a_type_is_a_search_not_the_customers_picks():
    from dialog_engine.state_router import route_text
    from intent_classifier.types import IntentName
    from intent_classifier.understanding import Understanding

    best = Understanding(
        "whats the best phone u have with a good camera?",
        "whats the best phone u have with a good camera?",
        IntentName.RECOMMEND, 0.9, {"category": "phones"}, question=True,
    )  # fmt: skip
    assert "recommendations" not in [state for state, _payload in route_text(best)]
    assert ("search", "") in route_text(best)


@pytest.mark.parametrize("text", ["oppo phone under 900", "جوال اوبو"])
def test_a_brand_the_shop_does_not_sell_says_so_and_shows_similar_products(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
    text,
):
    # given: a brand customers ask for, known to the shop but not sold (inactive)
    from intent_classifier.slots import catalog_cache_clear

    BrandFactory(slug="oppo", name_en="OPPO", name_ar="اوبو", active=False)
    catalog_cache_clear()
    _customer()
    # when
    _say(post_webhook, text)
    # then: said to have nothing from it, and phones of the brands the shop sells
    reply = graph.sends[-1]
    assert "nothing from that brand" in _body(reply) or "من هذه العلامة" in _body(reply)
    assert set(_row_ids(reply)) & {"prd:GAL-S24", "prd:GAL-A15"}


def test_a_statement_naming_a_product_is_searched_even_when_it_sounds_like_an_faq(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
):
    # given: the genuine-products FAQ, whose word "original" the request shares
    FAQFactory(
        topic="genuine",
        question_en="Are your products genuine?",
        question_ar="هل منتجاتكم أصلية؟",
        answer_en="All our products are original with the maker's warranty.",
        answer_ar="كل منتجاتنا أصلية بضمان الوكيل.",
    )
    faq_embeddings_train()
    _customer()
    # when: a product is asked for, nothing asked about the shop
    _say(post_webhook, "كيبل انكر تايب سي الاصلي")
    # then: the cable, not the policy
    reply = graph.sends[-1]
    assert "prd:CBL-USBC" in _row_ids(reply)


def test_a_comparison_with_fewer_than_two_products_found_is_a_search(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
):
    # given: no comparison built yet
    _customer()
    # when: one of the products named is not sold
    _say(post_webhook, "galaxy s24 or galaxy s99, which is better?")
    # then: what the words find, not an empty comparison
    reply = graph.sends[-1]
    assert _row_ids(reply)
    assert "Compare" not in _body(reply)


# --- an order number as the customer quotes it ---------------------------------------------
@pytest.mark.parametrize("text", ["order 10234", "any update on order 10234?"])
def test_an_order_number_not_in_our_format_is_looked_up_not_guessed_at(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
    text,
):
    # given
    _customer()
    # when
    _say(post_webhook, text)
    # then: the order states look it up and say it is not on the account
    reply = graph.sends[-1]
    assert "I could not find an order 10234 on your account." in _body(reply)
    assert "orders" in _button_ids(reply)


def test_an_arabic_order_number_routes_to_its_status():
    from dialog_engine.state_router import route_text
    from intent_classifier.understanding import understand

    assert route_text(understand("طلب رقم ١٠٢٣٤"))[0] == ("order_status", "10234")
    # "how do I …" about an order is support, not a lookup
    assert route_text(understand("how do i return order 10234?"))[0][0] != "order_status"


# --- a product named, a command guessed -------------------------------------------------
@pytest.mark.parametrize(
    ("intent", "slots", "compares"),
    [
        ("compare", {"brand": "google", "category": "android-phones"}, False),
        ("language", {"category": "keyboards-mice", "language": "ar"}, False),
    ],
)
def test_a_product_named_without_a_comparison_or_language_switch_asked_is_a_search(
    intent, slots, compares
):
    # given: the classifier leans to comparing or switching language, sure enough
    from dialog_engine.state_router import route_text
    from intent_classifier.types import IntentName
    from intent_classifier.understanding import Understanding

    u = Understanding("pixel 8 pro", "pixel 8 pro", IntentName(intent), 0.8, slots)
    # then
    assert route_text(u)[0] == ("search", "")
    asked = Understanding(
        "compare pixel 8 pro", "compare pixel 8 pro", IntentName.COMPARE, 0.8, slots, compares=True
    )
    assert route_text(asked)[0] == ("compare", "")


def test_a_brand_with_more_budget_than_it_needs_shows_its_dearest_of_the_type(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
):
    # given: Samsung's only tablet costs 199; an Apple iPad (449) is in the range
    _customer()
    # when
    _say(post_webhook, "samsung tablet between 300 and 500")
    # then: said, and the brand's tablet shown, never a Samsung phone or another brand
    reply = graph.sends[-1]
    assert "Nothing matches" in _body(reply)
    listed = _products_listed(reply)
    assert [p.sku for p in listed] == ["TAB-A9"]


# --- "what's new?" --------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["what's new?", "وش الجديد عندكم؟"])
def test_whats_new_lists_the_products_added_last(post_webhook, graph, shop, text):  # noqa: F811
    # given: a product added after the rest, and a newer one that is sold out
    newest = ProductFactory(sku="NEW-1", name_en="Anker Nano charger", stock=3)
    ProductFactory(sku="NEW-2", name_en="Anker Prime charger", stock=0)
    _customer()
    # when
    _say(post_webhook, text)
    # then: the newest in stock first, not "I do not have an answer"
    listed = _products_listed(graph.sends[-1])
    assert listed[0] == newest
    assert "NEW-2" not in [p.sku for p in listed]


def test_a_cart_action_said_of_a_placed_order_tries_the_faq_first():
    # given: the classifier is sure it is an add to cart, but it speaks of "my order"
    from dialog_engine.state_router import FAQ_TRY, route_text
    from intent_classifier.types import IntentName
    from intent_classifier.understanding import Understanding

    u = Understanding(
        "i want to add a charger to my order",
        "i want to add a charger to my order",
        IntentName.ADD_TO_CART,
        0.75,
        {"category": "chargers"},
        after_sale=True,
    )
    # then: the FAQ on changing an order, if close, before the cart
    assert route_text(u)[:2] == [("faq_answer", FAQ_TRY), ("add_to_cart", "")]


@pytest.mark.parametrize(
    "text", ["can i buy the macbook air with tabby?", "اقدر اشتري الماك بوك اير بتابي؟"]
)
def test_how_to_pay_for_a_named_product_is_the_shops_answer_not_its_card(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
    text,
):
    # given: the instalments FAQ with a way of asking it that names a product
    _trained_faq(
        topic="installments",
        question_en="Can I pay in installments?",
        question_ar="هل يمكنني الدفع بالتقسيط؟",
        answer_en="Yes, with Tabby or Tamara in 4 payments.",
        answer_ar="نعم، عبر تابي أو تمارا على 4 دفعات.",
        english=("can i buy a phone with tabby", "tabby?"),
        arabic=("اقدر اشتري جوال بتابي؟",),
    )
    _customer()
    # when: the question names a laptop the shop sells and a way to pay for it
    _say(post_webhook, text)
    # then: how to pay, not the laptop's card
    reply = graph.sends[-1]
    assert "4" in _body(reply)
    assert "Tabby" in _body(reply) or "تابي" in _body(reply)
    assert _row_ids(reply) == []


def test_when_a_sold_out_model_comes_back_is_the_shops_answer_not_its_card(
    post_webhook,  # noqa: F811
    graph,  # noqa: F811
    shop,
):
    # given: the shop's answer on sold-out items
    _trained_faq(
        topic="restock",
        question_en="What if an item is out of stock?",
        question_ar="ماذا لو كان المنتج غير متوفر؟",
        answer_en="Ask us to notify you when it is back.",
        answer_ar="اطلب منا إشعارك عند توفره.",
        english=("sold out, will you restock?", "out of stock, when is it back?"),
    )
    _customer()
    # when
    _say(post_webhook, "the galaxy s24 is out of stock, when will it be back?")
    # then
    assert "Ask us to notify you when it is back." in _body(graph.sends[-1])
