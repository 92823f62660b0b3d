"""Rules that read numbers, budgets, quantities, order numbers, SKUs, languages, brands
and categories out of English and Arabic text (Arabic-Indic digits included)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.conf import settings

DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")
_DIACRITICS = re.compile(r"[\u064B-\u0652\u0640]")
NUMBER = r"(\d+(?:[.,]\d+)*)\s*(k|K|ألف|الف)?"
CURRENCY = re.compile(r"(\$|usd|dollars?|دولار|ريال|sar|aed|درهم|جنيه|egp)", re.IGNORECASE)
_BETWEEN = re.compile(
    rf"(?:between|from|بين|من)\s*\$?\s*{NUMBER}\s*\$?\s*(?:and|to|-|و|الى|إلى|لين)\s*\$?\s*{NUMBER}",
    re.IGNORECASE,
)
_MAX = re.compile(
    rf"(?:under|below|less than|max(?:imum)?|up to|no more than|not more than|cheaper than|within|budget(?: is| of)?|ميزانيتي|ميزانية|أقل من|اقل من|تحت|حد اقصى|حتى|لين|بحدود|ما يتعدى|ما يزيد عن)\s*\$?\s*{NUMBER}",
    re.IGNORECASE,
)
_MIN = re.compile(
    rf"(?:over|above|more than|at least|اكثر من|أكثر من|فوق)\s*\$?\s*{NUMBER}", re.IGNORECASE
)
_QUANTITY = re.compile(
    r"(?:(\d{1,2})\s*(?:x|pcs|pieces|units|of (?:these|them|this)|حبات|حبة|قطع))|(?:x\s*(\d{1,2}))",
    re.IGNORECASE,
)
_WORD_QUANTITY = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "اثنين": 2,
    "ثنتين": 2,
    "ثلاث": 3,
    "ثلاثة": 3,
    "اربع": 4,
    "خمس": 5,
}
_SKU = re.compile(r"\b[A-Z]{2,5}-[A-Z0-9]{2,10}(?:-[A-Z0-9]{1,10})*\b")
_LANG_AR = re.compile(r"\b(arabic|عربي|العربي|العربية|بالعربي)\b", re.IGNORECASE)
_LANG_EN = re.compile(
    r"\b(english|انجليزي|الانجليزي|الإنجليزية|الانجليزية|بالانجليزي)\b", re.IGNORECASE
)

CATEGORY_SYNONYMS = {
    "laptops": [
        "laptop",
        "notebook",
        "لابتوب",
        "لابتوبات",
        "حاسوب محمول",
        "كمبيوتر محمول",
        "لاب توب",
    ],
    "phones": ["phone", "mobile", "smartphone", "جوال", "جوالات", "هاتف", "موبايل", "تلفون"],
    "headphones": ["headphone", "earbuds", "earphones", "headset", "سماعة", "سماعات", "ايربودز"],
    "tablets": ["tablet", "ipad", "تابلت", "ايباد", "جهاز لوحي"],
    "smartwatches": ["smartwatch", "watch", "ساعة", "ساعات"],
    "tvs": ["tv", "television", "تلفزيون", "شاشة", "تلفاز"],
    "cameras": ["camera", "كاميرا", "كاميرات"],
    "speakers": ["speaker", "سماعة خارجية", "مكبر صوت", "سبيكر"],
    "gaming": ["console", "playstation", "ps5", "xbox", "nintendo", "بلايستيشن", "العاب", "ألعاب"],
    "power-banks": ["power bank", "powerbank", "باور بانك", "شاحن متنقل"],
    "chargers": ["charger", "شاحن"],
    "gaming-laptops": ["gaming laptop", "لابتوب ألعاب", "لابتوب العاب"],
}


def normalise(text: str) -> str:
    """Lower-case, Latin digits, Arabic letters unified (أ/إ/آ→ا, ى→ي, ة→ه), no tashkeel."""
    text = _DIACRITICS.sub("", text.translate(DIGITS)).lower()
    for source, target in (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ى", "ي"), ("ة", "ه")):
        text = text.replace(source, target)
    return " ".join(text.split())


def _amount(number: str, thousands: str | None) -> Decimal | None:
    cleaned = (
        number.replace(",", "")
        if number.count(",") and len(number.split(",")[-1]) == 3
        else number.replace(",", ".")
    )
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value * 1000 if thousands else value


def budget(text: str) -> tuple[Decimal | None, Decimal | None]:
    plain = text.translate(DIGITS)
    match = _BETWEEN.search(plain)
    if match:
        low, high = _amount(match.group(1), match.group(2)), _amount(match.group(3), match.group(4))
        if low is not None and high is not None:
            return (min(low, high), max(low, high))
    high_match, low_match = _MAX.search(plain), _MIN.search(plain)
    high = _amount(high_match.group(1), high_match.group(2)) if high_match else None
    low = _amount(low_match.group(1), low_match.group(2)) if low_match else None
    return low, high


def order_number(text: str) -> str | None:
    prefix = re.escape(settings.ORDER_NUMBER_PREFIX)
    match = re.search(rf"\b{prefix}-\d{{8}}-\d{{3,6}}\b", text.translate(DIGITS), re.IGNORECASE)
    return match.group(0).upper() if match else None


def quantity(text: str) -> int | None:
    plain = text.translate(DIGITS)
    match = _QUANTITY.search(plain)
    if match:
        return int(match.group(1) or match.group(2))
    for word, value in _WORD_QUANTITY.items():
        if re.search(rf"(?<!\w){word}(?!\w)", plain.lower()):
            return value
    return None


@lru_cache(maxsize=1)
def _catalog_names() -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    from brandkit.models import Brand
    from inventory.models import Category

    brands = tuple(
        (normalise(name), b.slug)
        for b in Brand.objects.all()
        for name in (b.name_en, b.name_ar)
        if name
    )
    categories = [
        (normalise(name), c.slug)
        for c in Category.objects.all()
        for name in (c.name_en, c.name_ar)
        if name
    ]
    slugs = {slug for _, slug in categories}
    categories += [
        (normalise(s), slug)
        for slug, words in CATEGORY_SYNONYMS.items()
        if slug in slugs
        for s in words
    ]
    # Longest names first, so "gaming laptops" wins over "laptops".
    return (
        tuple(sorted(brands, key=lambda p: -len(p[0]))),
        tuple(sorted(categories, key=lambda p: -len(p[0]))),
    )


def catalog_cache_clear() -> None:
    _catalog_names.cache_clear()


def _find(names: tuple[tuple[str, str], ...], text: str) -> str | None:
    for name, slug in names:
        if len(name) >= 2 and re.search(rf"(?<!\w){re.escape(name)}s?(?!\w)", text):
            return slug
    return None


def extract(text: str) -> dict[str, Any]:
    """Every slot the rules can read from `text`."""
    slots: dict[str, Any] = {}
    low, high = budget(text)
    if low is not None:
        slots["budget_min"] = low
    if high is not None:
        slots["budget_max"] = high
    currency = CURRENCY.search(text)
    if currency:
        slots["currency"] = currency.group(1)
    number = order_number(text)
    if number:
        slots["order_number"] = number
    count = quantity(text)
    if count:
        slots["quantity"] = count
    sku = _SKU.search(text)
    if sku and not number:
        slots["product_ref"] = sku.group(0)
    if _LANG_AR.search(text):
        slots["language"] = "ar"
    elif _LANG_EN.search(text):
        slots["language"] = "en"
    plain = normalise(text)
    try:
        brands, categories = _catalog_names()
    except Exception:  # noqa: BLE001 - no database (e.g. before migrate): rules without names
        brands, categories = (), ()
    brand = _find(brands, plain)
    if brand:
        slots["brand"] = brand
    category = _find(categories, plain)
    if category:
        slots["category"] = category
    return slots
