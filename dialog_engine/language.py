from __future__ import annotations

from recos.language import script_counts


def language_detect(text: str, *, default: str) -> str:
    """`ar` when the text is mostly Arabic script, `en` when mostly Latin letters, else the
    customer's current language (digits, emoji and SKUs say nothing about language)."""
    arabic, latin = script_counts(text)
    if arabic == 0 and latin == 0:
        return default
    if arabic >= latin:
        return "ar"
    # A short Latin token (a SKU, "ok") inside an Arabic conversation keeps Arabic.
    if default == "ar" and latin < 4:
        return default
    return "en"
