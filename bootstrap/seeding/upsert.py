"""Idempotent create-or-update keyed on a natural key, with an outcome tally."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import models

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"


@dataclass
class Tally:
    """How many rows of each kind were created, updated or left as they were."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += n

    def total(self, outcome: str) -> int:
        return sum(c[outcome] for c in self.counts.values())


def changed_fields(instance: models.Model, values: dict[str, Any]) -> list[str]:
    """Names of the fields whose current value differs from `values`."""
    return [name for name, value in values.items() if getattr(instance, name) != value]


def row_upsert(
    model: type[models.Model], *, lookup: dict[str, Any], values: dict[str, Any]
) -> tuple[models.Model, str]:
    """The row matching `lookup`, created with `values` or updated to them.

    Unlike `update_or_create`, an unchanged row is not written at all, so a second seed run
    leaves `updated_at` (and anything derived from it, like embedding freshness) alone.
    """
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean()
        instance.save()
        return instance, CREATED
    dirty = changed_fields(instance, values)
    if not dirty:
        return instance, UNCHANGED
    for name in dirty:
        setattr(instance, name, values[name])
    instance.full_clean()
    update_fields = list(dirty)
    if any(f.name == "updated_at" for f in model._meta.fields):
        update_fields.append("updated_at")
    instance.save(update_fields=update_fields)
    return instance, UPDATED
