"""The inbox drain's reads of stored events, written out (see conversation_log.lean_sql):
every turn runs each once, and compiling the querysets cost more than running them."""

from __future__ import annotations

from datetime import datetime

from conversation_log.lean_sql import (
    lean_sql_all_fields,
    lean_sql_fetch,
    lean_sql_instance,
    lean_sql_value,
)

from .models import InboundEvent

_EVENT_FIELDS = lean_sql_all_fields(InboundEvent)
_EVENT_COLUMNS = ", ".join(
    f"ev.{InboundEvent._meta.get_field(attname).column}" for attname in _EVENT_FIELDS
)
_UNPROCESSED = "WHERE ev.customer_id = %s AND ev.processed_at IS NULL"
# The customer's newest unprocessed event and the customer's chat, if any (the foreign key
# makes the customer's own row certain, so only the chat is joined).
_LATEST_UNPROCESSED = f"""
SELECT ev.wamid, ev.timestamp, chat.id FROM {{event}} ev
LEFT OUTER JOIN {{chat}} chat ON chat.customer_id = ev.customer_id
{_UNPROCESSED} ORDER BY ev.timestamp DESC, ev.id DESC LIMIT 1
"""
_ALL_UNPROCESSED = (
    f"SELECT {_EVENT_COLUMNS} FROM {{event}} ev {_UNPROCESSED} ORDER BY ev.timestamp, ev.id"
)


# Its tables beside conversation_log's (the chat).
_TABLES = (("event", InboundEvent),)


def inbound_event_latest_unprocessed(
    *, customer_id: int
) -> tuple[str, datetime, int | None] | None:
    """(wamid, sent at, the customer's chat id or None) of the customer's newest
    unprocessed event; None when their inbox is empty."""
    rows = lean_sql_fetch(_LATEST_UNPROCESSED, [customer_id], one=True, extra=_TABLES)
    if not rows:
        return None
    wamid, timestamp, chat_id = rows[0]
    return wamid, lean_sql_value(InboundEvent, "timestamp", timestamp), chat_id


def inbound_event_list_unprocessed(*, customer_id: int) -> list[InboundEvent]:
    """The customer's unprocessed events in (timestamp, id) order, whole rows."""
    rows = lean_sql_fetch(_ALL_UNPROCESSED, [customer_id], extra=_TABLES)
    return [lean_sql_instance(InboundEvent, _EVENT_FIELDS, row) for row in rows]
