"""Outbound WhatsApp messages as plain data, and the rules that keep them inside the Graph
API's limits.

States build these; `normalise()` turns one DTO into the list of DTOs that is actually
sent: long text is split at paragraph/sentence boundaries, a list with more than ten rows
is paged, and over-long titles are shortened with an ellipsis. Nothing that Meta rejects
ever leaves the process.
"""

from __future__ import annotations

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


OutboundMessage = Text | ReplyButtons | ListMessage | Image | LocationRequest


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
    interactive: dict[str, Any]
    if isinstance(message, ReplyButtons):
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


@dataclass
class Reply:
    """What a state answers: messages in order."""

    messages: list[OutboundMessage] = field(default_factory=list)
