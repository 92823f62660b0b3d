"""The access token never leaves the configured store: next-page links to another origin
and HTTP redirects stop the sync instead of being followed."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from connectors.shopify_admin.client import ShopifyClient, ShopifyError
from connectors.shopify_admin.models import SyncRun, SyncStatus
from connectors.shopify_admin.product_sync import sync_products
from inventory.models import Product

from .fake_shopify import REST_PATH, VERSION, RestShop, product


@pytest.fixture
def other_server() -> Iterator[HTTPServer]:
    """A second local server on another host name (127.0.0.1, the shop is on localhost)
    and port: whoever a hostile Link header or redirect points at."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    server.expect_request("/stolen").respond_with_json({"products": []})
    try:
        yield server
    finally:
        server.clear()
        server.stop()


def _page_linking_to(next_url: str):
    def handler(request: Request) -> Response:
        return Response(
            json.dumps({"products": [product(1)]}),
            headers={"Link": f'<{next_url}>; rel="next"'},
            content_type="application/json",
        )

    return handler


def test_a_next_link_to_another_host_stops_with_an_error_and_sends_it_nothing(
    httpserver: HTTPServer, client, other_server: HTTPServer
) -> None:
    # given
    hostile = other_server.url_for("/stolen") + "?page_info=p1"
    httpserver.expect_request(REST_PATH).respond_with_handler(_page_linking_to(hostile))
    # when
    with pytest.raises(ShopifyError, match="refusing the next-page link") as caught:
        list(client.iter_products(api="rest"))
    # then
    assert "127.0.0.1" in str(caught.value)
    assert other_server.log == []


def test_a_next_link_to_another_port_of_the_same_host_is_refused(
    httpserver: HTTPServer, client, other_server: HTTPServer
) -> None:
    # given: same host name as the shop, other port
    hostile = f"http://localhost:{other_server.port}/stolen"
    httpserver.expect_request(REST_PATH).respond_with_handler(_page_linking_to(hostile))
    # when / then
    with pytest.raises(ShopifyError, match="refusing the next-page link"):
        list(client.iter_products(api="rest"))
    assert other_server.log == []


def test_a_next_link_with_user_info_is_refused(httpserver: HTTPServer, client) -> None:
    # given: a URL that names the shop's host only as user info
    hostile = httpserver.url_for(REST_PATH).replace("://", "://localhost@")
    httpserver.expect_request(REST_PATH).respond_with_handler(_page_linking_to(hostile))
    # when / then
    with pytest.raises(ShopifyError, match="refusing the next-page link"):
        list(client.iter_products(api="rest"))
    assert len(httpserver.log) == 1


def test_an_http_next_link_is_refused_when_the_store_is_https() -> None:
    # given: an https store whose first page links to plain http on the same host
    client = ShopifyClient(store_url="https://myshop.myshopify.com", token="t", timeout=1)
    # when / then
    with pytest.raises(ShopifyError, match="not https"):
        client._checked_next_url(
            f"http://myshop.myshopify.com/admin/api/{VERSION}/products.json?page_info=p1"
        )


def test_an_https_next_link_on_the_store_host_is_followed() -> None:
    # given
    client = ShopifyClient(store_url="myshop.myshopify.com", token="t", timeout=1)
    url = f"https://myshop.myshopify.com:443/admin/api/{VERSION}/products.json?page_info=p1"
    # when
    checked = client._checked_next_url(url)
    # then
    assert checked == url


def test_a_redirect_is_an_error_and_its_target_never_sees_the_token(
    httpserver: HTTPServer, client, other_server: HTTPServer
) -> None:
    # given
    httpserver.expect_request(REST_PATH).respond_with_response(
        Response(status=302, headers={"Location": other_server.url_for("/stolen")})
    )
    # when
    with pytest.raises(ShopifyError, match=r"HTTP 302 redirect.*not followed"):
        list(client.iter_products(api="rest"))
    # then
    assert other_server.log == []
    assert len(httpserver.log) == 1  # not retried either


def test_a_graphql_307_is_not_followed(
    httpserver: HTTPServer, client, other_server: HTTPServer
) -> None:
    # given
    httpserver.expect_request(f"/admin/api/{VERSION}/graphql.json").respond_with_response(
        Response(status=307, headers={"Location": other_server.url_for("/stolen")})
    )
    # when / then
    with pytest.raises(ShopifyError, match="HTTP 307 redirect"):
        list(client.iter_products(api="graphql"))
    assert other_server.log == []


@pytest.mark.django_db
def test_a_full_sync_stopped_by_a_hostile_link_fails_and_deactivates_nothing(
    httpserver: HTTPServer, client, other_server: HTTPServer
) -> None:
    # given: a first full run imported two products
    RestShop(httpserver, [[product(1), product(2)]])
    sync_products(client=client, api="rest", full=True)
    httpserver.clear()
    hostile = other_server.url_for("/stolen")
    httpserver.expect_request(REST_PATH).respond_with_handler(_page_linking_to(hostile))
    # when: the next full run sees only product 1 before the hostile link
    with pytest.raises(ShopifyError):
        sync_products(client=client, api="rest", full=True)
    # then
    last = SyncRun.objects.order_by("-pk").first()
    assert last.status == SyncStatus.FAILED and "next-page link" in last.error
    assert Product.objects.get(sku="SKU-2").active is True
    assert other_server.log == []
