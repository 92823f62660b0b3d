"""Parsing of WhatsApp Cloud API webhook bodies (Graph v16+): every entry, every change,
every message, status and contact; nothing but the first one is a classic bug."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

# The columns they are stored in (InboundEvent.wamid, Customer.wa_id).
WAMID_MAX = 128
WA_ID_MAX = 32


class InvalidWebhook(ValueError):
    """The body is not a WhatsApp Business Account webhook."""


@dataclass(frozen=True)
class ParsedMessage:
    wamid: str
    wa_id: str
    profile_name: str
    msg_type: str
    timestamp: datetime
    raw: dict[str, Any]


@dataclass(frozen=True)
class ParsedStatus:
    wamid: str
    status: str
    timestamp: datetime
    recipient_id: str
    error_code: int | None = None
    error_title: str = ""


@dataclass
class ParsedWebhook:
    messages: list[ParsedMessage] = field(default_factory=list)
    statuses: list[ParsedStatus] = field(default_factory=list)


def _timestamp(value: Any) -> datetime:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return datetime.now(tz=UTC)


def parse_webhook(body: Any) -> ParsedWebhook:
    if not isinstance(body, dict) or body.get("object") != "whatsapp_business_account":
        raise InvalidWebhook("not a whatsapp_business_account webhook")
    entries = body.get("entry")
    if not isinstance(entries, list):
        raise InvalidWebhook("entry must be a list")
    parsed = ParsedWebhook()
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("changes", []), list):
            raise InvalidWebhook("malformed entry")
        for change in entry.get("changes", []):
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict):
                raise InvalidWebhook("malformed change")
            names = {
                c.get("wa_id"): (c.get("profile") or {}).get("name", "")
                for c in value.get("contacts", []) or []
                if isinstance(c, dict)
            }
            for message in value.get("messages", []) or []:
                if (
                    not isinstance(message, dict)
                    or not message.get("id")
                    or not message.get("from")
                ):
                    raise InvalidWebhook("message without id or sender")
                if len(str(message["id"])) > WAMID_MAX or len(str(message["from"])) > WA_ID_MAX:
                    # Meta's ids are far shorter; storing it would fail on every retry.
                    raise InvalidWebhook("message id or sender too long")
                parsed.messages.append(
                    ParsedMessage(
                        wamid=str(message["id"]),
                        wa_id=str(message["from"]),
                        profile_name=str(names.get(message["from"], "") or ""),
                        msg_type=str(message.get("type") or "unsupported")[:24],
                        timestamp=_timestamp(message.get("timestamp")),
                        raw=message,
                    )
                )
            for status in value.get("statuses", []) or []:
                if not isinstance(status, dict) or not status.get("id"):
                    raise InvalidWebhook("status without id")
                errors = status.get("errors") or [{}]
                error = errors[0] if isinstance(errors, list) and errors else {}
                parsed.statuses.append(
                    ParsedStatus(
                        wamid=str(status["id"]),
                        status=str(status.get("status", "")),
                        timestamp=_timestamp(status.get("timestamp")),
                        recipient_id=str(status.get("recipient_id", "")),
                        error_code=error.get("code") if isinstance(error, dict) else None,
                        error_title=str(
                            (error.get("error_data") or {}).get("details")
                            or error.get("title")
                            or error.get("message")
                            or ""
                        )
                        if isinstance(error, dict)
                        else "",
                    )
                )
    return parsed


def message_content(raw: dict[str, Any]) -> dict[str, Any]:
    """The parts of a message the dialog needs: text, pressed reply, location, media."""
    kind = raw.get("type", "")
    content: dict[str, Any] = {"text": "", "reply_id": "", "reply_title": "", "media_id": ""}
    if kind == "text":
        content["text"] = str((raw.get("text") or {}).get("body", ""))
    elif kind == "interactive":
        interactive = raw.get("interactive") or {}
        reply = interactive.get("button_reply") or interactive.get("list_reply") or {}
        content["reply_id"] = str(reply.get("id", ""))
        content["reply_title"] = str(reply.get("title", ""))
    elif kind == "button":
        button = raw.get("button") or {}
        content["reply_id"] = str(button.get("payload", ""))
        content["reply_title"] = content["text"] = str(button.get("text", ""))
    elif kind == "location":
        location = raw.get("location") or {}
        try:
            content["location"] = {
                "latitude": Decimal(str(location["latitude"])),
                "longitude": Decimal(str(location["longitude"])),
                "name": str(location.get("name", "")),
                "address": str(location.get("address", "")),
            }
        except (KeyError, InvalidOperation):
            content["location"] = None
    elif kind in {"image", "audio", "video", "document", "sticker"}:
        media = raw.get(kind) or {}
        content["media_id"] = str(media.get("id", ""))
        content["text"] = str(media.get("caption", ""))
    elif kind == "reaction":
        content["text"] = str((raw.get("reaction") or {}).get("emoji", ""))
    elif kind == "order":
        content["text"] = str((raw.get("order") or {}).get("text", ""))
    return content
