"""Builders of WhatsApp Cloud API (Graph v16+) webhook bodies, as Meta sends them."""

from __future__ import annotations

import itertools
import time
from typing import Any

PHONE_NUMBER_ID = "123"
_counter = itertools.count(1)


def new_wamid() -> str:
    return f"wamid.TEST{next(_counter):08d}"


def now_ts() -> int:
    return int(time.time())


def message(
    *,
    wa_id: str,
    kind: str,
    content: dict[str, Any] | None,
    wamid: str | None = None,
    ts: int | None = None,
) -> dict[str, Any]:
    """One inbound message object (`messages[]` item) of `kind` carrying `content`."""
    body: dict[str, Any] = {
        "from": wa_id,
        "id": wamid or new_wamid(),
        "timestamp": str(ts if ts is not None else now_ts()),
        "type": kind,
    }
    if content is not None:
        body[kind] = content
    return body


def webhook(
    *,
    messages: list[dict[str, Any]] | None = None,
    statuses: list[dict[str, Any]] | None = None,
    names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One entry, one change; `names` maps wa_id → profile name for `contacts`."""
    senders = {m["from"] for m in messages or []}
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550000000", "phone_number_id": PHONE_NUMBER_ID},
    }
    if messages:
        value["contacts"] = [
            {
                "profile": {"name": (names or {}).get(wa_id, f"Customer {wa_id[-4:]}")},
                "wa_id": wa_id,
            }
            for wa_id in sorted(senders)
        ]
        value["messages"] = messages
    if statuses:
        value["statuses"] = statuses
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA-1", "changes": [{"field": "messages", "value": value}]}],
    }


def text_message(
    wa_id: str, text: str, wamid: str | None = None, ts: int | None = None
) -> dict[str, Any]:
    return webhook(
        messages=[message(wa_id=wa_id, kind="text", content={"body": text}, wamid=wamid, ts=ts)]
    )


def button_reply(
    wa_id: str,
    reply_id: str,
    title: str = "Button",
    wamid: str | None = None,
    ts: int | None = None,
) -> dict[str, Any]:
    content = {"type": "button_reply", "button_reply": {"id": reply_id, "title": title}}
    return webhook(
        messages=[message(wa_id=wa_id, kind="interactive", content=content, wamid=wamid, ts=ts)]
    )


def list_reply(
    wa_id: str,
    reply_id: str,
    title: str = "Row",
    wamid: str | None = None,
    ts: int | None = None,
) -> dict[str, Any]:
    content = {
        "type": "list_reply",
        "list_reply": {"id": reply_id, "title": title, "description": ""},
    }
    return webhook(
        messages=[message(wa_id=wa_id, kind="interactive", content=content, wamid=wamid, ts=ts)]
    )


def location(
    wa_id: str,
    latitude: float,
    longitude: float,
    name: str = "",
    address: str = "",
    wamid: str | None = None,
    ts: int | None = None,
) -> dict[str, Any]:
    content = {"latitude": latitude, "longitude": longitude, "name": name, "address": address}
    return webhook(
        messages=[message(wa_id=wa_id, kind="location", content=content, wamid=wamid, ts=ts)]
    )


def status(
    wamid: str,
    state: str,
    recipient_id: str,
    ts: int | None = None,
    error_code: int | None = None,
    error_title: str = "",
) -> dict[str, Any]:
    """A delivery status callback for one of our outbound messages."""
    item: dict[str, Any] = {
        "id": wamid,
        "status": state,
        "timestamp": str(ts if ts is not None else now_ts()),
        "recipient_id": recipient_id,
    }
    if error_code is not None:
        item["errors"] = [
            {"code": error_code, "title": error_title, "error_data": {"details": error_title}}
        ]
    return webhook(statuses=[item])
