"""Free text → `Intent(name, confidence, slots)`, in English and Arabic.

Public interface: `understand(text, context) -> Understanding` (normalised text, intent,
confidence, slots, command/question flags, search words) is what the dialog engine
uses; `classify` is the intent part of it.

    from intent_classifier import classify, ClassifyContext, Intent, IntentName, Slots

    intent = classify("gaming laptop under $1500", {"language": "en", "state": "assistant"})
    intent.name == IntentName.SEARCH
    intent.slots["budget_max"] == Decimal("1500")   # money is Decimal, never float

- `classify(text: str, context: ClassifyContext | None = None) -> Intent`
- `Intent(name: IntentName, confidence: float (0..1), slots: Slots, source: "llm" | "local")`
- `IntentName`, a fixed set: greeting, goodbye, help, menu, browse (categories), search
  (product query), budget (price filter), brand, compare, recommend, similar,
  product_detail, add_to_cart, show_cart, remove_item (= EDIT_CART), clear_cart, checkout,
  order_status, my_orders, cancel_order, faq, human, feedback, language, opt_out, opt_in,
  reset, affirm (yes), deny (no), thanks, unknown.
- `Slots` (a TypedDict; a key is absent when the text does not say it): category and brand
  (slugs from the database, EN/AR names and synonyms), budget_min / budget_max (Decimal),
  currency (as written), quantity (int), product_ref (SKU), order_number
  (ORDER_NUMBER_PREFIX-YYYYMMDD-NNNN), language ("en"/"ar"), query (the text to search).
- `ClassifyContext` (a TypedDict, all optional): state (the dialog state), language.

The LLM answers when a provider is configured; without a key, on timeout or on invalid
output the local classifier does (a kernel ridge regression over the labelled examples with
the project's sentence embeddings and character n-grams, plus keyword cues and rules for
numbers, budgets, quantities, order numbers, brands and categories, EN and AR, dialect
words and Arabic-Indic digits included). Slots read by the rules always win
over the model's reading. Imports are lazy so that the package can be imported while
Django is still loading apps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .types import ClassifyContext, Intent, IntentName, Slots
    from .understanding import Understanding

__all__ = [
    "ClassifyContext",
    "Intent",
    "IntentName",
    "Slots",
    "Understanding",
    "classify",
    "products_made_generic",
    "service_asked",
    "understand",
]

_TYPES = {"ClassifyContext", "Intent", "IntentName", "Slots"}


def classify(text: str, context: ClassifyContext | None = None) -> Intent:
    """The intent of one customer message (never raises for an LLM failure)."""
    from .classifier import classify as _classify

    return _classify(text, context)


def understand(text: str, context: ClassifyContext | None = None) -> Understanding:
    """Everything the shop reads from one message: see `understanding.understand`."""
    from .understanding import understand as _understand

    return _understand(text, context)


def service_asked(text: str) -> bool:
    """Whether a text asks the shop for a service done to a device ("can you repair …")."""
    from .understanding import service_asked as _service_asked

    return _service_asked(text)


def products_made_generic(text: str) -> str:
    """The text with the product types it names made generic ("return the keyboard" →
    "return the item"): what a shop question asks, whatever it names."""
    from .slots import products_made_generic as _generic

    return _generic(text)


def __getattr__(name: str) -> Any:
    if name == "Understanding":
        from .understanding import Understanding

        return Understanding
    if name in _TYPES:
        from . import types

        return getattr(types, name)
    raise AttributeError(name)
