"""Message templates as the sync stores them, for tests of the proactive rule."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from conversation_log.message_templates import message_template_upsert
from conversation_log.models import MessageTemplate


def approved_template(
    *,
    name: str,
    purpose: str,
    language: str = "en",
    category: str = "utility",
    body: str = "Hello {{1}}",
    button_url: str = "",
    slot_map: dict[str, str] | None = None,
    status: str = "APPROVED",
) -> MessageTemplate:
    components: list[dict[str, Any]] = [{"type": "BODY", "text": body}]
    if button_url:
        components.append(
            {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Open", "url": button_url}]}
        )
    template = message_template_upsert(
        data={
            "name": name,
            "language": language,
            "status": status,
            "category": category.upper(),
            "id": f"{name}-{language}",
            "components": components,
        }
    )
    template.purpose = purpose
    template.slot_map = slot_map or {}
    template.synced_at = timezone.now()
    template.save()
    return template
