"""The shape of a WhatsApp Cloud API webhook body (Graph v16+), checked whole before anything
is stored. Unknown fields are allowed everywhere (Meta adds fields); every field we read is
type-checked. Unknown message types are valid: they are stored and the dialog answers them.

Coercions, all lossless: a phone-like id (`from`, `wa_id`, `recipient_id`,
`phone_number_id`) may arrive as a non-negative JSON integer and becomes its decimal string;
a timestamp is a string of digits or an integer. Message and status ids (wamids) must be
strings. Nothing else is coerced: a number where text is read, a string where a number is
read, a dict where a list is read are all refused.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AllowInfNan,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    StrictInt,
    StrictStr,
)

# The columns they are stored in (InboundEvent.wamid, Customer.wa_id).
WAMID_MAX = 128
WA_ID_MAX = 32
# 9999-12-31T23:59:59Z: the last second a datetime (and a DATETIME column) holds.
TIMESTAMP_MAX = 253_402_300_799
# Error codes are stored in 32-bit integer columns (Message.error_code, EarlyStatus).
_INT32 = 2**31

_DIGITS = re.compile(r"[0-9]{1,12}")


def _int_to_digits(value: Any) -> Any:
    """A non-negative integer id becomes its decimal string (Meta sends strings)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    return value


def _timestamp_to_int(value: Any) -> Any:
    if isinstance(value, str):
        if not _DIGITS.fullmatch(value):
            raise ValueError("a timestamp is a string of digits or an integer")
        return int(value)
    return value


def _at_most(limit: int) -> AfterValidator:
    def check(value: str) -> str:
        if len(value) > limit:
            # No column could hold it: storing it would fail on every redelivery.
            raise ValueError(f"too long (more than {limit} characters)")
        return value

    return AfterValidator(check)


Wamid = Annotated[StrictStr, Field(min_length=1), _at_most(WAMID_MAX)]
PhoneId = Annotated[StrictStr, BeforeValidator(_int_to_digits)]
WaId = Annotated[PhoneId, Field(min_length=1), _at_most(WA_ID_MAX)]
Timestamp = Annotated[StrictInt, BeforeValidator(_timestamp_to_int), Field(ge=0, le=TIMESTAMP_MAX)]
Latitude = Annotated[float, Strict(), AllowInfNan(False), Field(ge=-90, le=90)]
Longitude = Annotated[float, Strict(), AllowInfNan(False), Field(ge=-180, le=180)]
ErrorCode = Annotated[StrictInt, Field(ge=-_INT32, lt=_INT32)]


class _Meta(BaseModel):
    """Meta adds fields without notice: keep them, check only what we read."""

    model_config = ConfigDict(extra="allow", frozen=True)


# --- the parts of a message that `parsing.message_content` reads ---------------------------
class TextBody(_Meta):
    body: StrictStr = ""


class Reply(_Meta):
    id: StrictStr = ""
    title: StrictStr = ""


class Interactive(_Meta):
    type: StrictStr = ""
    button_reply: Reply | None = None
    list_reply: Reply | None = None


class Button(_Meta):
    payload: StrictStr = ""
    text: StrictStr = ""


class Location(_Meta):
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    name: StrictStr = ""
    address: StrictStr = ""


class Media(_Meta):
    id: StrictStr = ""
    caption: StrictStr = ""
    mime_type: StrictStr = ""
    # An audio message recorded in WhatsApp (a voice note) rather than a shared file.
    voice: StrictBool | None = None


class Reaction(_Meta):
    # The reacted-to message; an empty emoji is the reaction's removal.
    message_id: StrictStr = ""
    emoji: StrictStr = ""


def _quantity(value: Any) -> Any:
    """Meta's examples show the quantity both as a number and as a string of digits."""
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return int(value)
    return value


# A catalog cart line names a Product.sku (64 characters). A quantity the cart cannot hold
# is stored and reported to the customer by the cart service, not refused here.
RETAILER_ID_MAX = 64


class ProductItem(_Meta):
    product_retailer_id: Annotated[StrictStr, Field(min_length=1), _at_most(RETAILER_ID_MAX)]
    quantity: Annotated[StrictInt, BeforeValidator(_quantity), Field(ge=0, lt=_INT32)] = 1
    # Read for display only: the shop's own price is what the cart charges.
    item_price: Annotated[float, AllowInfNan(False)] | StrictStr | None = None
    currency: StrictStr = ""


class Order(_Meta):
    catalog_id: PhoneId = ""
    text: StrictStr = ""
    product_items: list[ProductItem] = []


class System(_Meta):
    """A system notice; `user_changed_number` names the customer's new WhatsApp id."""

    type: StrictStr = ""
    body: StrictStr = ""
    wa_id: Annotated[PhoneId, _at_most(WA_ID_MAX)] = ""


class ReferredProduct(_Meta):
    catalog_id: PhoneId = ""
    product_retailer_id: StrictStr = ""


class Context(_Meta):
    """What the message replies to: one of our messages, or a catalog product."""

    id: StrictStr = ""
    referred_product: ReferredProduct | None = None


class _Content(_Meta):
    """The type-named content objects a message may carry."""

    type: StrictStr | None = None  # any type, known or not, is stored
    text: TextBody | None = None
    interactive: Interactive | None = None
    button: Button | None = None
    location: Location | None = None
    image: Media | None = None
    audio: Media | None = None
    video: Media | None = None
    document: Media | None = None
    sticker: Media | None = None
    reaction: Reaction | None = None
    order: Order | None = None
    system: System | None = None
    context: Context | None = None


class Edit(_Meta):
    """An edited message: the original's id and the message as it reads now."""

    original_message_id: StrictStr = ""
    message: _Content | None = None


class Revoke(_Meta):
    """A message the customer deleted."""

    original_message_id: StrictStr = ""


class Message(_Content):
    id: Wamid
    from_: WaId = Field(alias="from")
    timestamp: Timestamp | None = None
    edit: Edit | None = None
    revoke: Revoke | None = None


# --- statuses of our outbound messages -------------------------------------------------
class ErrorData(_Meta):
    details: StrictStr = ""


class StatusError(_Meta):
    code: ErrorCode | None = None
    title: StrictStr = ""
    message: StrictStr = ""
    error_data: ErrorData | None = None


class Status(_Meta):
    id: Wamid
    status: StrictStr = ""
    timestamp: Timestamp | None = None
    recipient_id: PhoneId = ""
    errors: list[StatusError] = []
    # What we sent as biz_opaque_callback_data (our message id), echoed back by Meta.
    biz_opaque_callback_data: StrictStr = Field(default="", max_length=512)


# --- the envelope ------------------------------------------------------------------------
class Profile(_Meta):
    name: StrictStr = ""


class Contact(_Meta):
    wa_id: PhoneId = ""
    profile: Profile | None = None


class Metadata(_Meta):
    phone_number_id: PhoneId = ""
    display_phone_number: StrictStr = ""


# The template name and language columns (conversation_log.MessageTemplate).
TEMPLATE_NAME_MAX = 512
TEMPLATE_LANGUAGE_MAX = 15


class Value(_Meta):
    metadata: Metadata | None = None
    contacts: list[Contact] = []
    messages: list[Message] = []
    statuses: list[Status] = []
    # `message_template_status_update` changes (the business account's, no metadata).
    event: StrictStr = ""
    message_template_id: PhoneId = ""
    message_template_name: Annotated[StrictStr, _at_most(TEMPLATE_NAME_MAX)] = ""
    message_template_language: Annotated[StrictStr, _at_most(TEMPLATE_LANGUAGE_MAX)] = ""
    reason: StrictStr | None = None


class Change(_Meta):
    field: StrictStr = ""
    value: Value


class Entry(_Meta):
    changes: list[Change] = []


class Webhook(_Meta):
    object: Literal["whatsapp_business_account"]
    entry: list[Entry]
