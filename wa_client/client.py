"""WhatsApp Cloud API client on `requests`: a pooled session per thread, timeouts, typed
errors."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
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
        self._local = threading.local()

    @property
    def session(self) -> requests.Session:
        """This thread's session: requests does not promise a Session is thread-safe, and a
        threads-pool worker sends from many threads through one cached client.

        Configured once, explicitly: `trust_env` is off, so requests does not read the
        proxy, netrc and CA-bundle variables of the environment again on every call (about
        a third of a send's CPU); the proxies the environment names for the Graph URL
        (`HTTPS_PROXY`, `NO_PROXY`, ...) and a `REQUESTS_CA_BUNDLE` are read here instead,
        when the session is made."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False
            session.proxies = requests.utils.get_environ_proxies(self.base_url)
            session.verify = (
                os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
            )
            session.headers.update(
                {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
            )
            self._local.session = session
        return session

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
        try:
            response = self.session.get(
                url, timeout=self.timeout, allow_redirects=False, stream=True
            )
        except requests.RequestException as exc:
            raise GraphAPIError(
                code=None, title=f"network error: {exc.__class__.__name__}", retryable=True
            ) from exc
        with response:
            if response.status_code >= 300:
                raise self._error(response)
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > limit:
                raise MediaTooLarge(title=f"media of {length} bytes, more than {limit}")
            chunks: list[bytes] = []
            size = 0
            try:
                for chunk in response.iter_content(_MEDIA_CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise MediaTooLarge(title=f"media over {limit} bytes")
                    chunks.append(chunk)
            except requests.RequestException as exc:
                raise GraphAPIError(
                    code=None, title=f"network error: {exc.__class__.__name__}", retryable=True
                ) from exc
        mime_type = str(meta.get("mime_type") or response.headers.get("Content-Type") or "")
        return DownloadedMedia(content=b"".join(chunks), mime_type=mime_type)

    def _media_url_allowed(self, url: str) -> bool:
        parts, ours = urlsplit(url), urlsplit(self.base_url)
        if parts.scheme == "https" and parts.netloc:
            return True
        return (parts.scheme, parts.netloc) == (ours.scheme, ours.netloc)

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._request("POST", self.messages_url, json=body)

    def _request(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        try:
            # One timeout bounds both the connect and every read. Redirects are not
            # followed: the session sends the bearer token with every request.
            response = self.session.request(
                method, url, timeout=self.timeout, allow_redirects=False, **kwargs
            )
        except requests.RequestException as exc:
            raise GraphAPIError(
                code=None, title=f"network error: {exc.__class__.__name__}", retryable=True
            ) from exc
        if response.is_redirect or 300 <= response.status_code < 400:
            raise GraphAPIError(
                code=None,
                title=f"HTTP {response.status_code} redirect not followed",
                http_status=response.status_code,
                retryable=False,
            )
        if response.status_code < 400:
            try:
                return response.json()
            except ValueError as exc:
                raise GraphAPIError(
                    code=None,
                    title="invalid JSON response",
                    http_status=response.status_code,
                    retryable=True,
                ) from exc
        raise self._error(response)

    @staticmethod
    def _error(response: requests.Response) -> GraphAPIError:
        try:
            error = response.json().get("error", {})
        except ValueError:
            error = {}
        code = error.get("code")
        title = (
            error.get("error_data", {}).get("details") or error.get("message") or response.reason
        )
        status = response.status_code
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
