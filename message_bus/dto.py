"""Outbound WhatsApp messages as plain data, and the rules that keep them inside the Graph
API's limits.

States build these; `normalise()` turns one DTO into the list of DTOs that is actually
sent: long text is split at paragraph/sentence boundaries, a list with more than ten rows
is paged, and over-long titles are shortened with an ellipsis. Nothing that Meta rejects
ever leaves the process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

TEXT_MAX = 4096
INTERACTIVE_BODY_MAX = 1024
BUTTONS_MAX = 3
BUTTON_TITLE_MAX = 20
BUTTON_ID_MAX = 256
HEADER_TEXT_MAX = 60
FOOTER_MAX = 60
LIST_ROWS_MAX = 10
LIST_SECTIONS_MAX = 10
LIST_BUTTON_MAX = 20
ROW_TITLE_MAX = 24
ROW_DESCRIPTION_MAX = 72
ROW_ID_MAX = 200
SECTION_TITLE_MAX = 24
CAPTION_MAX = 1024
CTA_DISPLAY_TEXT_MAX = 20
CTA_URL_MAX = 2000
TEMPLATE_NAME_MAX = 512
TEMPLATE_TEXT_PARAM_MAX = 1024  # a body parameter can never exceed the body itself
TEMPLATE_BUTTON_SUFFIX_MAX = 2000  # the button's whole URL is at most 2000 characters
TEMPLATE_BUTTONS_MAX = 10
# Single- and multi-product messages (the WhatsApp catalog, WA_CATALOG_ID).
PRODUCT_LIST_ITEMS_MAX = 30
PRODUCT_LIST_SECTIONS_MAX = 10
PRODUCT_SECTION_TITLE_MAX = 24
RETAILER_ID_MAX = 100
_TEMPLATE_NAME = re.compile(r"^[a-z0-9_]{1,512}$")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(_[A-Za-z]{2,4})?$")
_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")


class InvalidOutbound(ValueError):
    """A message that cannot be made to fit the Graph limits (a template parameter too
    long, a URL that is not https): refused before any request."""


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def split_text(text: str, limit: int) -> list[str]:
    """Split at paragraph, then line, then sentence, then word boundaries."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    parts: list[str] = []
    remaining = text
    while len(remaining) > limit:
        window = remaining[:limit]
        cut = -1
        for separator in ("\n\n", "\n", ". ", "。", "؟ ", "? ", "! ", " "):
            position = window.rfind(separator)
            if position > limit // 3:
                cut = position + len(separator)
                break
        if cut <= 0:
            cut = limit
        parts.append(remaining[:cut].strip())
        remaining = remaining[cut:].strip()
    if remaining:
        parts.append(remaining)
    return parts


@dataclass(frozen=True)
class Text:
    body: str
    preview_url: bool = False

    kind = "text"

    def render(self) -> str:
        return self.body


@dataclass(frozen=True)
class Button:
    id: str
    title: str


@dataclass(frozen=True)
class ReplyButtons:
    """Body + up to three reply buttons, with an optional image or text header."""

    body: str
    buttons: tuple[Button, ...]
    header_text: str = ""
    header_image_url: str = ""
    footer: str = ""

    kind = "buttons"

    def render(self) -> str:
        lines = [self.header_text] if self.header_text else []
        if self.header_image_url:
            lines.append(f"[image] {self.header_image_url}")
        lines.append(self.body)
        if self.footer:
            lines.append(self.footer)
        lines.extend(f"  ({i}) {b.title}" for i, b in enumerate(self.buttons, 1))
        return "\n".join(lines)


@dataclass(frozen=True)
class Row:
    id: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class ListMessage:
    """An interactive list: a button that opens sections of rows (10 rows in all)."""

    body: str
    button: str
    sections: tuple[Section, ...]
    header_text: str = ""
    footer: str = ""
    # When there are more rows than one message may carry, a final row with this id and
    # title asks for the next page (the state decides what "next page" means).
    more_row: Row | None = None

    kind = "list"

    def rows(self) -> list[Row]:
        return [row for section in self.sections for row in section.rows]

    def render(self) -> str:
        lines = [self.header_text] if self.header_text else []
        lines.append(self.body)
        number = 0
        for section in self.sections:
            if section.title:
                lines.append(f"— {section.title}")
            for row in section.rows:
                number += 1
                suffix = f" — {row.description}" if row.description else ""
                lines.append(f"  [{number}] {row.title}{suffix}")
        if self.footer:
            lines.append(self.footer)
        return "\n".join(lines)


@dataclass(frozen=True)
class Image:
    link: str = ""
    media_id: str = ""
    caption: str = ""

    kind = "image"

    def render(self) -> str:
        return f"[image] {self.link or self.media_id}" + (
            f"\n{self.caption}" if self.caption else ""
        )


@dataclass(frozen=True)
class LocationRequest:
    body: str

    kind = "location_request"

    def render(self) -> str:
        return f"{self.body}\n  (send location)"


@dataclass(frozen=True)
class CtaUrl:
    """A body with one call-to-action button that opens an https URL (a tracking page, a
    payment link)."""

    body: str
    display_text: str
    url: str
    header_text: str = ""
    footer: str = ""

    kind = "cta_url"

    def render(self) -> str:
        lines = [self.header_text] if self.header_text else []
        lines.append(self.body)
        if self.footer:
            lines.append(self.footer)
        lines.append(f"  [{self.display_text}] {self.url}")
        return "\n".join(lines)


# --- Catalog messages: products of the WhatsApp catalog (retailer id = our SKU) ---------
@dataclass(frozen=True)
class ProductCard:
    """One catalog product, shown by WhatsApp from the catalog (image, price, "View")."""

    catalog_id: str
    retailer_id: str
    body: str = ""
    footer: str = ""

    kind = "product"

    def render(self) -> str:
        lines = [self.body] if self.body else []
        lines.append(f"[product {self.retailer_id}]")
        if self.footer:
            lines.append(self.footer)
        return "\n".join(lines)


@dataclass(frozen=True)
class ProductSection:
    title: str
    retailer_ids: tuple[str, ...]


@dataclass(frozen=True)
class ProductList:
    """Several catalog products in titled sections (at most 30 products, 10 sections); a
    text header and a body are required."""

    catalog_id: str
    header_text: str
    body: str
    sections: tuple[ProductSection, ...]
    footer: str = ""

    kind = "product_list"

    def render(self) -> str:
        lines = [self.header_text, self.body]
        for section in self.sections:
            if section.title:
                lines.append(f"— {section.title}")
            lines.extend(f"  [product {retailer_id}]" for retailer_id in section.retailer_ids)
        if self.footer:
            lines.append(self.footer)
        return "\n".join(lines)


# --- Template messages: the only messages Meta accepts outside the 24-hour window --------
@dataclass(frozen=True)
class TextParam:
    text: str

    def render(self) -> str:
        return self.text


@dataclass(frozen=True)
class CurrencyParam:
    """An amount: `amount_1000` is the amount times 1000 (USD 12.34 → 12340)."""

    fallback_value: str
    code: str
    amount_1000: int

    def render(self) -> str:
        return self.fallback_value


@dataclass(frozen=True)
class DateTimeParam:
    fallback_value: str

    def render(self) -> str:
        return self.fallback_value


TemplateParam = TextParam | CurrencyParam | DateTimeParam


@dataclass(frozen=True)
class UrlButtonParam:
    """The dynamic suffix of the template's URL button number `index` (0-based)."""

    index: int
    suffix: str


@dataclass(frozen=True)
class Template:
    """An approved template by name and language, with its positional parameters.
    `preview` is the body with its parameters filled in, for staff to read."""

    name: str
    language: str
    body_params: tuple[TemplateParam, ...] = ()
    header_params: tuple[TextParam, ...] = ()
    buttons: tuple[UrlButtonParam, ...] = ()
    preview: str = ""

    kind = "template"

    def render(self) -> str:
        if self.preview:
            return self.preview
        values = ", ".join(p.render() for p in self.body_params)
        return f"[template {self.name}/{self.language}] {values}"


OutboundMessage = (
    Text
    | ReplyButtons
    | ListMessage
    | Image
    | LocationRequest
    | CtaUrl
    | Template
    | ProductCard
    | ProductList
)


def _catalog_ids(catalog_id: str, retailer_ids: list[str]) -> tuple[str, list[str]]:
    catalog = catalog_id.strip()
    if not catalog or any(c.isspace() for c in catalog):
        raise InvalidOutbound("a product message needs the catalog id")
    cleaned = []
    for retailer_id in retailer_ids:
        value = retailer_id.strip()
        if not value or len(value) > RETAILER_ID_MAX:
            raise InvalidOutbound(f"not a product retailer id: {retailer_id!r}")
        cleaned.append(value)
    return catalog, cleaned


def _normalise_product(message: ProductCard) -> list[OutboundMessage]:
    catalog, (retailer_id,) = _catalog_ids(message.catalog_id, [message.retailer_id])
    body_parts = split_text(message.body, INTERACTIVE_BODY_MAX)
    return [
        *[Text(body=part) for part in body_parts[:-1]],
        ProductCard(
            catalog_id=catalog,
            retailer_id=retailer_id,
            body=body_parts[-1] if body_parts else "",
            footer=shorten(message.footer, FOOTER_MAX),
        ),
    ]


def _normalise_product_list(message: ProductList) -> list[OutboundMessage]:
    """At most 30 products in at most 10 sections (the first ones, in order; a product
    listed twice is kept once); every section titled once there are several."""
    seen: set[str] = set()
    sections: list[ProductSection] = []
    for section in message.sections:
        if len(sections) == PRODUCT_LIST_SECTIONS_MAX or len(seen) == PRODUCT_LIST_ITEMS_MAX:
            break
        _catalog, ids = _catalog_ids(message.catalog_id, list(section.retailer_ids))
        kept = []
        for retailer_id in ids:
            if retailer_id not in seen and len(seen) < PRODUCT_LIST_ITEMS_MAX:
                seen.add(retailer_id)
                kept.append(retailer_id)
        if kept:
            sections.append(
                ProductSection(
                    title=shorten(section.title, PRODUCT_SECTION_TITLE_MAX),
                    retailer_ids=tuple(kept),
                )
            )
    if not sections:
        raise InvalidOutbound("a product list without products")
    if len(sections) > 1:
        sections = [replace(s, title=s.title or "…") for s in sections]
    header = shorten(message.header_text, HEADER_TEXT_MAX)
    if not header:
        raise InvalidOutbound("a product list needs a header")
    body_parts = split_text(message.body, INTERACTIVE_BODY_MAX) or [" "]
    return [
        *[Text(body=part) for part in body_parts[:-1]],
        ProductList(
            catalog_id=message.catalog_id.strip(),
            header_text=header,
            body=body_parts[-1],
            sections=tuple(sections),
            footer=shorten(message.footer, FOOTER_MAX),
        ),
    ]


def _normalise_cta(message: CtaUrl) -> list[OutboundMessage]:
    url = message.url.strip()
    if not url.startswith("https://") or len(url) > CTA_URL_MAX or any(c.isspace() for c in url):
        raise InvalidOutbound(f"a CTA URL must be https and at most {CTA_URL_MAX} characters")
    body_parts = split_text(message.body, INTERACTIVE_BODY_MAX) or [" "]
    return [
        *[Text(body=part) for part in body_parts[:-1]],
        CtaUrl(
            body=body_parts[-1],
            display_text=shorten(message.display_text, CTA_DISPLAY_TEXT_MAX),
            url=url,
            header_text=shorten(message.header_text, HEADER_TEXT_MAX),
            footer=shorten(message.footer, FOOTER_MAX),
        ),
    ]


def _template_text(value: str) -> str:
    # Meta refuses parameters with new lines, tabs or more than 4 consecutive spaces.
    text = " ".join(value.split())
    if not text:
        raise InvalidOutbound("a template parameter is empty")
    if len(text) > TEMPLATE_TEXT_PARAM_MAX:
        raise InvalidOutbound(f"a template parameter is over {TEMPLATE_TEXT_PARAM_MAX} characters")
    return text


def _normalise_param(param: TemplateParam) -> TemplateParam:
    if isinstance(param, TextParam):
        return TextParam(text=_template_text(param.text))
    if isinstance(param, CurrencyParam):
        if not _CURRENCY_CODE.match(param.code):
            raise InvalidOutbound(f"not an ISO 4217 currency code: {param.code!r}")
        if isinstance(param.amount_1000, bool) or not isinstance(param.amount_1000, int):
            raise InvalidOutbound("amount_1000 must be an integer")
        return replace(param, fallback_value=_template_text(param.fallback_value))
    if isinstance(param, DateTimeParam):
        return DateTimeParam(fallback_value=_template_text(param.fallback_value))
    raise InvalidOutbound(f"not a template parameter: {param!r}")


def _normalise_template(message: Template) -> Template:
    if not _TEMPLATE_NAME.match(message.name):
        raise InvalidOutbound(f"not a template name: {message.name!r}")
    if not _LANGUAGE_CODE.match(message.language):
        raise InvalidOutbound(f"not a template language code: {message.language!r}")
    buttons = []
    for button in message.buttons:
        if not 0 <= button.index < TEMPLATE_BUTTONS_MAX:
            raise InvalidOutbound(f"template button index out of range: {button.index}")
        suffix = button.suffix.strip()
        if not suffix or len(suffix) > TEMPLATE_BUTTON_SUFFIX_MAX:
            raise InvalidOutbound("a URL button suffix is empty or too long")
        if any(c.isspace() for c in suffix):
            raise InvalidOutbound("a URL button suffix holds white space")
        buttons.append(UrlButtonParam(index=button.index, suffix=suffix))
    if len({b.index for b in buttons}) != len(buttons):
        raise InvalidOutbound("two parameters for one template button")
    header = tuple(_normalise_param(p) for p in message.header_params)
    if any(not isinstance(p, TextParam) for p in header):
        raise InvalidOutbound("template header parameters are text")
    return replace(
        message,
        body_params=tuple(_normalise_param(p) for p in message.body_params),
        header_params=header,
        buttons=tuple(buttons),
        preview=message.preview[:TEXT_MAX],
    )


def _normalise_buttons(message: ReplyButtons, more_body: str) -> list[OutboundMessage]:
    buttons = tuple(
        Button(id=b.id[:BUTTON_ID_MAX], title=shorten(b.title, BUTTON_TITLE_MAX))
        for b in message.buttons
    )
    if not buttons:
        return [Text(body=message.body)]
    body_parts = split_text(message.body, INTERACTIVE_BODY_MAX) or [" "]
    leading = [Text(body=part) for part in body_parts[:-1]]
    groups = [buttons[i : i + BUTTONS_MAX] for i in range(0, len(buttons), BUTTONS_MAX)]
    result: list[OutboundMessage] = list(leading)
    for index, group in enumerate(groups):
        first = index == 0
        result.append(
            ReplyButtons(
                body=body_parts[-1] if first else more_body,
                buttons=group,
                header_text=shorten(message.header_text, HEADER_TEXT_MAX) if first else "",
                header_image_url=message.header_image_url if first else "",
                footer=shorten(message.footer, FOOTER_MAX),
            )
        )
    return result


def _normalise_list(message: ListMessage) -> list[OutboundMessage]:
    capacity = LIST_ROWS_MAX - (1 if message.more_row else 0)
    sections: list[Section] = []
    taken = 0
    for section in message.sections[:LIST_SECTIONS_MAX]:
        room = capacity - taken
        if room <= 0:
            break
        rows = tuple(
            Row(
                id=row.id[:ROW_ID_MAX],
                title=shorten(row.title, ROW_TITLE_MAX),
                description=shorten(row.description, ROW_DESCRIPTION_MAX),
            )
            for row in section.rows[:room]
        )
        taken += len(rows)
        if rows:
            sections.append(Section(title=shorten(section.title, SECTION_TITLE_MAX), rows=rows))
    if message.more_row:
        more = Row(
            id=message.more_row.id[:ROW_ID_MAX],
            title=shorten(message.more_row.title, ROW_TITLE_MAX),
            description=shorten(message.more_row.description, ROW_DESCRIPTION_MAX),
        )
        if sections:
            last = sections[-1]
            sections[-1] = replace(last, rows=(*last.rows, more))
        else:
            sections.append(Section(title="", rows=(more,)))
    if not sections:
        return [Text(body=message.body)]
    if len(sections) > 1 and any(not s.title for s in sections):
        # Meta requires a title on every section once there is more than one.
        sections = [replace(s, title=s.title or "…") for s in sections]
    body_parts = split_text(message.body, INTERACTIVE_BODY_MAX) or [" "]
    return [
        *[Text(body=part) for part in body_parts[:-1]],
        ListMessage(
            body=body_parts[-1],
            button=shorten(message.button, LIST_BUTTON_MAX),
            sections=tuple(sections),
            header_text=shorten(message.header_text, HEADER_TEXT_MAX),
            footer=shorten(message.footer, FOOTER_MAX),
        ),
    ]


def normalise(message: OutboundMessage, *, more_body: str = "…") -> list[OutboundMessage]:
    """The messages that carry `message` within every Graph limit. More than three reply
    buttons go out as several messages; the ones after the first carry `more_body` (a body
    is required), which the caller words in the customer's language."""
    if isinstance(message, Text):
        return [
            Text(body=part, preview_url=message.preview_url)
            for part in split_text(message.body, TEXT_MAX)
        ]
    if isinstance(message, ReplyButtons):
        return _normalise_buttons(message, more_body)
    if isinstance(message, ListMessage):
        return _normalise_list(message)
    if isinstance(message, Image):
        caption = split_text(message.caption, CAPTION_MAX)
        first = replace(message, caption=caption[0] if caption else "")
        return [first, *[Text(body=part) for part in caption[1:]]]
    if isinstance(message, LocationRequest):
        return [LocationRequest(body=shorten(message.body, INTERACTIVE_BODY_MAX))]
    if isinstance(message, CtaUrl):
        return _normalise_cta(message)
    if isinstance(message, Template):
        return [_normalise_template(message)]
    if isinstance(message, ProductCard):
        return _normalise_product(message)
    if isinstance(message, ProductList):
        return _normalise_product_list(message)
    raise TypeError(f"not an outbound message: {message!r}")


def to_graph(message: OutboundMessage) -> dict[str, Any]:
    """The `messages` API body (without `to`) of a normalised message."""
    if isinstance(message, Text):
        return {"type": "text", "text": {"body": message.body, "preview_url": message.preview_url}}
    if isinstance(message, Image):
        image: dict[str, Any] = (
            {"id": message.media_id} if message.media_id else {"link": message.link}
        )
        if message.caption:
            image["caption"] = message.caption
        return {"type": "image", "image": image}
    if isinstance(message, LocationRequest):
        return {
            "type": "interactive",
            "interactive": {
                "type": "location_request_message",
                "body": {"text": message.body},
                "action": {"name": "send_location"},
            },
        }
    if isinstance(message, Template):
        return {"type": "template", "template": _template_graph(message)}
    interactive: dict[str, Any]
    if isinstance(message, ProductCard):
        interactive = {
            "type": "product",
            "action": {
                "catalog_id": message.catalog_id,
                "product_retailer_id": message.retailer_id,
            },
        }
        if message.body:
            interactive["body"] = {"text": message.body}
    elif isinstance(message, ProductList):
        interactive = {
            "type": "product_list",
            "header": {"type": "text", "text": message.header_text},
            "body": {"text": message.body},
            "action": {
                "catalog_id": message.catalog_id,
                "sections": [
                    {
                        **({"title": s.title} if s.title else {}),
                        "product_items": [
                            {"product_retailer_id": retailer_id} for retailer_id in s.retailer_ids
                        ],
                    }
                    for s in message.sections
                ],
            },
        }
    elif isinstance(message, CtaUrl):
        interactive = {
            "type": "cta_url",
            "body": {"text": message.body},
            "action": {
                "name": "cta_url",
                "parameters": {"display_text": message.display_text, "url": message.url},
            },
        }
        if message.header_text:
            interactive["header"] = {"type": "text", "text": message.header_text}
    elif isinstance(message, ReplyButtons):
        interactive = {
            "type": "button",
            "body": {"text": message.body},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": b.id, "title": b.title}}
                    for b in message.buttons
                ]
            },
        }
        if message.header_image_url:
            interactive["header"] = {"type": "image", "image": {"link": message.header_image_url}}
        elif message.header_text:
            interactive["header"] = {"type": "text", "text": message.header_text}
    elif isinstance(message, ListMessage):
        interactive = {
            "type": "list",
            "body": {"text": message.body},
            "action": {
                "button": message.button,
                "sections": [
                    {
                        **({"title": s.title} if s.title else {}),
                        "rows": [
                            {
                                "id": r.id,
                                "title": r.title,
                                **({"description": r.description} if r.description else {}),
                            }
                            for r in s.rows
                        ],
                    }
                    for s in message.sections
                ],
            },
        }
        if message.header_text:
            interactive["header"] = {"type": "text", "text": message.header_text}
    else:  # pragma: no cover - normalise() rejects anything else
        raise TypeError(message)
    if message.footer:
        interactive["footer"] = {"text": message.footer}
    return {"type": "interactive", "interactive": interactive}


def _param_graph(param: TemplateParam) -> dict[str, Any]:
    if isinstance(param, CurrencyParam):
        return {
            "type": "currency",
            "currency": {
                "fallback_value": param.fallback_value,
                "code": param.code,
                "amount_1000": param.amount_1000,
            },
        }
    if isinstance(param, DateTimeParam):
        return {"type": "date_time", "date_time": {"fallback_value": param.fallback_value}}
    return {"type": "text", "text": param.text}


def _template_graph(message: Template) -> dict[str, Any]:
    components: list[dict[str, Any]] = []
    if message.header_params:
        components.append(
            {"type": "header", "parameters": [_param_graph(p) for p in message.header_params]}
        )
    if message.body_params:
        components.append(
            {"type": "body", "parameters": [_param_graph(p) for p in message.body_params]}
        )
    for button in sorted(message.buttons, key=lambda b: b.index):
        components.append(
            {
                "type": "button",
                "sub_type": "url",
                "index": str(button.index),
                "parameters": [{"type": "text", "text": button.suffix}],
            }
        )
    template: dict[str, Any] = {"name": message.name, "language": {"code": message.language}}
    if components:
        template["components"] = components
    return template


@dataclass
class Reply:
    """What a state answers: messages in order."""

    messages: list[OutboundMessage] = field(default_factory=list)
