from __future__ import annotations

import hashlib
import hmac


def signature_valid(*, body: bytes, header: str, secret: str) -> bool:
    """`X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret>`.
    Anything else (missing, sha1=, malformed, non-ASCII) is invalid. Constant-time
    comparison of bytes: `compare_digest` raises TypeError on a str with non-ASCII
    characters, which an attacker controls here."""
    if not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest().encode("ascii")
    given = header.removeprefix("sha256=").strip().lower().encode("utf-8", "surrogatepass")
    return hmac.compare_digest(expected, given)


def signature_header(*, body: bytes, secret: str) -> str:
    """The header Meta would send for `body` (console chat, tests, benchmarks)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
