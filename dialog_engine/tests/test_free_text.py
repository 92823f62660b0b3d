"""Free text → state and slots, in English and Arabic (the parts that need no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dialog_engine.states.common import budget_parse, page_number
from dialog_engine.states.free_text import _rule_state
from dialog_engine.states.order_status import order_number_find


@pytest.mark.parametrize(
    ("text", "low", "high", "rest"),
    [
        ("headphones under 300", None, Decimal("300"), "headphones"),
        ("laptop under $1,500", None, Decimal("1500"), "laptop"),
        ("phone between 500 and 1000", Decimal("500"), Decimal("1000"), "phone"),
        ("جوال بين 500 و 1000", Decimal("500"), Decimal("1000"), "جوال"),
        ("سماعات أقل من ٣٠٠", None, Decimal("300"), "سماعات"),
        ("tv between 2000 and 1000", Decimal("1000"), Decimal("2000"), "tv"),
        ("gaming laptop", None, None, "gaming laptop"),
    ],
)
def test_budget_parse_reads_ranges_in_english_and_arabic(text, low, high, rest):
    # when
    parsed = budget_parse(text)
    # then
    assert parsed == (low, high, rest)


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("show my cart", "show_cart"),
        ("add the iPhone 15 to my cart", "add_to_cart"),
        ("أضف سماعات سوني للسلة", "add_to_cart"),
        ("سلتي", "show_cart"),
        ("I want to talk to a human", "handoff"),
        ("ابي اكلم موظف", "handoff"),
        ("cancel my order please", "cancel_order"),
        ("الغاء الطلب", "cancel_order"),
        ("where is my order", "my_orders"),
        ("طلباتي", "my_orders"),
        ("any deals today", "deals"),
        ("عندكم عروض", "deals"),
        ("start over", "reset"),
        ("ابدأ من جديد", "reset"),
        ("payment options", "payment_info"),
        ("طرق الدفع", "payment_info"),
        ("gaming laptop", None),
        ("سماعات بلوتوث", None),
    ],
)
def test_precise_phrases_pick_their_state_in_english_and_arabic(text, state):
    assert _rule_state(text) == state


def test_words_inside_other_words_do_not_trigger_a_rule():
    # "cart" inside "cartridge" is a product search, not the cart
    assert _rule_state("printer cartridge") is None


def test_order_numbers_are_found_inside_a_sentence(settings):
    # given
    number = f"{settings.ORDER_NUMBER_PREFIX}-20261125-0007"
    # then
    assert order_number_find(f"where is {number}?") == number
    assert order_number_find(f"وين طلبي {number}") == number
    assert order_number_find("where is my order") == ""


@pytest.mark.parametrize(("payload", "page"), [("p3", 3), ("", 1), ("px", 1), ("p0", 1)])
def test_page_number_never_goes_below_one(payload, page):
    assert page_number(payload) == page


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("English please", "en"),
        ("بالانجليزي", "en"),
        ("arabic", "ar"),
        ("عربي", "ar"),
        ("language", ""),
    ],
)
def test_a_named_language_is_switched_to_directly(text, language):
    from dialog_engine.states.free_text import _language_named

    assert _language_named(text) == language
