"""With a WhatsApp catalog (WA_CATALOG_ID) a product card is a single-product message and
search results a multi-product message, through the real webhook and a fake Graph API;
without one, the reply-button card and the list stay."""

from __future__ import annotations

import pytest

from dialog_engine.tests.catalog import catalog_build
from wa_gateway.tests import payloads
from wa_gateway.tests.fixtures import graph, post_webhook  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

WA_ID = "966530000777"


@pytest.fixture
def shop(settings):
    catalog_build()
    return settings


def test_a_product_card_is_the_catalog_product_then_our_actions(shop, post_webhook, graph):  # noqa: F811
    # given
    shop.WA_CATALOG_ID = "CAT-77"
    # when
    post_webhook(payloads.button_reply(WA_ID, "prd:GAL-A15", "Galaxy A15"))
    # then
    card, actions = (body["interactive"] for body in graph.sends)
    assert card["type"] == "product"
    assert card["action"] == {"catalog_id": "CAT-77", "product_retailer_id": "GAL-A15"}
    assert "In stock" in card["body"]["text"]
    assert [b["reply"]["id"] for b in actions["action"]["buttons"]] == [
        "add:GAL-A15",
        "cmp:add:GAL-A15",
        "more:GAL-A15",
    ]


def test_without_a_catalog_the_product_card_is_one_button_message(shop, post_webhook, graph):  # noqa: F811
    # given
    shop.WA_CATALOG_ID = ""
    # when
    post_webhook(payloads.button_reply(WA_ID, "prd:GAL-A15", "Galaxy A15"))
    # then
    (body,) = graph.sends
    assert body["interactive"]["type"] == "button"
    assert body["interactive"]["header"]["type"] == "image"


def test_search_results_are_a_multi_product_message_from_the_catalog(shop, post_webhook, graph):  # noqa: F811
    # given
    shop.WA_CATALOG_ID = "CAT-77"
    # when
    post_webhook(payloads.text_message(WA_ID, "samsung phones"))
    # then
    lists = [b["interactive"] for b in graph.sends if b["interactive"]["type"] == "product_list"]
    assert len(lists) == 1
    action = lists[0]["action"]
    skus = [i["product_retailer_id"] for s in action["sections"] for i in s["product_items"]]
    assert action["catalog_id"] == "CAT-77"
    assert skus[:2] == ["GAL-A15", "GAL-S24"]  # the search's own order, one page of it
    assert len(skus) <= 9
    assert not any(b["interactive"]["type"] == "list" for b in graph.sends)
    more = graph.sends[-1]["interactive"]  # the next page is a button under the products
    assert [b["reply"]["id"] for b in more["action"]["buttons"]] == ["srch:p2", "menu"]
