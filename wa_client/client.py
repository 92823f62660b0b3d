"""WhatsApp Cloud API client on urllib3: one connection pool per client, shared by the
threads, timeouts, typed errors.

urllib3 rather than requests: a send is a small JSON POST, and requests' layers on top of
urllib3 (preparing, hooks, cookies, response wrapping) cost about as much CPU as the
request itself, twice a turn (the read receipt and the reply)."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests.certs
import requests.utils
import urllib3
from django.conf import settings

from .errors import (
    RETRYABLE_CODES,
    GraphAPIError,
    InvalidMessage,
    MediaTooLarge,
    OutsideServiceWindow,
    TokenExpired,
)

logger = logging.getLogger(__name__)

# The message types of Graph's `messages` endpoint; each carries its content in an object
# named after the type ({"type": "text", "text": {...}}).
MESSAGE_TYPES = frozenset(
    {
        "audio",
        "contacts",
        "document",
        "image",
        "interactive",
        "location",
        "reaction",
        "sticker",
        "template",
        "text",
        "video",
    }
)


# Meta echoes this string back in the message's status webhooks (at most 512 characters).
CALLBACK_DATA_MAX = 512


def message_request_body(
    *, to: str, payload: Mapping[str, Any], callback_data: str = ""
) -> dict[str, Any]:
    """The `messages` request for a stored message body and its recipient.

    Built from an allow-list: the envelope is ours, `to` is the caller's (the chat's
    customer), and from `payload` only `type` and that type's object are taken. A stored
    body can therefore never change the recipient or add request fields; other keys are
    dropped (and logged). A body without a known type and its object raises InvalidMessage.
    """
    kind = payload.get("type")
    if not isinstance(kind, str) or kind not in MESSAGE_TYPES or not payload.get(kind):
        raise InvalidMessage(code=None, title=f"not a message Graph accepts (type {kind!r})")
    dropped = sorted(str(key) for key in payload if key not in ("type", kind))
    if dropped:
        logger.warning("outbound %s message: dropped keys %s", kind, dropped)
    body = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": kind,
        kind: payload[kind],
    }
    if callback_data:
        # Our message id: Meta returns it in the status webhooks, so a send whose response
        # was lost (the worker died mid-request) is still recognised as sent.
        body["biz_opaque_callback_data"] = callback_data[:CALLBACK_DATA_MAX]
    return body


# Inbound media is read in chunks of this size, so the cap is enforced while reading.
_MEDIA_CHUNK = 64 * 1024


@dataclass(frozen=True)
class DownloadedMedia:
    """An inbound media file, held in memory only for as long as the caller needs it."""

    content: bytes
    mime_type: str


class GraphClient:
    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_version: str | None = None,
        phone_id: str | None = None,
        token: str | None = None,
        timeout: float | None = None,
    ) -> None:
        self.base_url = (base_url or settings.WA_GRAPH_URL).rstrip("/")
        self.api_version = api_version or settings.WA_API_VERSION
        self.phone_id = phone_id or settings.WA_PHONE_ID
        self.token = token if token is not None else settings.WA_BEARER_TOKEN
        self.timeout = timeout or settings.WA_REQUEST_TIMEOUT
        self.headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        self._pool: urllib3.PoolManager | None = None
        self._pool_lock = threading.Lock()

    @property
    def pool(self) -> urllib3.PoolManager:
        """The client's connection pool, shared by every thread (urllib3 lends each request
        a connection of its own; up to POOL_CONNECTIONS are kept alive per host, as many as
        a threads-pool worker sends at once).

        Configured once, when first used: the proxy the environment names for the Graph URL
        (`HTTPS_PROXY`, `NO_PROXY`, ...) and a `REQUESTS_CA_BUNDLE` / `CURL_CA_BUNDLE` are
        read here, never per call. No retries and no redirects: a request is sent once, and
        a redirect is refused (the bearer token goes to the Graph URL only)."""
        if self._pool is None:
            with self._pool_lock:
                if self._pool is None:
                    self._pool = _pool_for(self.base_url)
        return self._pool

    @property
    def messages_url(self) -> str:
        return f"{self.base_url}/{self.api_version}/{self.phone_id}/messages"

    def send(self, *, to: str, payload: Mapping[str, Any], callback_data: str = "") -> str:
        """Send one message body (`type` + its object) to a WhatsApp id; returns the wamid.
        Nothing in `payload` but the type and its object reaches Graph (see
        `message_request_body`); `callback_data` comes back in its status webhooks."""
        data = self._post(message_request_body(to=to, payload=payload, callback_data=callback_data))
        try:
            return data["messages"][0]["id"]
        except (KeyError, IndexError, TypeError) as exc:
            raise GraphAPIError(code=None, title="response without a message id") from exc

    def message_templates_page(
        self, *, waba_id: str, limit: int = 100, after: str = ""
    ) -> dict[str, Any]:
        """One page of the business account's message templates (`data`, `paging`).
        The next page is asked for with our base URL and the `after` cursor, never by
        following Meta's `paging.next` URL (the bearer token goes only to WA_GRAPH_URL)."""
        params: dict[str, Any] = {"limit": limit}
        if after:
            params["after"] = after
        url = f"{self.base_url}/{self.api_version}/{waba_id}/message_templates"
        return self._request("GET", url, params=params)

    def mark_read(self, *, wamid: str, typing: bool = True) -> None:
        """Blue ticks for the customer's message, plus the typing indicator while we work."""
        body: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": wamid,
        }
        if typing:
            body["typing_indicator"] = {"type": "text"}
        self._post(body)

    def media_download(self, *, media_id: str, max_bytes: int | None = None) -> DownloadedMedia:
        """An inbound media file (a voice note): `GET /{media-id}` for its short-lived URL,
        then that URL with the bearer token, as Meta documents. At most `max_bytes`
        (default WA_MEDIA_MAX_BYTES): a larger file is refused by its announced size, or
        while reading, with MediaTooLarge. The token is sent only to an https URL or to our
        own Graph origin (a local fake in tests); nothing is written to disk."""
        limit = settings.WA_MEDIA_MAX_BYTES if max_bytes is None else max_bytes
        if not media_id or "/" in media_id or media_id in {".", ".."}:
            raise InvalidMessage(title="not a media id")
        meta = self._request("GET", f"{self.base_url}/{self.api_version}/{media_id}")
        url = meta.get("url")
        if not isinstance(url, str) or not self._media_url_allowed(url):
            raise GraphAPIError(code=None, title="media without a usable download URL")
        announced = meta.get("file_size")
        announced_size = int(announced) if str(announced).isdigit() else None
        if announced_size is not None and announced_size > limit:
            raise MediaTooLarge(title=f"media of {announced} bytes, more than {limit}")
        response = self._send("GET", url, preload_content=False)
        try:
            if response.status >= 300:
                raise self._error(response)
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > limit:
                raise MediaTooLarge(title=f"media of {length} bytes, more than {limit}")
            chunks: list[bytes] = []
            size = 0
            try:
                for chunk in response.stream(_MEDIA_CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise MediaTooLarge(title=f"media over {limit} bytes")
                    chunks.append(chunk)
            except urllib3.exceptions.HTTPError as exc:
                raise _network_error(exc) from exc
        finally:
            response.release_conn()
        mime_type = str(meta.get("mime_type") or response.headers.get("Content-Type") or "")
        return DownloadedMedia(content=b"".join(chunks), mime_type=mime_type)

    def _media_url_allowed(self, url: str) -> bool:
        parts, ours = urlsplit(url), urlsplit(self.base_url)
        if parts.scheme == "https" and parts.netloc:
            return True
        return (parts.scheme, parts.netloc) == (ours.scheme, ours.netloc)

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._request(
            "POST", self.messages_url, body=json.dumps(body, allow_nan=False).encode()
        )

    def _request(
        self, method: str, url: str, *, body: bytes | None = None, params: Mapping | None = None
    ) -> dict[str, Any]:
        response = self._send(method, url, body=body, fields=params)
        status = response.status
        if 300 <= status < 400:
            raise GraphAPIError(
                code=None,
                title=f"HTTP {status} redirect not followed",
                http_status=status,
                retryable=False,
            )
        if status < 400:
            try:
                return json.loads(response.data)
            except ValueError as exc:
                raise GraphAPIError(
                    code=None,
                    title="invalid JSON response",
                    http_status=status,
                    retryable=True,
                ) from exc
        raise self._error(response)

    def _send(self, method: str, url: str, **kwargs: Any) -> urllib3.BaseHTTPResponse:
        try:
            # One timeout bounds both the connect and every read; sent once, redirects
            # returned as they are (see `pool`).
            return self.pool.request(
                method,
                url,
                headers=self.headers,
                timeout=urllib3.Timeout(connect=self.timeout, read=self.timeout),
                retries=False,
                redirect=False,
                **kwargs,
            )
        except urllib3.exceptions.HTTPError as exc:
            raise _network_error(exc) from exc

    @staticmethod
    def _error(response: urllib3.BaseHTTPResponse) -> GraphAPIError:
        try:
            error = json.loads(response.data).get("error", {})
        except (ValueError, AttributeError):
            error = {}
        code = error.get("code")
        title = (
            error.get("error_data", {}).get("details") or error.get("message") or response.reason
        )
        status = response.status
        retry_after = response.headers.get("Retry-After")
        kwargs = {
            "code": code,
            "title": str(title)[:300],
            "http_status": status,
            "retry_after": float(retry_after) if retry_after and retry_after.isdigit() else None,
        }
        if code == 131047:
            return OutsideServiceWindow(**kwargs, retryable=False)
        if code == 190:
            return TokenExpired(**kwargs, retryable=False)
        retryable = status == 429 or status >= 500 or code in RETRYABLE_CODES
        return GraphAPIError(**kwargs, retryable=retryable)


# Connections kept alive per host: a threads-pool worker's concurrent sends and receipts.
POOL_CONNECTIONS = 32


def _pool_for(base_url: str) -> urllib3.PoolManager:
    """A pool for `base_url`, through the proxy the environment names for it (if any)."""
    proxies = requests.utils.get_environ_proxies(base_url)
    proxy = proxies.get(urlsplit(base_url).scheme) or proxies.get("all")
    bundle = (
        os.environ.get("REQUESTS_CA_BUNDLE")
        or os.environ.get("CURL_CA_BUNDLE")
        or requests.certs.where()
    )
    options: dict[str, Any] = {"maxsize": POOL_CONNECTIONS, "cert_reqs": "CERT_REQUIRED"}
    options["ca_cert_dir" if os.path.isdir(bundle) else "ca_certs"] = bundle
    if proxy:
        return urllib3.ProxyManager(proxy, **options)
    return urllib3.PoolManager(**options)


def _network_error(exc: Exception) -> GraphAPIError:
    return GraphAPIError(
        code=None, title=f"network error: {exc.__class__.__name__}", retryable=True
    )
