"""Hand-written statements for what every turn runs (a "hi" turn runs each once).

Why: compiling a queryset costs about a thousand Python calls per statement, most of a
worker's CPU on a short turn; the same SELECT written out costs a few dozen. These are the
same statements the ORM would send, in the same transactions: only the compiling is gone.

How it stays true to the models: a statement names its tables `{alias_model}` and its
columns `alias.column`, with the aliases of `TABLES`; `lean_sql_format` fills in the
quoted table names, and the tests check every `alias.column` of every statement against
the model's fields, so a renamed field fails a test, not a turn. Rows become model
instances through the backend's own converters (aware datetimes, JSON, booleans), as a
queryset's would.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model

from users.models import Customer

from .models import Chat, EarlyStatus, Message

M = TypeVar("M", bound=Model)

# The alias each statement uses for a table, and the model that owns it.
TABLES: dict[str, type[Model]] = {
    "chat": Chat,
    "msg": Message,
    "cust": Customer,
    "early": EarlyStatus,
}
_COLUMN_REF = re.compile(r"\b(" + "|".join(TABLES) + r")\.(\w+)")


def lean_sql_columns(sql: str) -> list[tuple[type[Model], str]]:
    """Each (model, column) a statement names: what the tests hold against the models."""
    return [(TABLES[alias], column) for alias, column in _COLUMN_REF.findall(sql)]


# A higher app's own tables, as (alias, model) pairs: `(("event", InboundEvent),)`.
ExtraTables = tuple[tuple[str, type[Model]], ...]


@lru_cache(maxsize=64)
def _formatted(sql: str, vendor: str, extra: ExtraTables) -> str:
    quote = connection.ops.quote_name
    tables = {**TABLES, **dict(extra)}
    return sql.format(**{alias: quote(model._meta.db_table) for alias, model in tables.items()})


def lean_sql_format(sql: str, extra: ExtraTables = ()) -> str:
    """The statement with its `{alias}` placeholders replaced by the quoted table names
    (those of `TABLES` and of `extra`)."""
    return _formatted(sql, connection.vendor, extra)


def lean_sql_fetch(
    sql: str, params: Sequence[Any], *, one: bool = False, extra: ExtraTables = ()
) -> list[tuple]:
    """Run a read and return its rows (at most one with `one`)."""
    with connection.cursor() as cursor:
        cursor.execute(lean_sql_format(sql, extra), params)
        if one:
            row = cursor.fetchone()
            return [row] if row is not None else []
        return cursor.fetchall()


def lean_sql_execute(sql: str, params: Sequence[Any]) -> int:
    """Run a write; returns the rows it matched (an UPDATE's count, as `QuerySet.update`)."""
    with connection.cursor() as cursor:
        cursor.execute(lean_sql_format(sql), params)
        return cursor.rowcount


def lean_sql_set_list(alias: str, attnames: Sequence[str]) -> str:
    """`column = %s, …` for an UPDATE of the model fields named by attribute name. Bare
    column names (SQLite takes no alias in SET), resolved here: a renamed field fails when
    the statement is built."""
    model = TABLES[alias]
    return ", ".join(f"{model._meta.get_field(a).column} = %s" for a in attnames)


def lean_sql_select_list(alias: str, attnames: Sequence[str]) -> str:
    """`alias.column, …` for the model fields named by attribute name, in that order."""
    model = TABLES[alias]
    return ", ".join(f"{alias}.{model._meta.get_field(a).column}" for a in attnames)


def lean_sql_all_fields(model: type[Model]) -> tuple[str, ...]:
    """The attribute names of all of a model's concrete fields (a whole-row read)."""
    return tuple(f.attname for f in model._meta.concrete_fields)


@lru_cache(maxsize=256)
def _converters(ops: Any, model: type[Model], attnames: tuple[str, ...]) -> tuple:
    # What a queryset applies to each column: the backend's converters, then the field's.
    # Keyed by the connection's operations object: each thread has its own connection.
    table = model._meta.db_table
    out = []
    for attname in attnames:
        field = next(f for f in model._meta.concrete_fields if f.attname == attname)
        col = field.get_col(table)
        funcs = tuple(ops.get_db_converters(col)) + tuple(field.get_db_converters(ops.connection))
        out.append((funcs, col))
    return tuple(out)


@lru_cache(maxsize=64)
def _model_order(model: type[Model], attnames: tuple[str, ...]) -> tuple[int, ...]:
    # Model.from_db takes the values of the fields loaded in the model's field order.
    position = {attname: i for i, attname in enumerate(attnames)}
    return tuple(position[f.attname] for f in model._meta.concrete_fields if f.attname in position)


def lean_sql_instance(model: type[M], attnames: tuple[str, ...], values: Sequence[Any]) -> M:
    """A model instance from a row of the fields named (in any order; the others are
    deferred), converted as a queryset converts them."""
    converted = []
    for value, (funcs, col) in zip(
        values, _converters(connection.ops, model, attnames), strict=True
    ):
        for func in funcs:
            value = func(value, col, connection)
        converted.append(value)
    order = _model_order(model, attnames)
    return model.from_db(
        connection.alias, [attnames[i] for i in order], [converted[i] for i in order]
    )


def lean_sql_value(model: type[Model], attname: str, value: Any) -> Any:
    """One column's value converted as a queryset converts it."""
    ((funcs, col),) = _converters(connection.ops, model, (attname,))
    for func in funcs:
        value = func(value, col, connection)
    return value
