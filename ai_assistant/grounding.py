"""Grounding rules: an LLM reply may only state SKUs and prices that the database gave it.
A reply that names any other SKU or price is rejected (the caller answers
deterministically instead)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from intent_classifier.slots import CURRENCY_WORDS
from recos.language import DIGITS, script_counts

_SKU = re.compile(r"\b[A-Z]{2,5}-[A-Z0-9]{2,10}(?:-[A-Z0-9]{1,10})*\b")
_MONEY = rf"(?:{CURRENCY_WORDS}|€|£)"
_PRICE = re.compile(
    rf"{_MONEY}\s*(\d[\d,]*(?:\.\d+)?)|(\d[\d,]*(?:\.\d+)?)\s*{_MONEY}", re.IGNORECASE
)


def prices_in(text: str) -> set[Decimal]:
    found: set[Decimal] = set()
    for match in _PRICE.finditer(text.translate(DIGITS)):
        raw = (match.group(1) or match.group(2)).replace(",", "")
        try:
            found.add(Decimal(raw).quantize(Decimal("0.01")))
        except InvalidOperation:
            continue
    return found


def reply_in_language(*, reply: str, language: str) -> bool:
    """Whether most letters of `reply` are in the customer's script (product names and
    SKUs in Latin letters are expected inside an Arabic reply, so only the majority counts)."""
    arabic, latin = script_counts(reply)
    return arabic > latin if language == "ar" else latin >= arabic


def reply_is_grounded(*, reply: str, skus: Iterable[str], prices: Iterable[Decimal]) -> bool:
    allowed_skus = {s.upper() for s in skus}
    allowed_prices = {Decimal(p).quantize(Decimal("0.01")) for p in prices}
    if any(sku.upper() not in allowed_skus for sku in _SKU.findall(reply)):
        return False
    return prices_in(reply) <= allowed_prices
