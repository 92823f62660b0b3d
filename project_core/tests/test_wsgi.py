"""The WSGI application: Meta's POST /hook/ through WEBHOOK_MIDDLEWARE only, every other
request through the whole MIDDLEWARE stack."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.conf import settings

from project_core.wsgi import WEBHOOK_PATH, application
from wa_gateway.models import InboundEvent
from wa_gateway.signatures import signature_header
from wa_gateway.tests import payloads
from wa_gateway.tests.fixtures import graph  # noqa: F401 - the drain replies to it

pytestmark = pytest.mark.django_db(transaction=True)


def _call(method: str, path: str, body: bytes = b"", **headers: str) -> tuple[str, dict, bytes]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
        **{f"HTTP_{name.upper()}": value for name, value in headers.items()},
    }
    started: list[Any] = []
    chunks = application(
        environ, lambda status, headers, exc_info=None: started.extend([status, headers])
    )
    content = b"".join(chunks)
    chunks.close()
    return started[0], dict(started[1]), content


def test_the_webhook_path_is_the_one_meta_posts_to():
    from django.urls import reverse

    assert reverse("wa_gateway:webhook") == WEBHOOK_PATH


@pytest.mark.usefixtures("graph")
def test_a_webhook_is_stored_through_the_lean_middleware():
    # given
    body = json.dumps(payloads.text_message("966542000001", "hi", wamid="wamid.WSGI1")).encode()
    signature = signature_header(body=body, secret=settings.WA_APP_SECRET)
    # when
    status, headers, content = _call("POST", WEBHOOK_PATH, body, X_HUB_SIGNATURE_256=signature)
    # then: answered and stored, with a request id but none of the browser middleware
    assert status.startswith("200"), content
    assert InboundEvent.objects.filter(wamid="wamid.WSGI1").exists()
    assert len(headers["X-Request-ID"]) == 32
    assert "X-Frame-Options" not in headers
    assert "Vary" not in headers  # no session or locale middleware ran


def test_a_badly_signed_webhook_is_still_refused():
    # given
    body = json.dumps(payloads.text_message("966542000002", "hi")).encode()
    # when
    status, _, _ = _call("POST", WEBHOOK_PATH, body, X_HUB_SIGNATURE_256="sha256=" + "0" * 64)
    # then
    assert status.startswith("403")
    assert not InboundEvent.objects.exists()


def test_other_requests_get_the_whole_middleware_stack():
    # when
    status, headers, _ = _call("GET", "/healthz")
    # then
    assert status.startswith("200")
    assert headers["X-Frame-Options"] == "DENY"
    assert len(headers["X-Request-ID"]) == 32
