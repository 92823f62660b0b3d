"""Fixtures of the pipeline tests: a fake Graph API on a real local HTTP server and a
poster of signed webhooks through the Django test client. Imported by the conftest of
every app that tests the pipeline."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from werkzeug import Request, Response

from message_bus.dto import (
    BUTTON_ID_MAX,
    BUTTON_TITLE_MAX,
    BUTTONS_MAX,
    CTA_DISPLAY_TEXT_MAX,
    CTA_URL_MAX,
    FOOTER_MAX,
    HEADER_TEXT_MAX,
    INTERACTIVE_BODY_MAX,
    LIST_BUTTON_MAX,
    LIST_ROWS_MAX,
    PRODUCT_LIST_ITEMS_MAX,
    PRODUCT_LIST_SECTIONS_MAX,
    PRODUCT_SECTION_TITLE_MAX,
    ROW_DESCRIPTION_MAX,
    ROW_ID_MAX,
    ROW_TITLE_MAX,
    TEXT_MAX,
)
from wa_gateway.signatures import signature_header

GRAPH_TOKEN = "test-token"
PHONE_ID = "123"
API_VERSION = "v21.0"
MESSAGES_PATH = f"/{API_VERSION}/{PHONE_ID}/messages"


def assert_graph_body_valid(body: dict[str, Any]) -> None:
    """What Meta would reject must never leave the process: check one `messages` body."""
    assert body["messaging_product"] == "whatsapp"
    if body.get("status") == "read":  # mark-as-read
        assert body["message_id"]
        return
    assert body["recipient_type"] == "individual"
    assert body["to"]
    kind = body["type"]
    assert kind in body
    if kind == "text":
        assert 0 < len(body["text"]["body"]) <= TEXT_MAX
    elif kind == "template":
        template = body["template"]
        assert template["name"] and template["language"]["code"]
        for component in template.get("components", []):
            assert component["type"] in {"header", "body", "button"}
            for parameter in component["parameters"]:
                assert parameter["type"] in {"text", "currency", "date_time"}
                if parameter["type"] == "text":
                    text = parameter["text"]
                    assert text and "\n" not in text and "\t" not in text
                    assert "     " not in text
            if component["type"] == "button":
                assert component["sub_type"] == "url"
                assert component["index"].isdigit()
    elif kind == "interactive":
        interactive = body["interactive"]
        if interactive["type"] == "product":  # the only interactive whose body is optional
            assert len(interactive.get("body", {"text": "-"})["text"]) <= INTERACTIVE_BODY_MAX
            assert "header" not in interactive
            action = interactive["action"]
            assert action["catalog_id"] and action["product_retailer_id"]
            return
        assert 0 < len(interactive["body"]["text"]) <= INTERACTIVE_BODY_MAX
        if "footer" in interactive:
            assert len(interactive["footer"]["text"]) <= FOOTER_MAX
        header = interactive.get("header")
        if header and header["type"] == "text":
            assert len(header["text"]) <= HEADER_TEXT_MAX
        if interactive["type"] == "button":
            buttons = interactive["action"]["buttons"]
            assert 1 <= len(buttons) <= BUTTONS_MAX
            for button in buttons:
                assert button["type"] == "reply"
                assert 0 < len(button["reply"]["title"]) <= BUTTON_TITLE_MAX
                assert 0 < len(button["reply"]["id"]) <= BUTTON_ID_MAX
            ids = [b["reply"]["id"] for b in buttons]
            assert len(set(ids)) == len(ids)
        elif interactive["type"] == "list":
            action = interactive["action"]
            assert 0 < len(action["button"]) <= LIST_BUTTON_MAX
            rows = [row for section in action["sections"] for row in section["rows"]]
            assert 1 <= len(rows) <= LIST_ROWS_MAX
            if len(action["sections"]) > 1:
                assert all(section.get("title") for section in action["sections"])
            for row in rows:
                assert 0 < len(row["title"]) <= ROW_TITLE_MAX
                assert 0 < len(row["id"]) <= ROW_ID_MAX
                assert len(row.get("description", "")) <= ROW_DESCRIPTION_MAX
        elif interactive["type"] == "product_list":
            assert interactive["header"]["type"] == "text" and interactive["header"]["text"]
            action = interactive["action"]
            assert action["catalog_id"]
            sections = action["sections"]
            assert 1 <= len(sections) <= PRODUCT_LIST_SECTIONS_MAX
            if len(sections) > 1:
                assert all(section.get("title") for section in sections)
            assert all(len(s.get("title", "")) <= PRODUCT_SECTION_TITLE_MAX for s in sections)
            items = [item for section in sections for item in section["product_items"]]
            assert all(section["product_items"] for section in sections)
            assert 1 <= len(items) <= PRODUCT_LIST_ITEMS_MAX
            assert all(item["product_retailer_id"] for item in items)
        elif interactive["type"] == "cta_url":
            assert interactive["action"]["name"] == "cta_url"
            parameters = interactive["action"]["parameters"]
            assert 0 < len(parameters["display_text"]) <= CTA_DISPLAY_TEXT_MAX
            assert parameters["url"].startswith("https://")
            assert len(parameters["url"]) <= CTA_URL_MAX
        else:
            assert interactive["type"] == "location_request_message"
            assert interactive["action"] == {"name": "send_location"}


@dataclass
class FakeGraph:
    """The fake Graph API: every request's header and body is checked as it arrives;
    sends answer a fresh wamid unless a test queued ordered responses."""

    server: Any
    requests: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    counter: int = 0

    def handle(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {GRAPH_TOKEN}":
            self.problems.append(f"bad Authorization {request.headers.get('Authorization')!r}")
        if not request.headers.get("Content-Type", "").startswith("application/json"):
            self.problems.append(f"bad Content-Type {request.headers.get('Content-Type')!r}")
        body = json.loads(request.get_data())
        try:
            assert_graph_body_valid(body)
        except (AssertionError, KeyError) as exc:
            self.problems.append(f"invalid body {body!r}: {exc!r}")
        self.requests.append(body)
        if body.get("status") == "read":
            return Response(json.dumps({"success": True}), content_type="application/json")
        self.counter += 1
        return Response(
            json.dumps({"messages": [{"id": f"wamid.OUT{self.counter:06d}"}]}),
            content_type="application/json",
        )

    @property
    def sends(self) -> list[dict[str, Any]]:
        return [b for b in self.requests if b.get("status") != "read"]

    @property
    def reads(self) -> list[dict[str, Any]]:
        return [b for b in self.requests if b.get("status") == "read"]

    def texts(self) -> list[str]:
        """Readable text of every send, in order."""
        out = []
        for body in self.sends:
            if body["type"] == "text":
                out.append(body["text"]["body"])
            elif body["type"] == "interactive":  # a product card's body is optional
                out.append(body["interactive"].get("body", {}).get("text", ""))
            else:
                out.append(json.dumps(body[body["type"]]))
        return out

    def assert_clean(self) -> None:
        assert self.problems == []


@pytest.fixture
def graph(httpserver, settings) -> FakeGraph:
    """Outbound traffic goes to a fake Graph API on a local HTTP server."""
    settings.WA_GRAPH_URL = httpserver.url_for("").rstrip("/")
    settings.WA_BEARER_TOKEN = GRAPH_TOKEN
    settings.WA_PHONE_ID = PHONE_ID
    settings.WA_API_VERSION = API_VERSION
    fake = FakeGraph(server=httpserver)
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_handler(fake.handle)
    yield fake
    fake.assert_clean()


PostWebhook = Callable[..., Any]


@pytest.fixture
def post_webhook(client: Client, settings, django_capture_on_commit_callbacks) -> PostWebhook:
    """Post a payload (dict or raw bytes) signed with the app secret, running the on-commit
    callbacks (the enqueue, the eager drain, the sends) as a committed request would."""

    def post(payload: dict[str, Any] | bytes, *, signature: str | None = None, sign: bool = True):
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        headers = {}
        if signature is not None:
            headers["HTTP_X_HUB_SIGNATURE_256"] = signature
        elif sign:
            headers["HTTP_X_HUB_SIGNATURE_256"] = signature_header(
                body=body, secret=django_settings.WA_APP_SECRET
            )
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("wa_gateway:webhook"),
                data=body,
                content_type="application/json",
                **headers,
            )

    return post
