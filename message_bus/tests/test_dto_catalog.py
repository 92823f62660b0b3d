"""Single- and multi-product messages (the WhatsApp catalog) within Meta's limits: at most
30 products in at most 10 sections, titled sections, a required header, bounded body."""

from __future__ import annotations

import pytest

from message_bus.dto import (
    FOOTER_MAX,
    HEADER_TEXT_MAX,
    INTERACTIVE_BODY_MAX,
    PRODUCT_LIST_ITEMS_MAX,
    PRODUCT_LIST_SECTIONS_MAX,
    PRODUCT_SECTION_TITLE_MAX,
    InvalidOutbound,
    ProductCard,
    ProductList,
    ProductSection,
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


def test_a_product_card_to_graph_shape():
    # when
    (card,) = normalise(ProductCard(catalog_id="CAT1", retailer_id=" SKU-1 ", body="Fast."))
    # then
    assert _valid(card)["interactive"] == {
        "type": "product",
        "body": {"text": "Fast."},
        "action": {"catalog_id": "CAT1", "product_retailer_id": "SKU-1"},
    }


def test_a_product_card_without_body_sends_none():
    # when
    (card,) = normalise(ProductCard(catalog_id="CAT1", retailer_id="SKU-1"))
    # then
    assert "body" not in _valid(card)["interactive"]


def test_a_product_card_body_over_1024_characters_continues_in_text_first():
    # when
    parts = normalise(
        ProductCard(catalog_id="CAT1", retailer_id="SKU-1", body="word " * 400, footer="f" * 99)
    )
    # then
    *leading, card = parts
    assert leading and all(isinstance(p, Text) for p in leading)
    assert isinstance(card, ProductCard) and len(card.body) <= INTERACTIVE_BODY_MAX
    assert len(card.footer) <= FOOTER_MAX
    _valid(card)


@pytest.mark.parametrize(
    "card",
    [
        ProductCard(catalog_id="", retailer_id="SKU-1"),
        ProductCard(catalog_id="CAT1", retailer_id=" "),
        ProductCard(catalog_id="CAT1", retailer_id="x" * 101),
    ],
    ids=["no catalog", "no retailer id", "retailer id too long"],
)
def test_a_product_card_meta_would_refuse_is_refused_before_sending(card):
    with pytest.raises(InvalidOutbound):
        normalise(card)


def test_a_product_list_keeps_at_most_30_products_in_at_most_10_titled_sections():
    # given: 12 sections of 4 products, one untitled, one product listed twice
    sections = tuple(
        ProductSection(
            title="" if n == 1 else f"Section number {n} with a long title",
            retailer_ids=tuple(f"S{n}-{i}" for i in range(4)) + (("S0-0",) if n == 2 else ()),
        )
        for n in range(12)
    )
    # when
    (message,) = normalise(
        ProductList(catalog_id="CAT1", header_text="H" * 80, body="Results", sections=sections)
    )
    # then
    body = _valid(message)["interactive"]
    graph_sections = body["action"]["sections"]
    items = [i["product_retailer_id"] for s in graph_sections for i in s["product_items"]]
    assert len(items) == PRODUCT_LIST_ITEMS_MAX == len(set(items))
    assert len(graph_sections) <= PRODUCT_LIST_SECTIONS_MAX
    assert all(0 < len(s["title"]) <= PRODUCT_SECTION_TITLE_MAX for s in graph_sections)
    assert len(body["header"]["text"]) <= HEADER_TEXT_MAX
    assert items[:5] == ["S0-0", "S0-1", "S0-2", "S0-3", "S1-0"]


def test_a_product_list_over_ten_sections_keeps_the_first_ten():
    # given
    sections = tuple(ProductSection(title=f"S{n}", retailer_ids=(f"P{n}",)) for n in range(15))
    # when
    (message,) = normalise(
        ProductList(catalog_id="CAT1", header_text="Phones", body="b", sections=sections)
    )
    # then
    assert [s.title for s in message.sections] == [f"S{n}" for n in range(10)]
    _valid(message)


def test_a_product_list_long_body_continues_in_text_first():
    # when
    *leading, message = normalise(
        ProductList(
            catalog_id="CAT1",
            header_text="Phones",
            body="word " * 400,
            sections=(ProductSection(title="", retailer_ids=("P1",)),),
        )
    )
    # then
    assert leading and isinstance(message, ProductList)
    assert 0 < len(message.body) <= INTERACTIVE_BODY_MAX
    _valid(message)


@pytest.mark.parametrize(
    "message",
    [
        ProductList(catalog_id="CAT1", header_text="H", body="b", sections=()),
        ProductList(
            catalog_id="CAT1",
            header_text=" ",
            body="b",
            sections=(ProductSection(title="", retailer_ids=("P1",)),),
        ),
        ProductList(
            catalog_id="",
            header_text="H",
            body="b",
            sections=(ProductSection(title="", retailer_ids=("P1",)),),
        ),
    ],
    ids=["no products", "no header", "no catalog"],
)
def test_a_product_list_meta_would_refuse_is_refused_before_sending(message):
    with pytest.raises(InvalidOutbound):
        normalise(message)
