"""Logging filters: personal data and secrets never reach a log line.

`MaskPersonalDataFilter` (settings: the `mask_phones` filter of the `console` handler) masks,
in the message, in every `extra=` field, in exception text and in stack info:

- phone numbers (8–15 digits, with or without +, spaces, dashes, dots or parentheses),
  keeping the last 4 digits: "+966 50 000 0777" -> "+*** ** *** 0777";
- e-mail addresses: "ahmed@example.com" -> "***@***";
- tokens and keys: bearer tokens, Authorization / X-Shopify-Access-Token headers,
  `access_token=` and similar parameters, OpenAI `sk-...`, Shopify `shpat_...`, Stripe
  `sk_live_...` / `whsec_...`, Meta `EAA...` tokens and JWTs: "Bearer EAAG..." -> "Bearer ***";
- names, addresses, e-mails and phone numbers in structured fields: `extra=` fields named
  like them and `"name": "..."` / `'city': '...'` / `name='...'` pairs in JSON or repr text.

Names and addresses in free prose ("Ahmed from Riyadh wrote") cannot be told apart from other
words and are not masked: log ids and sizes, not what a customer wrote.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

MASK = "***"

# --- Field names -------------------------------------------------------------------------
# What a field's value is, by the field's name: "phone" keeps its last 4 digits, the others
# are replaced by MASK whole.
_NAME_FIELDS = frozenset(
    {
        "name",
        "profile_name",
        "customer_name",
        "contact_name",
        "recipient_name",
        "display_name",
        "first_name",
        "last_name",
        "full_name",
    }
)
_ADDRESS_FIELDS = frozenset(
    {
        "address",
        "address1",
        "address2",
        "address_line",
        "street",
        "city",
        "district",
        "building",
        "zip",
        "postcode",
        "postal_code",
    }
)
_PHONE_FIELDS = frozenset(
    {"phone", "phone_number", "mobile", "msisdn", "wa_id", "to", "from", "recipient"}
)
_EMAIL_FIELDS = frozenset({"email", "e_mail", "email_address"})
_SECRET_FIELDS = frozenset(
    {
        "password",
        "passwd",
        "secret",
        "client_secret",
        "app_secret",
        "token",
        "access_token",
        "refresh_token",
        "bearer_token",
        "verify_token",
        "hub.verify_token",
        "api_key",
        "apikey",
        "authorization",
        "x-shopify-access-token",
        "x-api-key",
    }
)


@lru_cache(maxsize=1024)
def _field_kind(name: str) -> str | None:
    """What a field holds, by its name: "phone", "mask" (a name, an address, an e-mail or a
    secret) or None (an ordinary field)."""
    key = name.lower()
    if key in _PHONE_FIELDS or key.endswith("_phone"):
        return "phone"
    if (
        key in _NAME_FIELDS
        or key in _ADDRESS_FIELDS
        or key in _EMAIL_FIELDS
        or key in _SECRET_FIELDS
        or key.endswith(("_address", "_email"))
    ):
        return "mask"
    return None


def _alternation(names: frozenset[str]) -> str:
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))


_FIELD_NAMES = (
    _alternation(_NAME_FIELDS | _ADDRESS_FIELDS | _PHONE_FIELDS | _EMAIL_FIELDS | _SECRET_FIELDS)
    + r"|\w+_(?:phone|email|address)"
)

# "name": "Ahmed Ali", 'city': 'Riyadh', name='Ahmed' (JSON, dict and dataclass reprs).
_QUOTED_FIELD = re.compile(
    rf"""(?<![\w.-])(?P<key>["']?(?P<name>{_FIELD_NAMES})["']?\s*[:=]\s*)
    (?:"(?P<dq>(?:[^"\\]|\\.)*)"|'(?P<sq>(?:[^'\\]|\\.)*)')""",
    re.IGNORECASE | re.VERBOSE,
)
# ?phone=966500000777&name=Ahmed&access_token=EAAG... (query strings, form bodies).
_QUERY_FIELD = re.compile(
    rf"(?<=[?&;])(?P<name>{_FIELD_NAMES})=(?P<value>[^&;#\s\"']*)", re.IGNORECASE
)

# --- Secrets -----------------------------------------------------------------------------
# Header or parameter carrying a secret, quoted or not: "Authorization: Bearer xyz",
# "X-Shopify-Access-Token: shpat_...", "access_token=...", "'api_key': '...'".
_SECRET_HEADER = re.compile(
    r"""(?<![\w-])(?P<key>(?:authorization|proxy-authorization|x-shopify-access-token|x-api-key
    |api[-_]?key|access[-_]token|refresh[-_]token|client[-_]secret|app[-_]secret
    |hub\.verify_token|verify[-_]token|password)["']?\s*[:=]\s*["']?
    (?:(?:bearer|basic|token)\s+)?)(?P<value>[^\s"'&,;}\]]+)""",
    re.IGNORECASE | re.VERBOSE,
)
_BEARER = re.compile(r"\b(?P<key>bearer\s+)(?!tokens?\b)(?P<value>[\w.~+/-]+=*)", re.IGNORECASE)
# Secrets recognisable by their shape, wherever they appear.
_TOKEN_SHAPES = re.compile(
    r"""\b(?:
        (?P<openai>sk-(?:proj-|svcacct-|admin-|or-v1-|ant-)?)
          (?=[\w-]*[A-Z])(?=[\w-]*\d)[\w-]{20,}    # random, unlike a slug ("sk-ii-...")
      | (?P<shopify>shp(?:at|ca|pa|ss)_)[A-Za-z0-9]{8,}
      | (?P<stripe>(?:sk|rk)_(?:live|test)_|whsec_)[A-Za-z0-9]{8,}
      | (?P<meta>EAA)[A-Za-z0-9]{20,}
      | (?P<jwt>eyJ)[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}
    )""",
    re.VERBOSE,
)

# --- E-mail addresses and phone numbers --------------------------------------------------
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")

# 8 to 15 digits, each after an optional separator (space, dot, dash, parentheses), with an
# optional leading + or (. Not glued to a word, a decimal, a UUID's segment or a base64 id;
# not an ISO date ("2026-12-02 05:12:33" stays as it is).
_PHONE = re.compile(
    r"""(?<![\w.+])(?<![0-9A-Fa-f]-)
    (?!\d{4}-\d\d-\d\d(?!\d))
    (?:\+|\(\+?)?\d
    (?:(?:[ .-]|\)[ .-]?|[ .-]?\()?\d){7,14}
    (?![\w+]|[.-]\w)""",
    re.VERBOSE,
)
# Candidates of _PHONE that are numbers of another kind.
_NOT_A_PHONE = re.compile(
    r"""\d+\.\d+                      # a decimal: 0.87654321, 12345678.50
      | \d{1,3}(?:\.\d{1,3}){3}       # an IPv4 address
      | [1-9]\d*-\d+                  # a range: 1500-3000, a ZIP+4
      | \d\d?[./-]\d\d?[./-]\d{4}     # a date: 02.12.2026
      | 1[5-9]\d{8}(?:\d{3})?         # a Unix time in seconds or milliseconds
    """,
    re.VERBOSE,
)
_DIGIT = re.compile(r"\d")
# Cheap first looks (the filter runs on every line): a line with none of these has nothing
# any pattern above could match, and each pattern only runs when its hint is there.
_HINT_CHARS = re.compile(r"[\d@:=]")
_HINT_WORDS = re.compile(r"bearer|sk-|shp|whsec_|EAA|eyJ", re.IGNORECASE)
_QUOTED_VALUE = re.compile(r"[:=]\s*[\"']")
_SECRET_HEADER_HINTS = ("auth", "token", "key", "secret", "passw")
_TOKEN_HINTS = ("sk-", "k_", "shp", "whsec_", "EAA", "eyJ")


def _mask_phone(match: re.Match[str]) -> str:
    number = match[0]
    if not number.startswith(("+", "(+")) and _NOT_A_PHONE.fullmatch(number.lstrip("(")):
        return number
    return _hide_all_but_last_4_digits(number)


def _hide_all_but_last_4_digits(text: str) -> str:
    positions = [m.start() for m in _DIGIT.finditer(text)]
    if len(positions) <= 4:
        return MASK
    chars = list(text)
    for position in positions[:-4]:
        chars[position] = "*"
    return "".join(chars)


def _mask_field_value(name: str, value: str) -> str:
    if _field_kind(name) == "phone" and _DIGIT.search(value):
        return _hide_all_but_last_4_digits(value)
    return MASK if value else value


def _mask_quoted_field(match: re.Match[str]) -> str:
    if match["dq"] is not None:
        return f'{match["key"]}"{_mask_field_value(match["name"], match["dq"])}"'
    return f"{match['key']}'{_mask_field_value(match['name'], match['sq'])}'"


def _mask_query_field(match: re.Match[str]) -> str:
    return f"{match['name']}={_mask_field_value(match['name'], match['value'])}"


def _mask_secret(match: re.Match[str]) -> str:
    return match["key"] + MASK


def _mask_token_shape(match: re.Match[str]) -> str:
    prefix = next(group for group in match.groups() if group is not None)
    return prefix + MASK


def mask_phone_numbers(text: str) -> str:
    """Phone numbers in `text` with all but their last 4 digits hidden."""
    return _PHONE.sub(_mask_phone, text)


def mask_text(text: str) -> str:
    """`text` with phone numbers, e-mail addresses, secrets and structured personal fields
    masked (see the module's docstring)."""
    if not _HINT_CHARS.search(text) and not _HINT_WORDS.search(text):
        return text
    lower = text.lower()
    if ":" in text or "=" in text:
        if _QUOTED_VALUE.search(text):
            text = _QUOTED_FIELD.sub(_mask_quoted_field, text)
        if "=" in text:
            text = _QUERY_FIELD.sub(_mask_query_field, text)
        if any(word in lower for word in _SECRET_HEADER_HINTS):
            text = _SECRET_HEADER.sub(_mask_secret, text)
    if "bearer" in lower:
        text = _BEARER.sub(_mask_secret, text)
    if any(hint in text for hint in _TOKEN_HINTS):
        text = _TOKEN_SHAPES.sub(_mask_token_shape, text)
    if "@" in text:
        text = _EMAIL.sub("***@***", text)
    return _PHONE.sub(_mask_phone, text)


def mask_value(value: Any, field: str | None = None) -> Any:
    """`value` masked as the content of a field named `field`: the whole value when the name
    says it is a name, an address, an e-mail or a secret, all but the last 4 digits of a
    phone field, strings by `mask_text`, dicts and lists item by item (as copies: the
    caller's objects are left alone)."""
    kind = _field_kind(field) if field else None
    if kind == "mask":
        return MASK
    if kind == "phone" and isinstance(value, str | int) and not isinstance(value, bool):
        return _mask_field_value("phone", str(value))
    if isinstance(value, str):
        return mask_text(value)
    if type(value) is dict:
        return {key: mask_value(item, str(key)) for key, item in value.items()}
    if type(value) in (list, tuple):
        return type(value)(mask_value(item) for item in value)
    return value


# Attributes every LogRecord has; anything else was passed as `extra=` and ends up as a
# field of the JSON log line, so it is masked too.
# The correlation ids of project_core.log_context are ours and well-formed (a uuid, a wamid, a
# checked X-Request-ID): not masked, which also keeps them searchable.
_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "request_id",
    "event_id",
    "task_id",
}
_EXCEPTION_FORMATTER = logging.Formatter()


class MaskPersonalDataFilter(logging.Filter):
    """Masks personal data and secrets in a record before any formatter sees it. Never drops
    a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        self._mask_message(record)
        for name in record.__dict__.keys() - _STANDARD_ATTRS:
            value = record.__dict__[name]
            if value is None:
                continue
            if name == "data" and record.name.startswith("celery.") and isinstance(value, dict):
                # Celery's own fields (task id, name, args repr, return value): its "name"
                # is the task's, so only their text is masked.
                masked = {
                    key: mask_text(item) if isinstance(item, str) else item
                    for key, item in value.items()
                }
            else:
                masked = mask_value(value, name)
            if masked is not value:
                setattr(record, name, masked)
        self._mask_exception(record)
        return True

    @staticmethod
    def _mask_message(record: logging.LogRecord) -> None:
        if isinstance(record.msg, dict) and not record.args:
            # python-json-logger turns a dict message into fields of the line.
            record.msg = mask_value(record.msg)
            return
        try:
            message = record.getMessage()
        except (TypeError, ValueError, KeyError):
            # A log call whose arguments do not fit its format: log its parts rather than
            # raise into the caller (logging itself would only print an error).
            message = f"{record.msg} {record.args!r}"
            record.msg, record.args = message, None
        masked = mask_text(message)
        if masked != message:
            record.msg = masked
            record.args = None

    @staticmethod
    def _mask_exception(record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[0] is not None:
            if not record.exc_text:
                record.exc_text = _EXCEPTION_FORMATTER.formatException(record.exc_info)
            # logging.Formatter reuses exc_text; python-json-logger formats exc_info afresh
            # unless it is cleared, so the masked text is the only traceback left.
            record.exc_info = None
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)


# The name the settings (and older code) use.
MaskPhoneNumbersFilter = MaskPersonalDataFilter
