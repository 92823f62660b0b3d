"""Parsing of WhatsApp Cloud API webhook bodies (Graph v16+): every entry, every change,
every message, status and contact; nothing but the first one is a classic bug.

A body is checked whole before anything is stored (`webhook_decode`, then `parse_webhook`
against `schema.Webhook`): a malformed item late in a batch refuses the whole batch, so
nothing of it is half-stored and redelivered forever."""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from pydantic import ValidationError

from .schema import TIMESTAMP_MAX, WA_ID_MAX, WAMID_MAX, Webhook

__all__ = [
    "WAMID_MAX",
    "WA_ID_MAX",
    "InvalidWebhook",
    "ParsedMessage",
    "ParsedStatus",
    "ParsedTemplateStatus",
    "ParsedWebhook",
    "message_content",
    "parse_webhook",
    "webhook_decode",
]

logger = logging.getLogger(__name__)


class InvalidWebhook(ValueError):
    """The body is not a WhatsApp Business Account webhook we can store whole."""


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
    callback_data: str = ""


@dataclass(frozen=True)
class ParsedTemplateStatus:
    """A `message_template_status_update`: Meta approved, rejected, paused… a template."""

    name: str
    language: str
    event: str
    template_id: str = ""
    reason: str = ""
    # The entry's `time` (when Meta says it happened); None when absent.
    at: datetime | None = None


TEMPLATE_STATUS_FIELD = "message_template_status_update"


@dataclass
class ParsedWebhook:
    messages: list[ParsedMessage] = field(default_factory=list)
    statuses: list[ParsedStatus] = field(default_factory=list)
    template_statuses: list[ParsedTemplateStatus] = field(default_factory=list)
    # Messages and statuses addressed to another phone number id: acknowledged, ignored.
    foreign: int = 0


# A JSON string, escapes included: brackets inside one do not nest. Unrolled so that a
# long string is one cheap match.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
_OPENERS = frozenset(b"[{")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _nesting_exceeds(body: bytes, limit: int) -> bool:
    """Whether the JSON text nests arrays and objects deeper than `limit`, found without
    decoding (json.loads recurses once per level)."""
    if body.count(b"[") + body.count(b"{") <= limit:  # most bodies: no need to look closer
        return False
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    if brackets.count(b"[") + brackets.count(b"{") <= limit:
        return False
    depth = 0
    for byte in brackets:
        if byte in _OPENERS:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):  # 1e400
        raise ValueError("number out of range")
    return number


def webhook_decode(body: bytes, *, max_depth: int | None = None) -> Any:
    """The JSON value of a webhook body: strict UTF-8, nested at most `max_depth` deep
    (default `WEBHOOK_MAX_DEPTH`), finite numbers only (no NaN or Infinity)."""
    limit = settings.WEBHOOK_MAX_DEPTH if max_depth is None else max_depth
    try:
        text = body.decode("utf-8")  # strict: no encoded surrogates either
    except UnicodeDecodeError:
        raise InvalidWebhook("body is not UTF-8") from None
    if _nesting_exceeds(body, limit):
        raise InvalidWebhook(f"JSON nested deeper than {limit}")
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise InvalidWebhook(f"invalid JSON: {str(exc)[:100]}") from None


def _item_count(body: Any) -> int:
    """Messages and statuses of every change, counted before they are validated."""
    count = 0
    entries = body.get("entry") if isinstance(body, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        for change in changes if isinstance(changes, list) else []:
            value = change.get("value") if isinstance(change, dict) else None
            if isinstance(value, dict):
                for key in ("messages", "statuses"):
                    items = value.get(key)
                    count += len(items) if isinstance(items, list) else 0
    return count


def _storable(body: Any) -> None:
    """Every string (keys too) encodes to UTF-8 (a lone surrogate such as "\\ud800" breaks
    utf8mb4 storage) and every number is finite: what the payload column will hold. A walk,
    not json.dumps: that escapes a 3 MB string character by character."""
    stack = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if not node.isascii() and _SURROGATE.search(node):
                raise InvalidWebhook("a string holds a lone surrogate")
        elif isinstance(node, dict):
            stack.extend(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, float) and not math.isfinite(node):
            raise InvalidWebhook("a number is not finite")
        elif node is not None and not isinstance(node, bool | int | float):
            raise InvalidWebhook(f"not JSON: {type(node).__name__}")


def _first_error(exc: ValidationError) -> str:
    """Where and what, never the offending value (it may be a customer's text)."""
    errors = exc.errors(include_url=False, include_input=False)
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"]) or "body"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}"[:200] + more


def _timestamp(value: int | None) -> datetime:
    if value is None:
        return datetime.now(tz=UTC)
    return datetime.fromtimestamp(value, tz=UTC)


def parse_webhook(
    body: Any, *, max_items: int | None = None, phone_number_id: str | None = None
) -> ParsedWebhook:
    """The messages and statuses of a decoded webhook body, checked whole first: its shape
    (`schema.Webhook`), at most `max_items` messages + statuses (default
    `WEBHOOK_MAX_ITEMS`), strings that can be stored. Raises InvalidWebhook, having read
    nothing into the result, on the first problem anywhere.

    A change for a phone number id other than `phone_number_id` (default `WA_PHONE_ID`; no
    check when empty) is counted in `foreign` and otherwise ignored."""
    limit = settings.WEBHOOK_MAX_ITEMS if max_items is None else max_items
    ours = settings.WA_PHONE_ID if phone_number_id is None else phone_number_id
    if not isinstance(body, dict) or body.get("object") != "whatsapp_business_account":
        raise InvalidWebhook("not a whatsapp_business_account webhook")
    if (count := _item_count(body)) > limit:
        raise InvalidWebhook(f"{count} messages and statuses, more than {limit}")
    _storable(body)
    try:
        webhook = Webhook.model_validate(body)
    except ValidationError as exc:
        raise InvalidWebhook(_first_error(exc)) from None
    parsed = ParsedWebhook()
    for entry, raw_entry in zip(webhook.entry, body["entry"], strict=True):
        for change, raw_change in zip(entry.changes, raw_entry.get("changes", []), strict=True):
            value = change.value
            if change.field == TEMPLATE_STATUS_FIELD:
                _template_status(parsed, raw_entry=raw_entry, value=value)
                continue
            if ours and (value.metadata is None or value.metadata.phone_number_id != ours):
                parsed.foreign += len(value.messages) + len(value.statuses)
                continue
            names = {c.wa_id: c.profile.name for c in value.contacts if c.profile}
            for message, raw in zip(
                value.messages, raw_change["value"].get("messages", []), strict=True
            ):
                parsed.messages.append(
                    ParsedMessage(
                        wamid=message.id,
                        wa_id=message.from_,
                        profile_name=names.get(message.from_, ""),
                        msg_type=(message.type or "unsupported")[:24],
                        timestamp=_timestamp(message.timestamp),
                        raw=raw,
                    )
                )
            for status in value.statuses:
                error = status.errors[0] if status.errors else None
                parsed.statuses.append(
                    ParsedStatus(
                        wamid=status.id,
                        status=status.status,
                        timestamp=_timestamp(status.timestamp),
                        recipient_id=status.recipient_id,
                        callback_data=status.biz_opaque_callback_data,
                        error_code=error.code if error else None,
                        error_title=(
                            (error.error_data.details if error.error_data else "")
                            or error.title
                            or error.message
                        )
                        if error
                        else "",
                    )
                )
    if parsed.foreign:
        # Not the number, not the text: a count is enough to notice a misrouted app.
        logger.warning(
            "webhook: %d messages/statuses for another phone number id ignored", parsed.foreign
        )
    return parsed


def _template_status(parsed: ParsedWebhook, *, raw_entry: dict[str, Any], value: Any) -> None:
    """Read a template status change of our business account (WA_WABA_ID; no check when
    empty). Another account's, or one without a name and event, is ignored."""
    entry_id = str(raw_entry.get("id", ""))
    time = raw_entry.get("time")
    at = (
        _timestamp(time)
        if isinstance(time, int) and not isinstance(time, bool) and 0 <= time <= TIMESTAMP_MAX
        else None
    )
    waba_id = settings.WA_WABA_ID
    if waba_id and entry_id and entry_id != waba_id:
        logger.warning("webhook: a template status of another business account ignored")
        return
    if not (value.event and value.message_template_name and value.message_template_language):
        logger.warning("webhook: a template status without name, language or event ignored")
        return
    parsed.template_statuses.append(
        ParsedTemplateStatus(
            name=value.message_template_name,
            language=value.message_template_language,
            event=value.event.upper(),
            template_id=value.message_template_id,
            reason=(value.reason or "")[:300],
            at=at,
        )
    )


# Media whose caption is what the customer wrote with it.
MEDIA_KINDS = frozenset({"image", "audio", "video", "document", "sticker"})


def message_content(raw: dict[str, Any]) -> dict[str, Any]:
    """The parts of a message the dialog needs: text, pressed reply, location, media, and
    for the richer kinds what they mean (see `dialog_engine.events.IncomingMessage`).

    An edited message (`type: edit`) reads as the message it now is (its `kind` is the new
    message's type, `edited` is set); a deleted one (`revoke`) carries the deleted id."""
    kind = str(raw.get("type", ""))
    content: dict[str, Any] = {
        "kind": kind,
        "text": "",
        "reply_id": "",
        "reply_title": "",
        "media_id": "",
        "mime_type": "",
        "voice": False,
        "edited": False,
        "refers_to": "",
        "referred_sku": "",
        "order_items": [],
        "system_type": "",
        "new_wa_id": "",
    }
    if kind == "edit":
        edit = raw.get("edit") or {}
        new = edit.get("message") or {}
        if isinstance(new, dict) and new.get("type"):
            content.update(message_content(new))
            content["edited"] = True
        content["refers_to"] = str(edit.get("original_message_id", ""))
        return content
    referred = (raw.get("context") or {}).get("referred_product") or {}
    content["referred_sku"] = str(referred.get("product_retailer_id", "")).strip()
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
    elif kind in MEDIA_KINDS:
        media = raw.get(kind) or {}
        content["media_id"] = str(media.get("id", ""))
        content["text"] = str(media.get("caption", ""))
        content["mime_type"] = str(media.get("mime_type", ""))
        content["voice"] = kind == "audio" and media.get("voice") is True
    elif kind == "reaction":
        reaction = raw.get("reaction") or {}
        content["text"] = str(reaction.get("emoji", ""))
        content["refers_to"] = str(reaction.get("message_id", ""))
    elif kind == "revoke":
        content["refers_to"] = str((raw.get("revoke") or {}).get("original_message_id", ""))
    elif kind == "order":
        order = raw.get("order") or {}
        content["text"] = str(order.get("text", ""))
        content["order_items"] = [
            (str(item["product_retailer_id"]).strip(), _quantity(item.get("quantity", 1)))
            for item in order.get("product_items") or []
            if isinstance(item, dict) and item.get("product_retailer_id")
        ]
    elif kind == "system":
        system = raw.get("system") or {}
        content["system_type"] = str(system.get("type", ""))
        # Not its body: Meta's English sentence is not the customer's words (nor language).
        content["new_wa_id"] = str(system.get("wa_id", ""))
    return content


def _quantity(value: Any) -> int:
    """A validated quantity (an integer, or a string of digits); anything else is 0, which
    the cart reports as a line it could not add."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    text = str(value)
    return int(text) if text.isdigit() else 0
