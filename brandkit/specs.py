"""Validation and display of product specs against the taxonomy (SpecDefinition)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from .models import SpecDefinition, SpecType

_TRUE = {"true", "yes", "1", "y", "نعم"}
_FALSE = {"false", "no", "0", "n", "لا"}


def spec_definitions_for(category_slugs: Iterable[str]) -> dict[str, SpecDefinition]:
    """Definitions that apply to a category given its slug and its ancestors' slugs."""
    slugs = set(category_slugs)
    return {
        d.key: d
        for d in SpecDefinition.objects.all()
        if not d.categories or slugs.intersection(d.categories)
    }


def _coerce(definition: SpecDefinition, value: Any) -> Any:
    kind = definition.value_type
    if kind == SpecType.BOOLEAN:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError("expected yes or no")
    if kind in (SpecType.INTEGER, SpecType.DECIMAL):
        if isinstance(value, bool):
            raise ValueError("expected a number")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise ValueError("expected a number") from exc
        if definition.min_value is not None and number < definition.min_value:
            raise ValueError(f"must be at least {definition.min_value}")
        if definition.max_value is not None and number > definition.max_value:
            raise ValueError(f"must be at most {definition.max_value}")
        if kind == SpecType.INTEGER:
            if number != number.to_integral_value():
                raise ValueError("expected a whole number")
            return int(number)
        # JSON has no Decimal: keep a float-free representation that round-trips.
        return float(number) if number.as_tuple().exponent >= -3 else str(number)
    if kind == SpecType.CHOICE:
        text = str(value).strip()
        allowed = {str(c).lower(): c for c in definition.choices}
        if text.lower() not in allowed:
            raise ValueError(f"must be one of {', '.join(map(str, definition.choices))}")
        return allowed[text.lower()]
    return str(value).strip()


def specs_clean(*, specs: dict[str, Any], category_slugs: Iterable[str]) -> dict[str, Any]:
    """Specs coerced to their declared types; unknown keys and bad values raise
    ValidationError naming each problem."""
    if not isinstance(specs, dict):
        raise ValidationError({"specs": "Specs must be a JSON object."})
    definitions = spec_definitions_for(category_slugs)
    cleaned: dict[str, Any] = {}
    errors: list[str] = []
    for key, value in specs.items():
        definition = definitions.get(key)
        if definition is None:
            errors.append(f"{key}: not a spec of this category")
            continue
        try:
            cleaned[key] = _coerce(definition, value)
        except ValueError as exc:
            errors.append(f"{key}: {exc}")
    if errors:
        raise ValidationError({"specs": errors})
    return cleaned


def spec_definitions_all() -> dict[str, SpecDefinition]:
    """Every spec definition by key: for callers that display many products at once."""
    return {d.key: d for d in SpecDefinition.objects.all()}


def specs_display(
    *,
    specs: dict[str, Any],
    language: str,
    key_only: bool = False,
    definitions: Mapping[str, SpecDefinition] | None = None,
) -> list[tuple[str, str]]:
    """(label, value with unit) pairs in taxonomy order, for product cards and compare
    tables. Pass `definitions` (spec_definitions_all()) when displaying many products, to
    skip a query per product."""
    if definitions is None:
        definitions = {d.key: d for d in SpecDefinition.objects.filter(key__in=list(specs))}
    rows: list[tuple[int, str, str]] = []
    for key, value in specs.items():
        definition = definitions.get(key)
        if definition is None:
            rows.append((10_000, key.replace("_", " ").title(), str(value)))
            continue
        if key_only and not definition.is_key_spec:
            continue
        if definition.value_type == SpecType.BOOLEAN:
            shown = ("نعم" if value else "لا") if language == "ar" else ("Yes" if value else "No")
        else:
            shown = f"{value} {definition.unit}".strip()
        rows.append((definition.sort_order, definition.label(language), shown))
    rows.sort(key=lambda row: row[0])
    return [(label, shown) for _, label, shown in rows]
