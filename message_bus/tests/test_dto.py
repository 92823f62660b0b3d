"""Outbound DTOs never exceed a Graph limit: they are split, paged or shortened."""

from __future__ import annotations

from message_bus.dto import (
    BUTTON_TITLE_MAX,
    INTERACTIVE_BODY_MAX,
    LIST_ROWS_MAX,
    ROW_TITLE_MAX,
    TEXT_MAX,
    Button,
    Image,
    ListMessage,
    LocationRequest,
    ReplyButtons,
    Row,
    Section,
    Text,
    normalise,
    to_graph,
)
from wa_gateway.tests.fixtures import assert_graph_body_valid


def _valid(message) -> dict:
    body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": "1"}
    body.update(to_graph(message))
    assert_graph_body_valid(body)
    return body


def test_more_than_three_buttons_are_split_into_messages_of_three():
    # given
    buttons = tuple(Button(id=f"b{i}", title=f"Option {i}") for i in range(7))
    # when
    parts = normalise(ReplyButtons(body="Pick one", buttons=buttons))
    # then
    assert [len(p.buttons) for p in parts] == [3, 3, 1]
    assert [b.id for p in parts for b in p.buttons] == [f"b{i}" for i in range(7)]
    assert parts[0].body == "Pick one"
    for part in parts:
        _valid(part)


def test_a_button_title_over_twenty_characters_is_shortened_with_an_ellipsis():
    # when
    (part,) = normalise(
        ReplyButtons(body="b", buttons=(Button(id="x", title="A very long button title indeed"),))
    )
    # then
    title = part.buttons[0].title
    assert len(title) <= BUTTON_TITLE_MAX
    assert title.endswith("…")
    assert title.startswith("A very long")


def test_a_list_over_ten_rows_is_capped_with_a_more_row():
    # given
    rows = tuple(Row(id=f"prd:{i}", title=f"Phone {i}") for i in range(25))
    message = ListMessage(
        body="Phones",
        button="See phones",
        sections=(Section(title="Phones", rows=rows),),
        more_row=Row(id="more:2", title="More phones"),
    )
    # when
    (part,) = normalise(message)
    # then
    sent = part.rows()
    assert len(sent) == LIST_ROWS_MAX
    assert [r.id for r in sent[:-1]] == [f"prd:{i}" for i in range(LIST_ROWS_MAX - 1)]
    assert sent[-1].id == "more:2"
    _valid(part)


def test_a_list_without_a_more_row_is_capped_at_ten_rows_across_sections():
    # given
    sections = tuple(
        Section(title=f"S{s}", rows=tuple(Row(id=f"r{s}-{i}", title="t") for i in range(4)))
        for s in range(4)
    )
    # when
    (part,) = normalise(ListMessage(body="b", button="Open", sections=sections))
    # then
    assert len(part.rows()) == LIST_ROWS_MAX
    _valid(part)


def test_list_row_titles_are_shortened_and_untitled_sections_get_a_title():
    # given
    message = ListMessage(
        body="b",
        button="A list button that is far too long",
        sections=(
            Section(title="", rows=(Row(id="a", title="x" * 40, description="d" * 100),)),
            Section(title="Second", rows=(Row(id="b", title="y"),)),
        ),
    )
    # when
    (part,) = normalise(message)
    # then
    assert len(part.rows()[0].title) == ROW_TITLE_MAX
    assert all(section.title for section in part.sections)
    _valid(part)


def test_text_over_4096_characters_is_split_at_word_boundaries():
    # given
    words = " ".join(f"word{i}" for i in range(2000))  # about 15,000 characters
    # when
    parts = normalise(Text(body=words))
    # then
    assert len(parts) >= 4
    assert all(0 < len(p.body) <= TEXT_MAX for p in parts)
    assert " ".join(p.body for p in parts).split() == words.split()


def test_an_interactive_body_over_1024_characters_is_split_before_the_buttons():
    # given
    body = "\n\n".join(f"Paragraph {i}: " + "lorem ipsum " * 20 for i in range(12))
    # when
    parts = normalise(ReplyButtons(body=body, buttons=(Button(id="ok", title="OK"),)))
    # then
    assert all(isinstance(p, Text) for p in parts[:-1])
    assert isinstance(parts[-1], ReplyButtons)
    assert all(len(p.body) <= INTERACTIVE_BODY_MAX for p in parts)
    assert " ".join(p.body for p in parts).split() == body.split()


def test_reply_buttons_to_graph_shape_with_text_header_and_footer():
    # given
    message = ReplyButtons(
        body="Hello",
        buttons=(Button(id="cart:view", title="My cart"), Button(id="help", title="Help")),
        header_text="Shop",
        footer="Footer",
    )
    # when
    body = to_graph(message)
    # then
    assert body == {
        "type": "interactive",
        "interactive": {
            "type": "button",
            "header": {"type": "text", "text": "Shop"},
            "body": {"text": "Hello"},
            "footer": {"text": "Footer"},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": "cart:view", "title": "My cart"}},
                    {"type": "reply", "reply": {"id": "help", "title": "Help"}},
                ]
            },
        },
    }


def test_image_header_wins_over_text_header():
    # when
    body = to_graph(
        ReplyButtons(
            body="b",
            buttons=(Button(id="a", title="A"),),
            header_text="t",
            header_image_url="https://cdn.example/p.jpg",
        )
    )
    # then
    assert body["interactive"]["header"] == {
        "type": "image",
        "image": {"link": "https://cdn.example/p.jpg"},
    }


def test_list_to_graph_shape():
    # when
    body = to_graph(
        ListMessage(
            body="Choose",
            button="Options",
            sections=(Section(title="Sec", rows=(Row(id="r1", title="One", description="d"),)),),
        )
    )
    # then
    assert body == {
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": "Choose"},
            "action": {
                "button": "Options",
                "sections": [
                    {"title": "Sec", "rows": [{"id": "r1", "title": "One", "description": "d"}]}
                ],
            },
        },
    }


def test_text_image_and_location_request_to_graph_shapes():
    # then
    assert to_graph(Text(body="hi")) == {
        "type": "text",
        "text": {"body": "hi", "preview_url": False},
    }
    assert to_graph(Image(link="https://cdn.example/a.jpg", caption="A")) == {
        "type": "image",
        "image": {"link": "https://cdn.example/a.jpg", "caption": "A"},
    }
    assert to_graph(Image(media_id="MEDIA1")) == {"type": "image", "image": {"id": "MEDIA1"}}
    assert to_graph(LocationRequest(body="Where?")) == {
        "type": "interactive",
        "interactive": {
            "type": "location_request_message",
            "body": {"text": "Where?"},
            "action": {"name": "send_location"},
        },
    }


def test_a_long_image_caption_continues_in_text_messages():
    # given
    caption = "sentence. " * 300
    # when
    parts = normalise(Image(link="https://cdn.example/a.jpg", caption=caption))
    # then
    assert isinstance(parts[0], Image)
    assert len(parts[0].caption) <= 1024
    assert all(isinstance(p, Text) for p in parts[1:])
    assert len(parts) >= 2
