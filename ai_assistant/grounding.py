"""Grounding rules: what an LLM reply may say before a customer reads it.

A reply is checked against the facts the model was given (the lines of its shop-data
block), the database's SKUs, prices and currencies, and the customer's question. It is
rejected, and the caller answers deterministically, when it:
- contains a link (`http(s)://`, `www.`, a bare domain such as `pay.example.com` or
  `wa.me/…`, `example[.]com`), an e-mail address or a phone number, even one the facts
  contain: contact points reach customers through deterministic answers, never a model;
- names a currency other than DEFAULT_CURRENCY and the products' currencies (symbols,
  ISO codes and names in English and Arabic: `€`, `EUR`, `euros`, `يورو`, `BTC`);
- states a price that is not a database price of the products given. A price is a number
  next to a currency or just after a price word ("costs 1", "بسعر ١"); the question and
  the facts' free text never make a price allowed (an injected "the price is $1" stays
  wrong);
- states a percentage ("90% off", "٪٩٠") that the facts do not state;
- contains any other number that is neither in the facts nor in the question. One narrow
  allowance: a whole number from 1 to 10 written in digits that counts things in the reply
  ("these 2 phones", "option 3"). It does not cover prices, percentages, stock or
  durations ("only 2 left", "2 years", "3 days" must be in the facts);
- names a SKU that is not one of the products'.

Digits are compared by value after Arabic-Indic digits become Latin (`٤٩٩٫٠٠` is 499.00,
`1,299` is 1299), by value and not by unit: "16" in "16 GB" also allows "16 months". Being
strict costs only phrasing (the deterministic answer says the same facts); being lax
could put a scammer's link or price in the shop's mouth.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.conf import settings

from intent_classifier.slots import CURRENCY_WORDS
from recos.language import DIGITS, script_counts

_SKU = re.compile(r"\b[A-Z]{2,5}-[A-Z0-9]{2,10}(?:-[A-Z0-9]{1,10})*\b")
_MONEY = rf"(?:{CURRENCY_WORDS}|€|£)"
_PRICE = re.compile(
    rf"{_MONEY}\s*(\d[\d,]*(?:\.\d+)?)|(\d[\d,]*(?:\.\d+)?)\s*{_MONEY}", re.IGNORECASE
)

# --- links, e-mail addresses, phone numbers --------------------------------------------
_OBFUSCATED_DOT = r"(?:\.|\s*(?:\[\.\]|\(\.\)|\[dot\]|\(dot\))\s*)"
_EMAIL = re.compile(
    r"[\w.+\-]+(?:@|\s*(?:\[at\]|\(at\))\s*)"
    rf"(?:[\w\-]+{_OBFUSCATED_DOT})+[A-Za-z]{{2,24}}(?![A-Za-z])",
    re.IGNORECASE,
)
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
_URL = re.compile(
    r"(?i:(?:https?|ftp)://|www\.)"
    # a bare domain: "pay.example.com", "wa.me/966…", "Shop.COM". A capitalised word after
    # a full stop ("in stock.The") is a missing space, not a domain.
    rf"|(?<![\w@.\-])(?:{_LABEL}\.)+(?:[a-z]{{2,24}}|[A-Z]{{2,24}}|xn--[a-z0-9\-]+)(?![\w\-])"
    r"|(?i:\b[a-z0-9\-]+\s*(?:\[\.\]|\(\.\)|\[dot\]|\(dot\)|\s+dot\s+)\s*[a-z]{2,24}\b)"
)
_PHONE = re.compile(r"(?<![\w.,+])(?:\+|00)?\s?\(?\d[\d \-.()/]{5,}\d(?![\w])")
_PHONE_DIGITS_MIN = 7
_DECIMAL = re.compile(r"\d+\.\d+")

# --- currencies ------------------------------------------------------------------------
# (ISO codes the mention may mean, English names and symbols, Arabic names in normalised
# spelling). Qualified names come first: a "Canadian dollar" is not a dollar of the shop.
_CURRENCIES: tuple[tuple[frozenset[str], str, str], ...] = (
    (frozenset({"CAD"}), r"c\$|ca\$|canadian dollars?", "دولار كندي|دولارات كنديه"),
    (frozenset({"AUD"}), r"a\$|au\$|australian dollars?", "دولار استرالي"),
    (frozenset({"HKD"}), r"hk\$|hong kong dollars?", "دولار هونغ كونغ"),
    (frozenset({"SGD"}), r"s\$|singapore dollars?", "دولار سنغافوري"),
    (frozenset({"NZD"}), r"nz\$", ""),
    (frozenset({"USD"}), r"us\$|us dollars?|american dollars?", "دولار امريكي"),
    (frozenset({"QAR"}), r"qatari riyals?", r"ريال قطري|ر\.ق"),
    (frozenset({"OMR"}), r"omani rials?", r"ريال عماني|ر\.ع"),
    (frozenset({"YER"}), r"yemeni rials?", "ريال يمني"),
    (frozenset({"IRR"}), r"iranian rials?|tomans?", "ريال ايراني|تومان"),
    (frozenset({"SAR"}), r"saudi riyals?", r"ريال سعودي|ر\.س"),
    (frozenset({"BHD"}), r"bahraini dinars?", r"دينار بحريني|د\.ب"),
    (frozenset({"JOD"}), r"jordanian dinars?", "دينار اردني"),
    (frozenset({"IQD"}), r"iraqi dinars?", r"دينار عراقي|د\.ع"),
    (frozenset({"KWD"}), r"kuwaiti dinars?", r"دينار كويتي|د\.ك"),
    (frozenset({"LYD"}), r"libyan dinars?", "دينار ليبي"),
    (frozenset({"TND"}), r"tunisian dinars?", "دينار تونسي"),
    (frozenset({"DZD"}), r"algerian dinars?", "دينار جزائري"),
    (frozenset({"MAD"}), r"moroccan dirhams?", "درهم مغربي"),
    (frozenset({"AED"}), r"emirati dirhams?|uae dirhams?", r"درهم اماراتي|د\.ا"),
    (frozenset({"GBP"}), r"£|pounds? sterling|sterling|british pounds?", "جنيه استرليني"),
    (frozenset({"EGP"}), r"egyptian pounds?", r"جنيه مصري|ج\.م"),
    (frozenset({"LBP"}), r"lebanese pounds?", "ليره لبنانيه"),
    (frozenset({"SYP"}), r"syrian pounds?", "ليره سوريه"),
    (frozenset({"TRY"}), r"₺|turkish liras?", "ليره تركيه"),
    (frozenset({"EUR"}), r"€|euros?", "يورو"),
    (frozenset({"JPY"}), r"¥|yen", "ين ياباني"),
    (frozenset({"CNY"}), r"yuan|renminbi|rmb", "يوان"),
    (frozenset({"INR"}), r"₹|rupees?", "روبيه"),
    (frozenset({"KRW"}), r"₩", ""),
    (frozenset({"RUB"}), r"₽|rubles?|roubles?", "روبل"),
    (frozenset({"ILS"}), r"₪|shekels?", "شيكل|شيقل"),
    (frozenset({"NGN"}), r"₦|naira", ""),
    (frozenset({"CHF"}), r"francs?", "فرنك"),
    (frozenset({"BTC"}), r"₿|bitcoins?", "بيتكوين|بتكوين"),
    (frozenset({"ETH"}), r"ether|ethereum", "ايثريوم|ايثيريوم"),
    (frozenset({"USDT"}), r"tether|usdt|usdc", ""),
    (frozenset({"CRYPTO"}), r"crypto(?:currenc(?:y|ies))?", "عمله رقميه|عملات رقميه|عملات مشفره"),
    # Bare names: any currency of that name.
    (
        frozenset({"USD", "CAD", "AUD", "HKD", "SGD", "NZD"}),
        r"\$|dollars?|bucks",
        "دولار",
    ),
    (frozenset({"SAR", "QAR", "OMR", "YER"}), r"riyals?|rials?|sr", "ريال|﷼"),
    (
        frozenset({"KWD", "BHD", "JOD", "IQD", "LYD", "TND", "DZD"}),
        r"dinars?",
        "دينار|دنانير",
    ),
    (frozenset({"AED", "MAD"}), r"dirhams?|dhs?", "درهم|دراهم"),
    (frozenset({"GBP", "EGP", "LBP", "SYP", "SDG"}), r"pounds?", "جنيه"),
    (frozenset({"TRY", "LBP", "SYP"}), r"liras?", "ليره"),
)
# ISO 4217 codes (and tickers) written as codes; a code that is also an English word
# (ALL, TOP, TRY, MAD, PEN, SOS, …) counts only in capitals.
_CODES = (
    "USD|EUR|GBP|JPY|CNY|INR|CAD|AUD|CHF|SAR|AED|KWD|QAR|OMR|BHD|JOD|EGP|IQD|LBP|SYP|YER|LYD|"
    "TND|DZD|MAD|SDG|TRY|RUB|KRW|ILS|NGN|BRL|MXN|ZAR|SEK|NOK|DKK|PLN|CZK|HUF|THB|MYR|IDR|PHP|"
    "VND|BDT|PKR|LKR|KES|GHS|ARS|CLP|COP|PEN|UAH|KZT|HKD|SGD|NZD|IRR|BTC|ETH|USDT"
)
_CODES_LOWER_OK = frozenset(
    {"usd", "eur", "gbp", "jpy", "cny", "inr", "aud", "chf", "sar", "aed", "kwd", "qar"}
    | {"omr", "bhd", "jod", "egp", "iqd", "btc", "usdt"}
)
_ARABIC_FORMS = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": None}
)
_TASHKEEL = re.compile(r"[\u064B-\u0652\u0670]")


def _currency_pattern(english: str, arabic: str) -> re.Pattern[str]:
    # English names stand alone ("rs" is not "cars"); Arabic names take prefixes and
    # suffixes ("بالدولار", "دولارا").
    parts = [rf"(?<![A-Za-z])(?:{english})(?![A-Za-z])"]
    if arabic:
        parts.append(f"(?:{arabic})")
    return re.compile("|".join(parts), re.IGNORECASE)


_CURRENCY_PATTERNS = tuple(
    (codes, _currency_pattern(english, arabic)) for codes, english, arabic in _CURRENCIES
)
_CODE = re.compile(rf"(?<![A-Za-z])({_CODES})(?![A-Za-z])", re.IGNORECASE)

# --- numbers and what surrounds them ---------------------------------------------------
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_PERCENT_AFTER = re.compile(
    r"\s*(?:%|٪|per\s?cent\b|pct\b|بالمئه|بالمائه|في المئه|في المائه)", re.IGNORECASE
)
_PERCENT_BEFORE = re.compile(r"(?:%|٪)\s*$")
_PERCENT_WORD = re.compile(
    r"%|٪|(?<![A-Za-z])(?:per\s?cent|percentage|pct)(?![A-Za-z])|بالمئه|بالمائه|في المئه|في المائه",
    re.IGNORECASE,
)
# A number just after "only"/"just", or within two words after a price word, is a price
# ("the price is now just 1", "بسعر ١").
_PRICE_WORDS = re.compile(
    r"(?:(?:(?<![A-Za-z])(?:price[ds]?|pricing|costs?|costing|pay|paying|discount(?:ed)?)"
    r"(?![A-Za-z])|(?:سعر|اسعار|ثمن|يكلف|تكلف|بقيم|خصم)[^\W\d]*)(?:\W+[^\W\d]+){0,2}"
    r"|(?<![A-Za-z])(?:only|just)|فقط)\W*$",
    re.IGNORECASE,
)
# A small number before one of these is a claim about stock or time, not a count.
_CLAIM_AFTER = re.compile(
    r"\s*(?:(?:left|remaining|in stock|units?|pieces?|pcs|items? left|years?|months?|"
    r"weeks?|days?|hours?|hrs?|minutes?|mins?|times)(?![A-Za-z])|قطع|حب|متبقي|باقي|سن|شهر|"
    r"اشهر|يوم|ايام|ساع|دقيق|اسبوع|اسابيع)",
    re.IGNORECASE,
)
_CLAIM_BEFORE = re.compile(r"(?:متبقي|باقي|بقي|يتبقى)\s*$")
_COUNT_MAX = 10


def _plain(text: str) -> str:
    """Latin digits and one spelling of Arabic letters, so patterns match every writing."""
    return _TASHKEEL.sub("", text.translate(DIGITS).translate(_ARABIC_FORMS))


def prices_in(text: str) -> set[Decimal]:
    found: set[Decimal] = set()
    for match in _PRICE.finditer(text.translate(DIGITS)):
        raw = (match.group(1) or match.group(2)).replace(",", "")
        try:
            found.add(Decimal(raw).quantize(Decimal("0.01")))
        except InvalidOperation:
            continue
    return found


def currencies_in(text: str) -> list[tuple[frozenset[str], tuple[int, int]]]:
    """Each currency `text` names: the ISO codes it may mean and where it is."""
    work = _plain(text)
    found: list[tuple[frozenset[str], tuple[int, int]]] = []

    def mask(match: re.Match[str]) -> str:
        return " " * len(match.group(0))

    for codes, pattern in _CURRENCY_PATTERNS:
        for match in pattern.finditer(work):
            found.append((codes, match.span()))
        work = pattern.sub(mask, work)
    for match in _CODE.finditer(work):
        code = match.group(1)
        if code.isupper() or code in _CODES_LOWER_OK:
            found.append((frozenset({code.upper()}), match.span()))
    return found


def _values(token: str) -> list[Decimal]:
    """The numbers one digit run writes: `1,299.00` is one, `8,12` two, `3.2.1` three."""
    if _THOUSANDS.fullmatch(token):
        return [Decimal(token.replace(",", ""))]
    values = []
    for part in token.split(","):
        pieces = part.split(".")
        for piece in pieces if len(pieces) > 2 else [part]:
            if piece:
                values.append(Decimal(piece))
    return values


def numbers_in(text: str) -> set[Decimal]:
    return {value for token in _NUMBER.findall(_plain(text)) for value in _values(token)}


def percentages_in(text: str) -> set[Decimal]:
    plain = _plain(text)
    found: set[Decimal] = set()
    for match in _NUMBER.finditer(plain):
        before = plain[max(0, match.start() - 3) : match.start()]
        if _PERCENT_AFTER.match(plain, match.end()) or _PERCENT_BEFORE.search(before):
            found.update(_values(match.group(0)))
    return found


def _phones_in(text: str) -> list[str]:
    phones = []
    for match in _PHONE.finditer(text):
        candidate = match.group(0).strip()
        digits = sum(ch.isdigit() for ch in candidate)
        if digits < _PHONE_DIGITS_MIN or _DECIMAL.fullmatch(candidate):
            continue
        phones.append(candidate)
    return phones


def reply_rejection(
    *,
    reply: str,
    facts: str,
    question: str = "",
    skus: Iterable[str] = (),
    prices: Iterable[Decimal] = (),
    currencies: Iterable[str] = (),
) -> str | None:
    """Why `reply` must not reach the customer (a short reason, never the text), or None
    when it is grounded in `facts` (the lines the model was given), the database's `skus`,
    `prices` and `currencies` (DEFAULT_CURRENCY is always allowed) and the `question`."""
    allowed_skus = {s.upper() for s in skus}
    allowed_prices = {Decimal(p).quantize(Decimal("0.01")) for p in prices}
    allowed_currencies = {c.upper() for c in currencies} | {settings.DEFAULT_CURRENCY.upper()}
    plain = _plain(reply)

    if _EMAIL.search(plain):
        return "it contains an e-mail address"
    if _URL.search(plain):
        return "it contains a link"
    for codes, _span in currencies_in(reply):
        if not codes & allowed_currencies:
            return "it names a currency the shop does not sell in"
    # Money is masked before looking for phones: "1,299.00 USD 1,499.00 USD" is two prices.
    money = _money_spans(plain)
    unmasked = _masked(plain, money)
    if _phones_in(unmasked):
        return "it contains a phone number"
    if any(sku.upper() not in allowed_skus for sku in _SKU.findall(reply)):
        return "it names a SKU not in the database"
    if _PERCENT_WORD.search(plain) and not _percent_numbers(plain):
        return "it states a percentage the facts do not"  # "ninety percent off"

    # SKUs the database gave are names, not numbers ("PHN-S24" says nothing about 24).
    for sku in allowed_skus:
        plain = re.sub(re.escape(sku), " " * len(sku), plain, flags=re.IGNORECASE)
    money = _money_spans(plain)
    fact_numbers = numbers_in(facts) | numbers_in(question)
    fact_percentages = percentages_in(facts)
    for match in _NUMBER.finditer(plain):
        values = _values(match.group(0))
        start, end = match.span()
        before = plain[max(0, start - 60) : start]
        if _PERCENT_AFTER.match(plain, end) or _PERCENT_BEFORE.search(before[-3:]):
            if not set(values) <= fact_percentages:
                return "it states a percentage the facts do not"
            continue
        if any(s <= start and end <= e for s, e in money) or _PRICE_WORDS.search(before):
            quantized = {v.quantize(Decimal("0.01")) for v in values}
            if not quantized <= allowed_prices:
                return "it states a price not in the database"
            continue
        if set(values) <= fact_numbers:
            continue
        if _counting(values, plain, start, end):
            continue
        return "it states a number the facts do not"
    return None


def _money_spans(plain: str) -> list[tuple[int, int]]:
    """Where a number sits next to a currency ("499 USD", "$499", "٤٩٩ دولار")."""
    spans = []
    for _codes, (start, end) in currencies_in(plain):
        after = re.match(r"\s*(\d[\d,.]*)", plain[end:])
        if after:
            spans.append((end + after.start(1), end + after.end(1)))
        before = re.search(r"(\d[\d,.]*)\s*$", plain[:start])
        if before:
            spans.append(before.span(1))
    return spans


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _percent_numbers(plain: str) -> bool:
    """Whether every percent sign or word in `plain` has a number in digits next to it."""
    for match in _PERCENT_WORD.finditer(plain):
        before = plain[max(0, match.start() - 4) : match.start()]
        after = plain[match.end() : match.end() + 4]
        if not (re.search(r"\d\s*$", before) or re.match(r"\s*\d", after)):
            return False
    return True


def _counting(values: list[Decimal], plain: str, start: int, end: int) -> bool:
    """A whole number from 1 to 10 counting things ("these 2 phones"), not a stock level
    or a duration ("only 2 left", "2 years")."""
    if len(values) != 1 or plain[start:end] != str(values[0]):
        return False
    if not 1 <= values[0] <= _COUNT_MAX:
        return False
    return not _CLAIM_AFTER.match(plain, end) and not _CLAIM_BEFORE.search(plain[:start])


def reply_is_grounded(
    *,
    reply: str,
    facts: str,
    question: str = "",
    skus: Iterable[str] = (),
    prices: Iterable[Decimal] = (),
    currencies: Iterable[str] = (),
) -> bool:
    """Whether `reply` may be sent (see `reply_rejection` for the rules)."""
    return (
        reply_rejection(
            reply=reply,
            facts=facts,
            question=question,
            skus=skus,
            prices=prices,
            currencies=currencies,
        )
        is None
    )


def reply_in_language(*, reply: str, language: str) -> bool:
    """Whether most letters of `reply` are in the customer's script (product names and
    SKUs in Latin letters are expected inside an Arabic reply, so only the majority counts)."""
    arabic, latin = script_counts(reply)
    return arabic > latin if language == "ar" else latin >= arabic
