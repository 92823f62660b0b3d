"""The classifier's public types: a fixed set of intent names, their slots, the context."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Literal, TypedDict


class IntentName(StrEnum):
    """Every intent the dialog engine can act on; the LLM must answer one of these."""

    GREETING = "greeting"
    GOODBYE = "goodbye"
    HELP = "help"
    MENU = "menu"
    BROWSE = "browse"
    SEARCH = "search"
    BUDGET = "budget"
    BRAND = "brand"
    BRANDS = "brands"  # the list of brands on sale
    DEALS = "deals"
    MORE_MENU = "more_menu"  # every option as one list
    STORE_INFO = "store_info"  # opening hours, address, contact (from the site config)
    SHIPPING_INFO = "shipping_info"  # delivery options and prices
    PAYMENT_INFO = "payment_info"  # payment options
    COMPARE = "compare"
    RECOMMEND = "recommend"
    SIMILAR = "similar"
    PRODUCT_DETAIL = "product_detail"
    ADD_TO_CART = "add_to_cart"
    SHOW_CART = "show_cart"
    REMOVE_ITEM = "remove_item"
    EDIT_CART = "remove_item"  # alias: editing a line and removing it are one state
    CLEAR_CART = "clear_cart"
    CHECKOUT = "checkout"
    ORDER_STATUS = "order_status"
    MY_ORDERS = "my_orders"
    CANCEL_ORDER = "cancel_order"
    FAQ = "faq"
    HUMAN = "human"
    FEEDBACK = "feedback"
    LANGUAGE = "language"
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    RESET = "reset"
    AFFIRM = "affirm"
    DENY = "deny"
    THANKS = "thanks"
    UNKNOWN = "unknown"


# Intents only a whole-message command names ("options", "opening hours"): the classifier
# never predicts them (their questions, "what are your opening hours?", are FAQs).
COMMAND_ONLY = frozenset(
    {IntentName.MORE_MENU, IntentName.STORE_INFO, IntentName.SHIPPING_INFO, IntentName.PAYMENT_INFO}
)


class Slots(TypedDict, total=False):
    """What the rules (and the LLM) read from the text; a key is absent when not said."""

    category: str  # inventory.Category slug
    brand: str  # brandkit.Brand slug
    budget_min: Decimal
    budget_max: Decimal
    currency: str  # as written: "$", "SAR", "ريال", …
    quantity: int
    number: int  # the whole message is a number ("2", "ثنتين"): an answer to a question
    product_ref: str  # a SKU or the product words the customer named
    order_number: str  # ORDER_NUMBER_PREFIX-YYYYMMDD-NNNN, upper case
    order_ref: str  # digits the customer gave for an order, not in our format ("10234")
    newest: bool  # asks what is new in the shop ("what's new?", "وش الجديد")
    language: Literal["en", "ar"]
    query: str  # the words to search products with (normalised, budget words cut out)
    brands: list[str]  # every brand the product may be of, when more than one is named
    brand_for: str  # a brand named as what the product is for ("charger for iphone")
    specs: dict[str, str]  # storage, ram, screen, ... as asked ("256gb", "65inch")
    compared: list[str]  # the products a comparison names, as written


class ClassifyContext(TypedDict, total=False):
    """What the caller knows about the conversation (all optional)."""

    state: str  # the dialog state the chat is in
    language: Literal["en", "ar"]  # the customer's current language


@dataclass(frozen=True)
class Intent:
    name: IntentName
    confidence: float  # 0..1; callers treat low values as "unsure"
    slots: Slots = field(default_factory=dict)  # type: ignore[assignment]
    source: str = "local"  # "llm" or "local"
