"""Arabic query normalisation shared by product and FAQ search.

Customers write Gulf/Levantine dialect ("ابغى جوال", "وين طلبي"); the encoder and the
catalog speak Modern Standard Arabic. A small map of very common dialect words to their
MSA equivalent, orthographic normalisation (alef forms, taa marbuta, alef maqsura,
diacritics) and a light prefix/suffix stemmer for the lexical legs close most of the gap.
"""

from __future__ import annotations

import re

_DIACRITICS = re.compile(r"[\u064B-\u0652\u0640]")
_WORD = re.compile(r"\w\w+")

# Everyday dialect words → MSA. Only unambiguous, shop-relevant words: a wrong mapping
# would move good queries away from their meaning.
DIALECT_TO_MSA = {
    "ابغى": "أريد",
    "ابغي": "أريد",
    "أبغى": "أريد",
    "ابي": "أريد",
    "أبي": "أريد",
    "ابا": "أريد",
    "ودي": "أريد",
    "ممكن": "هل يمكن",
    "وين": "أين",
    "الحين": "الآن",
    "ايش": "ما",
    "إيش": "ما",
    "وش": "ما",
    "شو": "ما",
    "شي": "شيء",
    "شلون": "كيف",
    "ليش": "لماذا",
    "مو": "ليس",
    "اللي": "الذي",
    "كاش": "نقدا",
    "فلوس": "المبلغ",
    "فلوسي": "المبلغ",
    "اقدر": "أستطيع",
    "أقدر": "أستطيع",
    "تقدرون": "تستطيعون",
    "يشتغل": "يعمل",
    "خربان": "معطل",
    "اكلم": "أتواصل مع",
    "لقيته": "وجدته",
    "يوصل": "يصل",
    "يوصلني": "يصلني",
    "ثاني": "آخر",
    "محل": "متجر",
    "المحل": "المتجر",
    "جوال": "هاتف",
    "جوالي": "هاتفي",
    "موبايل": "هاتف",
    "كفالة": "ضمان",
}

_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_SUFFIXES = ("ات", "ون", "ين", "ها", "هم", "نا", "كم", "ه", "ي")


def query_normalise(text: str, language: str) -> str:
    """The query as the encoder should see it: Arabic dialect words replaced by MSA."""
    if language != "ar":
        return text
    return " ".join(DIALECT_TO_MSA.get(word, word) for word in text.split())


def _orthography(text: str) -> str:
    text = _DIACRITICS.sub("", text.lower())
    text = re.sub("[أإآ]", "ا", text)
    return text.replace("ة", "ه").replace("ى", "ي")


def _stem(word: str) -> str:
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def stemmed_tokens(text: str) -> list[str]:
    """Lexical tokens with Arabic orthography normalised and light stemming (English
    words pass through lower-cased)."""
    return [_stem(word) for word in _WORD.findall(_orthography(text))]
