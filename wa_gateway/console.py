"""A WhatsApp customer in the console: each line becomes a real signed Graph webhook
posted through the same view and pipeline as production; replies are read back from the
outbound message log and rendered with numbered buttons and rows.

One line is the shop's, not the customer's: `/ship CARRIER TRACKING [https://link]` ships
the customer's latest order as staff do in admin (`order_ship_with_tracking`), and shows
the shipping update the customer receives."""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.test import Client
from django.urls import reverse

from conversation_log.models import Chat, Direction, Message
from orders.selectors import order_list
from orders.updates import order_ship_with_tracking
from users.selectors import customer_get

_SHIP = re.compile(r"^/ship\s+(\S+)\s+(\S+)(?:\s+(https://\S+))?\s*$")
_LOCATION = re.compile(r"^/loc\s+(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*(.*)$")
_MEDIA = {
    "/voice": "audio",
    "/audio": "audio",
    "/image": "image",
    "/sticker": "sticker",
    "/video": "video",
    "/document": "document",
}


@dataclass
class Option:
    kind: str  # "button" or "list"
    id: str
    title: str


@dataclass
class Rendered:
    text: str
    options: list[Option] = field(default_factory=list)


def render_body(body: dict[str, Any], start: int = 1) -> Rendered:
    """Readable text of a Graph `messages` body; options numbered from `start`."""
    kind = body.get("type")
    if kind == "text":
        return Rendered(body["text"]["body"])
    if kind == "template":
        template = body["template"]
        values = [
            parameter.get("text") or parameter.get(parameter["type"], {}).get("fallback_value", "")
            for component in template.get("components", [])
            for parameter in component.get("parameters", [])
        ]
        return Rendered(f"[template {template['name']}] " + " · ".join(values))
    if kind == "image":
        image = body["image"]
        return Rendered(
            "\n".join(
                p
                for p in (
                    f"[image] {image.get('link') or image.get('id')}",
                    image.get("caption", ""),
                )
                if p
            )
        )
    interactive = body.get("interactive", {})
    lines: list[str] = []
    header = interactive.get("header") or {}
    if header.get("type") == "text":
        lines.append(f"*{header['text']}*")
    elif header.get("type") == "image":
        lines.append(f"[image] {header['image'].get('link', '')}")
    lines.append(interactive.get("body", {}).get("text", ""))
    options: list[Option] = []
    counter = itertools.count(start)
    if interactive.get("type") == "button":
        for button in interactive["action"]["buttons"]:
            number = next(counter)
            options.append(Option("button", button["reply"]["id"], button["reply"]["title"]))
            lines.append(f"  ({number}) {button['reply']['title']}")
    elif interactive.get("type") == "list":
        lines.append(f"  [{interactive['action']['button']}]")
        for section in interactive["action"]["sections"]:
            if section.get("title"):
                lines.append(f"  — {section['title']}")
            for row in section["rows"]:
                number = next(counter)
                options.append(Option("list", row["id"], row["title"]))
                description = f" · {row['description']}" if row.get("description") else ""
                lines.append(f"  ({number}) {row['title']}{description}")
    elif interactive.get("type") == "cta_url":
        parameters = interactive["action"]["parameters"]
        lines.append(f"  [{parameters['display_text']}] {parameters['url']}")
    elif interactive.get("type") == "product":
        lines.append(f"  [catalog product {interactive['action']['product_retailer_id']}]")
    elif interactive.get("type") == "product_list":
        for section in interactive["action"]["sections"]:
            if section.get("title"):
                lines.append(f"  — {section['title']}")
            lines.extend(
                f"  [catalog product {item['product_retailer_id']}]"
                for item in section["product_items"]
            )
    elif interactive.get("type") == "location_request_message":
        lines.append("  (share a location: /loc LAT,LON [name])")
    footer = interactive.get("footer", {}).get("text")
    if footer:
        lines.append(f"_{footer}_")
    return Rendered("\n".join(line for line in lines if line), options)


class ConsoleCustomer:
    """Plays one customer against the webhook."""

    def __init__(self, *, phone: str, name: str, reply_timeout: float = 15.0) -> None:
        self.phone = phone
        self.name = name
        self.reply_timeout = reply_timeout
        self.client = Client()
        self.options: list[Option] = []
        self._counter = itertools.count(int(time.time() * 1000))
        self._last_seen = self._latest_outbound_id()

    # --- building and posting webhooks -----------------------------------------------------
    def _wamid(self) -> str:
        return f"wamid.console.{self.phone}.{next(self._counter)}"

    def message_for(self, line: str) -> dict[str, Any]:
        line = line.strip()
        base = {"from": self.phone, "id": self._wamid(), "timestamp": str(int(time.time()))}
        if line.isdigit() and 1 <= int(line) <= len(self.options):
            option = self.options[int(line) - 1]
            reply_type = "button_reply" if option.kind == "button" else "list_reply"
            return {
                **base,
                "type": "interactive",
                "interactive": {
                    "type": reply_type,
                    reply_type: {"id": option.id, "title": option.title},
                },
            }
        match = _LOCATION.match(line)
        if match:
            lat, lon, label = match.groups()
            return {
                **base,
                "type": "location",
                "location": {
                    "latitude": float(lat),
                    "longitude": float(lon),
                    "name": label.strip(),
                },
            }
        if line in _MEDIA:
            kind = _MEDIA[line]
            return {
                **base,
                "type": kind,
                kind: {
                    "id": f"media-{next(self._counter)}",
                    "mime_type": "application/octet-stream",
                },
            }
        return {**base, "type": "text", "text": {"body": line}}

    def webhook_for(self, message: dict[str, Any]) -> dict[str, Any]:
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "console",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": "15550000000",
                                    "phone_number_id": settings.WA_PHONE_ID or "console",
                                },
                                "contacts": [{"profile": {"name": self.name}, "wa_id": self.phone}],
                                "messages": [message],
                            },
                        }
                    ],
                }
            ],
        }

    @staticmethod
    def is_staff_line(line: str) -> bool:
        return bool(_SHIP.match(line.strip()))

    def staff_ship(self, line: str) -> list[Rendered]:
        """`/ship CARRIER TRACKING [URL]`: ship this customer's latest order as staff do in
        admin; the replies are the updates the customer receives."""
        match = _SHIP.match(line.strip())
        if match is None:
            raise ValueError("usage: /ship CARRIER TRACKING [https://tracking-link]")
        customer = customer_get(wa_id=self.phone)
        orders = order_list(customer=customer, limit=1) if customer else []
        if not orders:
            raise ValueError("this customer has no order to ship")
        carrier, tracking_number, tracking_url = match.groups()
        order_ship_with_tracking(
            order=orders[0],
            carrier=carrier,
            tracking_number=tracking_number,
            tracking_url=tracking_url or "",
            actor="staff (console)",
        )
        return self.replies()

    def say(self, line: str) -> list[Rendered]:
        from wa_gateway.signatures import signature_header

        if self.is_staff_line(line):
            return self.staff_ship(line)

        body = json.dumps(self.webhook_for(self.message_for(line))).encode()
        headers = {}
        if settings.WA_APP_SECRET:
            headers["HTTP_X_HUB_SIGNATURE_256"] = signature_header(
                body=body, secret=settings.WA_APP_SECRET
            )
        response = self.client.post(
            reverse("wa_gateway:webhook"), data=body, content_type="application/json", **headers
        )
        if response.status_code != 200:
            raise RuntimeError(
                f"webhook answered {response.status_code}: {response.content[:200]!r}"
            )
        return self.replies()

    # --- reading replies -------------------------------------------------------------------
    def _latest_outbound_id(self) -> int:
        last = (
            Message.objects.filter(direction=Direction.OUTBOUND)
            .order_by("-id")
            .values_list("id", flat=True)
            .first()
        )
        return last or 0

    def _new_outbound(self) -> list[Message]:
        chat = Chat.objects.filter(customer__wa_id=self.phone).first()
        if chat is None:
            return []
        return list(
            Message.objects.filter(
                chat=chat, direction=Direction.OUTBOUND, id__gt=self._last_seen
            ).order_by("id")
        )

    def replies(self) -> list[Rendered]:
        deadline = time.monotonic() + (
            0 if settings.CELERY_TASK_ALWAYS_EAGER else self.reply_timeout
        )
        messages = self._new_outbound()
        while not messages and time.monotonic() < deadline:
            time.sleep(0.1)
            messages = self._new_outbound()
        rendered: list[Rendered] = []
        options: list[Option] = []
        for message in messages:
            item = render_body(message.body, start=len(options) + 1)
            options.extend(item.options)
            rendered.append(item)
            self._last_seen = max(self._last_seen, message.pk)
        if options:
            self.options = options
        return rendered


def script_lines(lines: Iterable[str]) -> list[str]:
    """Customer lines of a script file: blank lines and `#` comments are skipped."""
    return [
        line.rstrip("\n") for line in lines if line.strip() and not line.lstrip().startswith("#")
    ]
