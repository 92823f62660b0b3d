"""Inbound media through the Graph API: `GET /{media-id}` for its URL, then the URL with
the bearer token, size-capped, on a fake Graph API (a real local HTTP server)."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from wa_client.client import GraphClient
from wa_client.errors import GraphAPIError, InvalidMessage, MediaTooLarge

AUDIO = b"OggS" + bytes(range(256)) * 8


@pytest.fixture
def client(httpserver: HTTPServer) -> GraphClient:
    return GraphClient(
        base_url=httpserver.url_for("").rstrip("/"),
        api_version="v21.0",
        phone_id="123",
        token="test-token",
        timeout=2.0,
    )


def _media(httpserver: HTTPServer, *, size: int | None = None, url: str | None = None) -> None:
    meta = {
        "messaging_product": "whatsapp",
        "url": url or httpserver.url_for("/lookaside/media/abc"),
        "mime_type": "audio/ogg; codecs=opus",
        "sha256": "x",
        "id": "MEDIA1",
    }
    if size is not None:
        meta["file_size"] = size
    httpserver.expect_request("/v21.0/MEDIA1", method="GET").respond_with_json(meta)


def test_media_is_fetched_by_its_url_with_the_bearer_token(client, httpserver):
    # given
    _media(httpserver, size=len(AUDIO))
    httpserver.expect_request("/lookaside/media/abc", method="GET").respond_with_data(
        AUDIO, content_type="audio/ogg"
    )
    # when
    media = client.media_download(media_id="MEDIA1", max_bytes=10_000)
    # then
    assert media.content == AUDIO
    assert media.mime_type == "audio/ogg; codecs=opus"
    assert [r.path for r, _ in httpserver.log] == ["/v21.0/MEDIA1", "/lookaside/media/abc"]
    assert all(r.headers["Authorization"] == "Bearer test-token" for r, _ in httpserver.log)


def test_media_announced_over_the_cap_is_never_downloaded(client, httpserver):
    # given
    _media(httpserver, size=20_000)
    # when / then
    with pytest.raises(MediaTooLarge):
        client.media_download(media_id="MEDIA1", max_bytes=10_000)
    assert [r.path for r, _ in httpserver.log] == ["/v21.0/MEDIA1"]


def test_media_over_the_cap_without_an_announced_size_is_cut_off_while_reading(client, httpserver):
    # given: no file_size and a chunked body (no Content-Length)
    _media(httpserver)

    def stream(_request):
        return Response(
            (AUDIO[i : i + 100] for i in range(0, len(AUDIO), 100)), mimetype="audio/ogg"
        )

    httpserver.expect_request("/lookaside/media/abc").respond_with_handler(stream)
    # when / then
    with pytest.raises(MediaTooLarge):
        client.media_download(media_id="MEDIA1", max_bytes=len(AUDIO) - 1)


def test_the_token_is_never_sent_to_a_plain_http_url_of_another_host(client, httpserver):
    # given: Meta's answer points at another origin over http
    _media(httpserver, url="http://198.51.100.7/media/abc")
    # when / then
    with pytest.raises(GraphAPIError, match="download URL"):
        client.media_download(media_id="MEDIA1")
    assert len(httpserver.log) == 1


def test_an_expired_media_url_is_a_graph_error(client, httpserver):
    # given
    _media(httpserver, size=10)
    httpserver.expect_request("/lookaside/media/abc").respond_with_json(
        {"error": {"code": 131052, "message": "Media download error"}}, status=404
    )
    # when / then
    with pytest.raises(GraphAPIError) as caught:
        client.media_download(media_id="MEDIA1")
    assert caught.value.code == 131052


@pytest.mark.parametrize("media_id", ["", "../123/messages", "."])
def test_a_media_id_that_is_not_one_is_refused_before_any_request(client, httpserver, media_id):
    with pytest.raises(InvalidMessage):
        client.media_download(media_id=media_id)
    assert httpserver.log == []
