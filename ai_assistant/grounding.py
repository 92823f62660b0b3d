"""Grounding rules: an LLM reply may only state SKUs and prices that the database gave it.
A reply that names any other SKU or price is rejected (the caller answers
deterministically instead)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

_SKU = re.compile(r"\b[A-Z]{2,5}-[A-Z0-9]{2,10}(?:-[A-Z0-9]{1,10})*\b")
_PRICE = re.compile(
    r"(?:\$|usd|sar|aed|€|£|دولار|ريال)\s*(\d[\d,]*(?:\.\d+)?)"
    r"|(\d[\d,]*(?:\.\d+)?)\s*(?:\$|usd|sar|aed|dollars?|دولار|ريال)",
    re.IGNORECASE,
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩٬٫", "0123456789,.")


def prices_in(text: str) -> set[Decimal]:
    found: set[Decimal] = set()
    for match in _PRICE.finditer(text.translate(_DIGITS)):
        raw = (match.group(1) or match.group(2)).replace(",", "")
        try:
            found.add(Decimal(raw).quantize(Decimal("0.01")))
        except InvalidOperation:
            continue
    return found


_ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def reply_in_language(*, reply: str, language: str) -> bool:
    """Whether most letters of `reply` are in the customer's script (product names and
    SKUs in Latin letters are expected inside an Arabic reply, so only the majority counts)."""
    arabic = len(_ARABIC_LETTER.findall(reply))
    latin = len(_LATIN_LETTER.findall(reply))
    return arabic > latin if language == "ar" else latin >= arabic


def reply_is_grounded(*, reply: str, skus: Iterable[str], prices: Iterable[Decimal]) -> bool:
    allowed_skus = {s.upper() for s in skus}
    allowed_prices = {Decimal(p).quantize(Decimal("0.01")) for p in prices}
    if any(sku.upper() not in allowed_skus for sku in _SKU.findall(reply)):
        return False
    return prices_in(reply) <= allowed_prices
