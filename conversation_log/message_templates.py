"""WhatsApp message templates: storing what the Graph API and its webhooks say about them,
and choosing the one to send for a purpose and language.

Synced fields (name, language, category, status, components, slots) are Meta's; purpose and
slot_map are the shop's and survive every sync.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import MessageTemplate, TemplateCategory, TemplateStatus

logger = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r"\{\{\s*(\d{1,2})\s*\}\}")


def template_slots_parse(components: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """The body text and the parameter slots of Meta's components: `header.n` and `body.n`
    for each `{{n}}` of the header/body text, `button.<index>` for a URL button whose URL
    ends in a placeholder."""
    body_text = ""
    slots: list[str] = []
    for component in components if isinstance(components, list) else []:
        if not isinstance(component, dict):
            continue
        kind = str(component.get("type", "")).upper()
        if kind in {"HEADER", "BODY"}:
            if kind == "HEADER" and str(component.get("format", "TEXT")).upper() != "TEXT":
                continue
            text = str(component.get("text", ""))
            if kind == "BODY":
                body_text = text
            numbers = sorted({int(n) for n in _PLACEHOLDER.findall(text)})
            slots.extend(f"{kind.lower()}.{n}" for n in numbers)
        elif kind == "BUTTONS":
            for index, button in enumerate(component.get("buttons") or []):
                if not isinstance(button, dict):
                    continue
                if str(button.get("type", "")).upper() == "URL" and _PLACEHOLDER.search(
                    str(button.get("url", ""))
                ):
                    slots.append(f"button.{index}")
    return body_text, slots


def _status(value: Any) -> str:
    status = str(value or "").upper()
    return status if status in TemplateStatus.values else TemplateStatus.UNKNOWN


@transaction.atomic
def message_template_upsert(*, data: dict[str, Any]) -> MessageTemplate:
    """Create or update one template from the Graph API's `message_templates` item. The
    shop's purpose is kept; slot mappings to slots the template no longer has are dropped."""
    name = str(data["name"])[:512]
    language = str(data.get("language", ""))[:15]
    components = data.get("components") or []
    body_text, slots = template_slots_parse(components)
    category = str(data.get("category", "")).lower()
    now = timezone.now()
    template, _ = MessageTemplate.objects.select_for_update().get_or_create(
        name=name, language=language
    )
    template.meta_id = str(data.get("id", ""))[:64]
    template.category = category if category in TemplateCategory.values else ""
    new_status = _status(data.get("status"))
    if new_status != template.status:
        template.status_updated_at = now
    template.status = new_status
    template.components = components
    template.body_text = body_text
    template.slots = slots
    template.slot_map = {k: v for k, v in (template.slot_map or {}).items() if k in slots}
    template.synced_at = now
    template.save()
    return template


def message_template_status_update(
    *,
    name: str,
    language: str,
    event: str,
    meta_id: str = "",
    reason: str = "",
    at: datetime | None = None,
) -> bool:
    """Apply a `message_template_status_update` webhook (APPROVED, REJECTED, PAUSED, …) to
    the stored template, unless it is older (`at`, Meta's time) than what the row already
    holds from a later webhook or sync: webhooks arrive out of order and are redelivered.
    False when nothing changed (an older event, or a template the next sync adds)."""
    status = _status(event)
    at = at or timezone.now()
    rows = MessageTemplate.objects.filter(name=name, language=language)
    if not rows.exists() and meta_id:
        rows = MessageTemplate.objects.filter(meta_id=meta_id)
    if not rows.exists():
        logger.info(
            "status %s for unknown template %s/%s; the next sync adds it", status, name, language
        )
        return False
    changed = (
        rows.filter(Q(status_updated_at__isnull=True) | Q(status_updated_at__lte=at))
        .filter(Q(synced_at__isnull=True) | Q(synced_at__lte=at))
        .update(status=status, status_reason=(reason or "")[:300], status_updated_at=at)
    )
    if not changed:
        logger.info("an older status %s of template %s/%s ignored", status, name, language)
    return bool(changed)


def _language_matches(template_language: str, language: str) -> bool:
    return template_language == language or template_language.startswith(f"{language}_")


def message_template_for(*, purpose: str, languages: list[str]) -> MessageTemplate | None:
    """The approved template for `purpose` in the first of `languages` that has one (an
    exact code before a regional one: "en" before "en_US"); None when there is none."""
    candidates = list(
        MessageTemplate.objects.filter(purpose=purpose, status=TemplateStatus.APPROVED).order_by(
            "-synced_at", "-id"
        )
    )
    for language in languages:
        exact = [t for t in candidates if t.language == language]
        if exact:
            return exact[0]
        regional = [t for t in candidates if _language_matches(t.language, language)]
        if regional:
            return regional[0]
    return None
