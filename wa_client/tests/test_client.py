"""GraphClient against a fake Graph API on a local HTTP server: request shape, headers,
and Meta's errors mapped to typed, retryable-or-not exceptions."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import urllib3
from pytest_httpserver import HTTPServer
from werkzeug import Response

from wa_client.client import GraphClient
from wa_client.errors import GraphAPIError, InvalidMessage, OutsideServiceWindow, TokenExpired

PATH = "/v21.0/123/messages"


@pytest.fixture
def client(httpserver) -> GraphClient:
    return GraphClient(
        base_url=httpserver.url_for("").rstrip("/"),
        api_version="v21.0",
        phone_id="123",
        token="test-token",
        timeout=2.0,
    )


def _only_request(httpserver):
    assert len(httpserver.log) == 1
    return httpserver.log[0][0]


def test_send_posts_the_body_with_bearer_token_and_returns_the_wamid(client, httpserver):
    # given
    httpserver.expect_request(PATH, method="POST").respond_with_json(
        {"messaging_product": "whatsapp", "messages": [{"id": "wamid.NEW"}]}
    )
    # when
    wamid = client.send(to="966500000001", payload={"type": "text", "text": {"body": "hi"}})
    # then
    assert wamid == "wamid.NEW"
    request = _only_request(httpserver)
    assert request.headers["Authorization"] == "Bearer test-token"
    assert request.headers["Content-Type"] == "application/json"
    assert request.get_json() == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "966500000001",
        "type": "text",
        "text": {"body": "hi"},
    }


def test_a_to_in_the_stored_body_does_not_change_the_recipient(client, httpserver):
    # given: a body that tries to redirect the message, before and after "type"
    httpserver.expect_request(PATH, method="POST").respond_with_json(
        {"messages": [{"id": "wamid.NEW"}]}
    )
    payload = {
        "to": "15550001111",
        "recipient_type": "group",
        "messaging_product": "other",
        "type": "text",
        "text": {"body": "hi"},
    }
    # when
    client.send(to="966500000001", payload=payload)
    # then
    body = _only_request(httpserver).get_json()
    assert body["to"] == "966500000001"
    assert body["recipient_type"] == "individual"
    assert body["messaging_product"] == "whatsapp"


def test_keys_outside_the_message_type_are_dropped(client, httpserver):
    # given
    httpserver.expect_request(PATH, method="POST").respond_with_json(
        {"messages": [{"id": "wamid.NEW"}]}
    )
    payload = {
        "type": "interactive",
        "interactive": {"type": "button", "body": {"text": "Pick"}},
        "template": {"name": "promo"},  # another type's object
        "context": {"message_id": "wamid.OTHER"},
        "biz_opaque_callback_data": "x",
    }
    # when
    client.send(to="966500000001", payload=payload)
    # then
    assert _only_request(httpserver).get_json() == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "966500000001",
        "type": "interactive",
        "interactive": {"type": "button", "body": {"text": "Pick"}},
    }


@pytest.mark.parametrize(
    "payload",
    [
        {"text": {"body": "hi"}},  # no type
        {"type": "payment", "payment": {"amount": 1}},  # not a message type
        {"type": "text"},  # no object for the type
        {"type": ["text"], "text": {"body": "hi"}},
    ],
    ids=["no-type", "unknown-type", "no-object", "type-not-a-string"],
)
def test_a_body_that_is_no_graph_message_is_refused_without_a_request(client, httpserver, payload):
    # when
    with pytest.raises(InvalidMessage) as caught:
        client.send(to="966500000001", payload=payload)
    # then
    assert caught.value.retryable is False
    assert httpserver.log == []


def test_mark_read_sends_the_read_status_with_the_typing_indicator(client, httpserver):
    # given
    httpserver.expect_request(PATH, method="POST").respond_with_json({"success": True})
    # when
    client.mark_read(wamid="wamid.IN")
    # then
    request = _only_request(httpserver)
    assert request.headers["Authorization"] == "Bearer test-token"
    assert request.get_json() == {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": "wamid.IN",
        "typing_indicator": {"type": "text"},
    }


def test_mark_read_without_typing_omits_the_indicator(client, httpserver):
    # given
    httpserver.expect_request(PATH, method="POST").respond_with_json({"success": True})
    # when
    client.mark_read(wamid="wamid.IN", typing=False)
    # then
    assert "typing_indicator" not in _only_request(httpserver).get_json()


def _error_body(code: int, message: str, details: str = "") -> dict:
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "X"}
    if details:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return {"error": error}


def test_131047_is_outside_the_service_window_and_not_retryable(client, httpserver):
    # given
    httpserver.expect_request(PATH, method="POST").respond_with_json(
        _error_body(131047, "Re-engagement message", "More than 24 hours have passed"),
        status=400,
    )
    # when
    with pytest.raises(OutsideServiceWindow) as caught:
        client.send(to="1", payload={"type": "text", "text": {"body": "hi"}})
    # then
    assert caught.value.code == 131047
    assert caught.value.retryable is False
    assert caught.value.http_status == 400
    assert caught.value.title == "More than 24 hours have passed"


def test_190_is_an_expired_token_and_not_retryable(client, httpserver):
    # given
    httpserver.expect_request(PATH, method="POST").respond_with_json(
        _error_body(190, "Error validating access token"), status=401
    )
    # when
    with pytest.raises(TokenExpired) as caught:
        client.send(to="1", payload={"type": "text", "text": {"body": "hi"}})
    # then
    assert caught.value.code == 190
    assert caught.value.retryable is False
    assert caught.value.title == "Error validating access token"


def test_130429_rate_limit_is_retryable_and_keeps_retry_after(client, httpserver):
    # given
    httpserver.expect_request(PATH, method="POST").respond_with_json(
        _error_body(130429, "Rate limit hit"), status=400, headers={"Retry-After": "7"}
    )
    # when
    with pytest.raises(GraphAPIError) as caught:
        client.send(to="1", payload={"type": "text", "text": {"body": "hi"}})
    # then
    assert caught.value.code == 130429
    assert caught.value.retryable is True
    assert caught.value.retry_after == 7.0


@pytest.mark.parametrize(
    ("status", "retryable"), [(429, True), (500, True), (503, True), (400, False), (404, False)]
)
def test_http_status_decides_retry_when_the_code_does_not(client, httpserver, status, retryable):
    # given
    httpserver.expect_request(PATH, method="POST").respond_with_json(
        _error_body(100, "Invalid parameter"), status=status
    )
    # when
    with pytest.raises(GraphAPIError) as caught:
        client.send(to="1", payload={"type": "text", "text": {"body": "hi"}})
    # then
    assert caught.value.retryable is retryable
    assert caught.value.http_status == status


def test_an_error_without_json_uses_the_http_reason(client, httpserver):
    # given
    httpserver.expect_request(PATH, method="POST").respond_with_data("oops", status=502)
    # when
    with pytest.raises(GraphAPIError) as caught:
        client.send(to="1", payload={"type": "text", "text": {"body": "hi"}})
    # then
    assert caught.value.code is None
    assert caught.value.retryable is True
    assert caught.value.title == "BAD GATEWAY"


def test_a_success_without_a_message_id_is_an_error(client, httpserver):
    # given
    httpserver.expect_request(PATH, method="POST").respond_with_json({"messages": []})
    # when / then
    with pytest.raises(GraphAPIError, match="without a message id"):
        client.send(to="1", payload={"type": "text", "text": {"body": "hi"}})


def test_a_refused_connection_is_a_retryable_network_error():
    # given: nothing listens on port 1
    client = GraphClient(
        base_url="http://127.0.0.1:1", api_version="v21.0", phone_id="123", token="t", timeout=1
    )
    # when
    with pytest.raises(GraphAPIError) as caught:
        client.send(to="1", payload={"type": "text", "text": {"body": "hi"}})
    # then
    assert caught.value.retryable is True
    assert caught.value.code is None
    assert "network error" in caught.value.title


def test_base_url_version_and_phone_id_come_from_settings(settings):
    # given
    settings.WA_GRAPH_URL = "http://127.0.0.1:9999/"
    settings.WA_API_VERSION = "v99.0"
    settings.WA_PHONE_ID = "555"
    # when
    client = GraphClient(token="t")
    # then
    assert client.messages_url == "http://127.0.0.1:9999/v99.0/555/messages"


def test_every_thread_sends_through_the_clients_one_pool():
    # given
    client = GraphClient(
        base_url="http://127.0.0.1:9", api_version="v21.0", phone_id="1", token="t"
    )
    seen = []
    # when
    worker = threading.Thread(target=lambda: seen.append(client.pool))
    worker.start()
    worker.join()
    # then: urllib3's pool lends each request a connection; enough are kept for a worker
    assert seen[0] is client.pool
    assert client.pool.connection_pool_kw["maxsize"] >= 16
    assert client.headers["Authorization"] == "Bearer t"


def test_the_pool_takes_the_environments_proxy_once_not_per_request(monkeypatch):
    # given: a proxy for Graph's scheme, and one that NO_PROXY exempts
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    proxied = GraphClient(base_url="https://graph.example", api_version="v21.0", token="t")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    local = GraphClient(base_url="https://127.0.0.1:9", api_version="v21.0", token="t")
    # when
    pool, local_pool = proxied.pool, local.pool
    monkeypatch.delenv("HTTPS_PROXY")
    # then: read when the pool is made, not looked at again
    assert isinstance(pool, urllib3.ProxyManager)
    assert pool.proxy.url == "http://proxy.internal:3128"
    assert proxied.pool is pool
    assert not isinstance(local_pool, urllib3.ProxyManager)


@pytest.mark.parametrize("status", [302, 307])
def test_a_redirect_is_not_followed_and_its_target_gets_nothing(client, httpserver, status):
    # given: Graph answers with a redirect to another local server
    other = HTTPServer(host="127.0.0.1", port=0)
    other.start()
    try:
        other.expect_request("/elsewhere").respond_with_json({"messages": [{"id": "wamid.X"}]})
        httpserver.expect_request(PATH, method="POST").respond_with_response(
            Response(status=status, headers={"Location": other.url_for("/elsewhere")})
        )
        # when
        with pytest.raises(GraphAPIError) as caught:
            client.send(to="1", payload={"type": "text", "text": {"body": "hi"}})
        # then
        assert other.log == []
    finally:
        other.clear()
        other.stop()
    assert caught.value.http_status == status
    assert caught.value.retryable is False
    assert "redirect not followed" in caught.value.title


def test_a_server_that_never_answers_times_out_as_a_retryable_error():
    # given: a server that accepts the connection and stays silent
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        client = GraphClient(
            base_url=f"http://127.0.0.1:{port}",
            api_version="v21.0",
            phone_id="123",
            token="t",
            timeout=0.5,
        )
        started = time.monotonic()
        # when
        with pytest.raises(GraphAPIError) as caught:
            client.send(to="1", payload={"type": "text", "text": {"body": "hi"}})
        # then
        assert time.monotonic() - started < 3
    assert caught.value.retryable is True
    assert "network error" in caught.value.title
