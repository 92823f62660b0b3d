"""Template messages: syncing the business account's templates from the Graph API, and
turning a stored template plus the sender's values into a `dto.Template` that fits it.

A template is sent only when it is APPROVED and every slot it has is filled from the
staff's slot mapping: anything else is refused here, before a request is made."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings

from conversation_log.message_templates import message_template_upsert
from conversation_log.models import MessageTemplate, TemplateStatus
from wa_client.client import GraphClient

from .dto import (
    CurrencyParam,
    DateTimeParam,
    InvalidOutbound,
    Template,
    TemplateParam,
    TextParam,
    UrlButtonParam,
    normalise,
)

logger = logging.getLogger(__name__)

SYNC_PAGE_SIZE = 100
SYNC_MAX_PAGES = 200
_PLACEHOLDER = re.compile(r"\{\{\s*(\d{1,2})\s*\}\}")


class TemplateRefused(Exception):
    """The template cannot be sent with these values (not approved, a slot unmapped or
    without a value, a parameter beyond Graph's limits). The message says why."""


class TemplateSyncUnavailable(Exception):
    """No business account id (WA_WABA_ID) or no token: nothing to sync from."""


@dataclass(frozen=True)
class Money:
    """An amount for a currency slot (sent as Graph's `currency` parameter)."""

    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return f"{self.amount:.2f} {self.currency}"


def templates_sync(*, client: GraphClient | None = None, page_size: int = SYNC_PAGE_SIZE) -> int:
    """Page through `GET /{WA_WABA_ID}/message_templates` and upsert every template.
    Returns how many were stored. Raises TemplateSyncUnavailable without WA_WABA_ID or a
    token, GraphAPIError when the Graph API fails (nothing synced so far is undone)."""
    waba_id = settings.WA_WABA_ID
    if not waba_id or not (client or settings.WA_BEARER_TOKEN):
        raise TemplateSyncUnavailable("WA_WABA_ID and WA_BEARER_TOKEN are needed to sync")
    client = client or GraphClient()
    stored = 0
    after = ""
    for _page in range(SYNC_MAX_PAGES):
        page = client.message_templates_page(waba_id=waba_id, limit=page_size, after=after)
        for item in page.get("data") or []:
            if isinstance(item, dict) and item.get("name") and item.get("language"):
                message_template_upsert(data=item)
                stored += 1
        paging = page.get("paging") or {}
        after = str((paging.get("cursors") or {}).get("after") or "")
        if not paging.get("next") or not after:
            break
    else:
        logger.warning("template sync stopped after %d pages", SYNC_MAX_PAGES)
    logger.info("synced %d message templates", stored)
    return stored


def _button_url(template: MessageTemplate, index: int) -> str:
    for component in template.components or []:
        if isinstance(component, dict) and str(component.get("type", "")).upper() == "BUTTONS":
            buttons = component.get("buttons") or []
            if index < len(buttons) and isinstance(buttons[index], dict):
                return str(buttons[index].get("url", ""))
    return ""


def _button_suffix(template: MessageTemplate, index: int, value: str) -> str:
    """A full URL becomes the part after the button URL's fixed prefix
    (`https://track.example/{{1}}` + `https://track.example/AB12` → `AB12`)."""
    if not value.startswith(("http://", "https://")):
        return value
    prefix = _PLACEHOLDER.split(_button_url(template, index))[0]
    if prefix and value.startswith(prefix) and len(value) > len(prefix):
        return value[len(prefix) :]
    raise TemplateRefused(
        f"button {index}: {value[:80]!r} does not start with the template's URL {prefix!r}"
    )


def _param(value: Any) -> TemplateParam:
    if isinstance(value, Money):
        amount_1000 = int((value.amount * 1000).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
        return CurrencyParam(
            fallback_value=str(value), code=value.currency, amount_1000=amount_1000
        )
    if isinstance(value, datetime | date):
        return DateTimeParam(fallback_value=value.isoformat()[:16].replace("T", " "))
    return TextParam(text=str(value))


def template_message_build(*, template: MessageTemplate, values: Mapping[str, Any]) -> Template:
    """The `dto.Template` for `template` filled from `values` (slot source → value) through
    the template's slot map, within Graph's limits. Raises TemplateRefused."""
    if template.status != TemplateStatus.APPROVED:
        raise TemplateRefused(f"template {template} is {template.status}, not APPROVED")
    mapping = template.slot_map or {}
    filled: dict[str, Any] = {}
    for slot in template.slots or []:
        source = mapping.get(slot)
        if not source:
            raise TemplateRefused(f"template {template}: slot {slot} is not mapped")
        value = values.get(source)
        if value is None or value == "":
            raise TemplateRefused(f"template {template}: no {source} for slot {slot}")
        filled[slot] = value
    extra = set(mapping) - set(template.slots or [])
    if extra:
        raise TemplateRefused(f"template {template}: mapped slots it does not have: {extra}")
    body: list[TemplateParam] = []
    header: list[TextParam] = []
    buttons: list[UrlButtonParam] = []
    for part, target in (("header", header), ("body", body)):
        numbers = sorted(int(slot.split(".")[1]) for slot in filled if slot.startswith(f"{part}."))
        if numbers != list(range(1, len(numbers) + 1)):
            raise TemplateRefused(f"template {template}: {part} placeholders are not 1..n")
        for number in numbers:
            param = _param(filled[f"{part}.{number}"])
            if part == "header" and not isinstance(param, TextParam):
                param = TextParam(text=param.render())
            target.append(param)
    for slot, value in filled.items():
        if slot.startswith("button."):
            index = int(slot.split(".")[1])
            buttons.append(
                UrlButtonParam(index=index, suffix=_button_suffix(template, index, str(value)))
            )
    preview = _PLACEHOLDER.sub(
        lambda m: (
            body[int(m.group(1)) - 1].render() if int(m.group(1)) <= len(body) else m.group(0)
        ),
        template.body_text,
    )
    message = Template(
        name=template.name,
        language=template.language,
        body_params=tuple(body),
        header_params=tuple(header),
        buttons=tuple(sorted(buttons, key=lambda b: b.index)),
        preview=preview or f"[template {template.name}]",
    )
    try:
        (normalised,) = normalise(message)
    except InvalidOutbound as exc:
        raise TemplateRefused(f"template {template}: {exc}") from exc
    return normalised  # type: ignore[return-value]


def template_still_approved(*, body: Mapping[str, Any]) -> bool:
    """Whether the template of a stored `template` message body is (still) APPROVED: a
    template paused or disabled while the message waited is not sent."""
    template = body.get("template") or {}
    name = template.get("name", "")
    language = (template.get("language") or {}).get("code", "")
    return MessageTemplate.objects.filter(
        name=name, language=language, status=TemplateStatus.APPROVED
    ).exists()
