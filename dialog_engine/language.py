from __future__ import annotations

import re

_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_LATIN = re.compile(r"[A-Za-z]")


def language_detect(text: str, *, default: str) -> str:
    """`ar` when the text is mostly Arabic script, `en` when mostly Latin letters, else the
    customer's current language (digits, emoji and SKUs say nothing about language)."""
    arabic = len(_ARABIC.findall(text))
    latin = len(_LATIN.findall(text))
    if arabic == 0 and latin == 0:
        return default
    if arabic >= latin:
        return "ar"
    # A short Latin token (a SKU, "ok") inside an Arabic conversation keeps Arabic.
    if default == "ar" and latin < 4:
        return default
    return "en"
