"""Plays a conversation script (dialog_engine/scripts/*.yaml) through the real webhook:
each step is a signed Graph payload posted to /hook/ with the Django test client, the
pipeline runs (Celery eager, on-commit callbacks executed), and the replies the customer
would see are checked, with the database effects.

Script format::

    name: en_buy_phone            # unique
    language: en                  # en | ar (the customer's language)
    covers: [search, product_detail]   # states this script exercises
    given:                        # optional state of the world before the first step
      stock: {GAL-A15: 0}
      order: {sku: GAL-A15, quantity: 2, path: [shipped], language: ar}  # → ${order}
      other_order: {sku: IPH-13}  # another customer's order → ${other_order}
    steps:
      - say: hi                   # free text
      - press: Browse products    # a button or row of the latest replies, by title
      - press_id: "prd:NOPE"      # any id, as a stale/forged button would send
      - location: [24.7, 46.6, Home]
      - media: audio              # audio, sticker, image, video, document
      - catalog_cart: {GAL-A15: 2}  # a cart sent from the WhatsApp catalog (SKU: quantity)
      - set_stock: {GAL-S24: 1}   # the shop changes between two messages
      - wait_minutes: 90          # the customer is silent this long
      - staff_ends_handoff: true
        expect:
          contains: [Welcome]     # every string is in the replies
          absent: [Error]         # none of these is
          buttons: [Checkout]     # these button titles are offered
          rows: [Galaxy A15]      # these list rows are offered
          silent: true            # no reply at all
          messages: 1             # exactly this many messages in the reply
          state: checkout         # Chat.state after the turn
          db: {orders: 1, cart_items: 2, stock: {GAL-A15: 11}, language: ar,
               opted_out: false, handoff: true, stock_alerts: 1, order_status: cancelled,
               other_order_status: placed}
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.urls import reverse

from wa_gateway.console import ConsoleCustomer, Option, Rendered

SCRIPTS_DIR = Path(__file__).resolve().parent.parent / "scripts"


def scripts_load() -> list[dict[str, Any]]:
    scripts = []
    for path in sorted(SCRIPTS_DIR.glob("*.yaml")):
        script = yaml.safe_load(path.read_text(encoding="utf-8"))
        script["_path"] = path.name
        scripts.append(script)
    return scripts


@dataclass
class Turn:
    replies: list[Rendered]

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.replies)

    @property
    def options(self) -> list[Option]:
        return [o for r in self.replies for o in r.options]


class ScriptCustomer(ConsoleCustomer):
    """A ConsoleCustomer that can press options by title or id and send any message."""

    def __init__(self, *, phone: str, name: str) -> None:
        super().__init__(phone=phone, name=name)
        self._clock = int(time.time())

    def _base(self) -> dict[str, Any]:
        self._clock += 1  # strictly increasing timestamps: the inbox drains in order
        return {"from": self.phone, "id": self._wamid(), "timestamp": str(self._clock)}

    def post(self, message: dict[str, Any]) -> None:
        """Post one signed webhook; read the replies with `turn()` once the pipeline ran
        (in tests, after the on-commit callbacks)."""
        from wa_gateway.signatures import signature_header

        body = json.dumps(self.webhook_for(message)).encode()
        headers = {
            "HTTP_X_HUB_SIGNATURE_256": signature_header(body=body, secret=settings.WA_APP_SECRET)
        }
        response = self.client.post(
            reverse("wa_gateway:webhook"), data=body, content_type="application/json", **headers
        )
        assert response.status_code == 200, response.content[:300]

    def turn(self) -> Turn:
        return Turn(self.replies())

    def text_message(self, text: str) -> dict[str, Any]:
        return {**self._base(), "type": "text", "text": {"body": text}}

    def reply_message(self, option_id: str, title: str, kind: str = "button") -> dict[str, Any]:
        reply_type = "button_reply" if kind == "button" else "list_reply"
        return {
            **self._base(),
            "type": "interactive",
            "interactive": {"type": reply_type, reply_type: {"id": option_id, "title": title}},
        }

    def option_titled(self, title: str) -> Option:
        for option in self.options:
            if option.title == title:
                return option
        for option in self.options:
            if option.title.endswith("…") and title.startswith(option.title[:-1]):
                return option
        offered = [o.title for o in self.options]
        raise AssertionError(f"no option {title!r} among {offered}")

    def location_message(self, lat: float, lon: float, name: str) -> dict[str, Any]:
        return {
            **self._base(),
            "type": "location",
            "location": {"latitude": lat, "longitude": lon, "name": name},
        }

    def media_message(self, kind: str) -> dict[str, Any]:
        return {
            **self._base(),
            "type": kind,
            kind: {"id": f"media-{self._clock}", "mime_type": "application/octet-stream"},
        }

    def catalog_order_message(self, items: dict[str, int]) -> dict[str, Any]:
        """An `order` message: the cart the customer built in the WhatsApp catalog."""
        return {
            **self._base(),
            "type": "order",
            "order": {
                "catalog_id": "CATALOG-1",
                "text": "",
                "product_items": [
                    {
                        "product_retailer_id": sku,
                        "quantity": quantity,
                        "item_price": 1,
                        "currency": "USD",
                    }
                    for sku, quantity in items.items()
                ],
            },
        }
