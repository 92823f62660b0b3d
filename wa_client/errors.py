from __future__ import annotations

# Meta error codes that a later retry may fix (throughput limits, transient failures).
RETRYABLE_CODES = frozenset({4, 80007, 130429, 131000, 131016, 131048, 131056, 133004})


class GraphAPIError(Exception):
    """A Graph API call failed. `retryable` says whether sending again later may work."""

    def __init__(
        self,
        *,
        code: int | None,
        title: str,
        http_status: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        self.code = code
        self.title = title
        self.http_status = http_status
        self.retryable = retryable
        self.retry_after = retry_after
        super().__init__(f"Graph API error {code} (HTTP {http_status}): {title}")


class OutsideServiceWindow(GraphAPIError):
    """131047: more than 24 hours since the customer wrote; only templates may be sent."""


class TokenExpired(GraphAPIError):
    """190: the access token expired or was revoked; nothing can be sent until rotated."""


class InvalidMessage(GraphAPIError):
    """A stored message body that is not a message Graph accepts; refused before any
    request is made, and never worth a retry."""

    def __init__(self, *, code: int | None = None, title: str) -> None:
        super().__init__(code=code, title=title, retryable=False)


class MediaTooLarge(GraphAPIError):
    """Inbound media bigger than WA_MEDIA_MAX_BYTES: refused before (or while) reading it."""

    def __init__(self, *, title: str) -> None:
        super().__init__(code=None, title=title, retryable=False)
