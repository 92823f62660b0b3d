"""The Admin API client against a fake shop: pagination, rate limits, retries, errors."""

from __future__ import annotations

import socket

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from connectors.shopify_admin.client import (
    MAX_THROTTLED_RETRIES,
    ShopifyAuthError,
    ShopifyClient,
    ShopifyError,
)

from .fake_shopify import GRAPHQL_PATH, REST_PATH, GraphQLShop, RestShop, graphql_node, product


def test_rest_follows_the_link_header_page_info_unchanged(httpserver: HTTPServer, client) -> None:
    # given
    shop = RestShop(httpserver, [[product(1)], [product(2)], [product(3)]])
    # when
    pages = list(client.iter_products(api="rest"))
    # then
    assert [[p["id"] for p in page] for page in pages] == [[1], [2], [3]]
    assert shop.calls[0].args["limit"] == "250"
    assert shop.calls[0].args["status"] == "active,archived,draft"
    assert [c.args.get("page_info") for c in shop.calls] == [None, "p1", "p2"]
    assert "status" not in shop.calls[1].args  # a page_info URL carries no other filters


def test_rest_sends_the_access_token_and_updated_at_min(httpserver: HTTPServer, client) -> None:
    # given
    shop = RestShop(httpserver, [[product(1)]])
    # when
    list(client.iter_products(api="rest", updated_at_min="2026-11-01T00:00:00+00:00"))
    # then
    assert shop.calls[0].headers["X-Shopify-Access-Token"] == "shpat_test"
    assert shop.calls[0].args["updated_at_min"] == "2026-11-01T00:00:00+00:00"


def test_429_waits_for_retry_after_then_retries(httpserver: HTTPServer, client) -> None:
    # given
    shop = RestShop(
        httpserver,
        [[product(1)]],
        failures={1: Response("slow down", status=429, headers={"Retry-After": "3"})},
    )
    # when
    pages = list(client.iter_products(api="rest"))
    # then
    assert len(pages) == 1 and len(shop.calls) == 2
    assert client.sleeps == [3.0]


def test_retry_after_is_capped_by_max_sleep(httpserver: HTTPServer, client) -> None:
    # given
    client.max_sleep = 0.5
    RestShop(
        httpserver,
        [[product(1)]],
        failures={1: Response("slow down", status=429, headers={"Retry-After": "120"})},
    )
    # when
    list(client.iter_products(api="rest"))
    # then
    assert client.sleeps == [0.5]


def test_a_5xx_is_retried(httpserver: HTTPServer, client) -> None:
    # given
    shop = RestShop(httpserver, [[product(1)]], failures={1: Response("oops", status=502)})
    # when
    pages = list(client.iter_products(api="rest"))
    # then
    assert len(pages) == 1 and len(shop.calls) == 2


def test_persistent_5xx_gives_up_after_bounded_retries(httpserver: HTTPServer, client) -> None:
    # given
    httpserver.expect_request(REST_PATH).respond_with_data("down", status=503)
    # when / then
    with pytest.raises(ShopifyError, match="503"):
        list(client.iter_products(api="rest"))
    assert len(httpserver.log) == client.max_retries + 1


def test_network_errors_are_retried_a_bounded_number_of_times() -> None:
    # given: a port nobody listens on
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sleeps: list[float] = []
    client = ShopifyClient(
        store_url=f"http://127.0.0.1:{port}",
        token="t",
        api_version="2025-07",
        timeout=1,
        max_retries=2,
        sleep=sleeps.append,
    )
    # when / then
    with pytest.raises(ShopifyError, match="network error after 3 attempts"):
        list(client.iter_products(api="rest"))
    assert client.requests_made == 3 and len(sleeps) == 2


@pytest.mark.parametrize("status", [401, 403])
def test_refused_token_fails_at_once_with_a_clear_error(
    httpserver: HTTPServer, client, status: int
) -> None:
    # given
    httpserver.expect_request(REST_PATH).respond_with_data("no", status=status)
    # when / then
    with pytest.raises(ShopifyAuthError, match="SHOPIFY_ACCESS_TOKEN"):
        list(client.iter_products(api="rest"))
    assert len(httpserver.log) == 1


def test_unknown_shop_or_version_fails_at_once_naming_the_settings(
    httpserver: HTTPServer, client
) -> None:
    # given
    httpserver.expect_request(REST_PATH).respond_with_data("not found", status=404)
    # when / then
    with pytest.raises(ShopifyError, match="SHOPIFY_STORE_URL and SHOPIFY_API_VERSION"):
        list(client.iter_products(api="rest"))
    assert len(httpserver.log) == 1


def test_rest_slows_down_near_the_call_limit(httpserver: HTTPServer, client) -> None:
    # given: 38 of 40 calls used
    RestShop(httpserver, [[product(1)]], call_limit="38/40")
    # when
    list(client.iter_products(api="rest"))
    # then: waits until the bucket is about half empty at 2 calls/s
    assert client.sleeps == [pytest.approx((38 - 20) / 2)]


def test_rest_does_not_wait_with_room_in_the_bucket(httpserver: HTTPServer, client) -> None:
    # given
    RestShop(httpserver, [[product(1)]], call_limit="5/40")
    # when
    list(client.iter_products(api="rest"))
    # then
    assert client.sleeps == []


def test_graphql_follows_end_cursors(httpserver: HTTPServer, client) -> None:
    # given
    shop = GraphQLShop(httpserver, [[graphql_node(product(i))] for i in (1, 2, 3)])
    # when
    pages = list(client.iter_products(api="graphql"))
    # then
    assert [[p["id"] for p in page] for page in pages] == [[1], [2], [3]]
    assert [c["variables"]["after"] for c in shop.calls] == [None, "1", "2"]


def test_graphql_waits_for_the_cost_refill_when_throttled(httpserver: HTTPServer, client) -> None:
    # given: first answer THROTTLED with 2 points left for a 252-point query at 50/s
    shop = GraphQLShop(httpserver, [[graphql_node(product(1))]], throttled_calls=1)
    # when
    pages = list(client.iter_products(api="graphql"))
    # then
    assert len(pages) == 1 and len(shop.calls) == 2
    assert client.sleeps == [pytest.approx((252 - 2) / 50)]


def test_graphql_gives_up_when_throttled_too_often(httpserver: HTTPServer, client) -> None:
    # given
    GraphQLShop(httpserver, [[graphql_node(product(1))]], throttled_calls=100)
    # when / then
    with pytest.raises(ShopifyError, match="throttled"):
        list(client.iter_products(api="graphql"))
    assert len(httpserver.log) == MAX_THROTTLED_RETRIES + 1


def test_graphql_filters_by_quoted_updated_at(httpserver: HTTPServer, client) -> None:
    # given
    shop = GraphQLShop(httpserver, [[graphql_node(product(1))]])
    # when
    list(client.iter_products(api="graphql", updated_at_min="2026-11-01T00:00:00+00:00"))
    # then
    assert shop.calls[0]["variables"]["query"] == "updated_at:>='2026-11-01T00:00:00+00:00'"


def test_graphql_fetches_variants_beyond_the_first_page(httpserver: HTTPServer, client) -> None:
    # given: a product whose variants connection has a next page
    node = graphql_node(product(1))
    node["variants"]["pageInfo"] = {"hasNextPage": True, "endCursor": "v1"}
    extra = [
        {
            "legacyResourceId": "99",
            "sku": "SKU-99",
            "title": "Blue",
            "price": "101.00",
            "compareAtPrice": None,
            "inventoryQuantity": 1,
        }
    ]
    GraphQLShop(httpserver, [[node]], extra_variants={node["id"]: extra})
    # when
    pages = list(client.iter_products(api="graphql"))
    # then
    assert [v["id"] for v in pages[0][0]["variants"]] == [10, 99]


def test_graphql_unauthorised_fails_clearly(httpserver: HTTPServer, client) -> None:
    # given
    httpserver.expect_request(GRAPHQL_PATH, method="POST").respond_with_data("no", status=401)
    # when / then
    with pytest.raises(ShopifyAuthError):
        list(client.iter_products(api="graphql"))


def test_unknown_api_setting_is_rejected(client) -> None:
    with pytest.raises(ShopifyError, match="rest or graphql"):
        client.iter_products(api="soap")
