"""A fake Shopify Admin API on pytest-httpserver: REST pages with Link headers and a
GraphQL `products` connection, with scripted failures per call number."""

from __future__ import annotations

import json
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

VERSION = "2025-07"
REST_PATH = f"/admin/api/{VERSION}/products.json"
GRAPHQL_PATH = f"/admin/api/{VERSION}/graphql.json"


def product(
    pid: int,
    *,
    sku: str | None = "",
    status: str = "active",
    price: str = "100.00",
    compare_at: str | None = "120.00",
    stock: int = 5,
    tags: str = "sale",
    **extra: Any,
) -> dict[str, Any]:
    """A REST product with one variant (id pid*10, SKU `SKU-<pid>` unless given)."""
    return {
        "id": pid,
        "title": f"Phone {pid}",
        "vendor": "Acme Labs",
        "product_type": "Phones",
        "status": status,
        "tags": tags,
        "body_html": "<p>Fast &amp; <b>light</b></p>",
        "images": [{"src": f"https://cdn.example.com/{pid}.jpg"}],
        "variants": [
            {
                "id": pid * 10,
                "sku": f"SKU-{pid}" if sku == "" else sku,
                "title": "Default Title",
                "price": price,
                "compare_at_price": compare_at,
                "inventory_quantity": stock,
            }
        ],
        **extra,
    }


class RestShop:
    """Serves `pages` with Link-header pagination (page_info=p<N>)."""

    def __init__(
        self,
        httpserver: HTTPServer,
        pages: list[list[dict]],
        failures: dict[int, Response] | None = None,
        call_limit: str = "5/40",
    ):
        self.pages = pages
        self.failures = failures or {}
        self.call_limit = call_limit
        self.calls: list[Request] = []
        self.base = httpserver.url_for(REST_PATH)
        httpserver.expect_request(REST_PATH).respond_with_handler(self)

    def __call__(self, request: Request) -> Response:
        self.calls.append(request)
        failure = self.failures.pop(len(self.calls), None)
        if failure is not None:
            return failure
        page = int(request.args.get("page_info", "p0")[1:])
        headers = {"X-Shopify-Shop-Api-Call-Limit": self.call_limit}
        links = []
        if page > 0:
            links.append(f'<{self.base}?limit=250&page_info=p{page - 1}>; rel="previous"')
        if page + 1 < len(self.pages):
            links.append(f'<{self.base}?limit=250&page_info=p{page + 1}>; rel="next"')
        if links:
            headers["Link"] = ", ".join(links)
        return Response(
            json.dumps({"products": self.pages[page]}),
            headers=headers,
            content_type="application/json",
        )


def graphql_node(p: dict[str, Any], *, metafields: list[dict] | None = None) -> dict[str, Any]:
    """The GraphQL shape of a REST fake product."""
    return {
        "id": f"gid://shopify/Product/{p['id']}",
        "legacyResourceId": str(p["id"]),
        "title": p["title"],
        "vendor": p["vendor"],
        "productType": p["product_type"],
        "status": p["status"].upper(),
        "tags": [t.strip() for t in p["tags"].split(",") if t.strip()],
        "descriptionHtml": p["body_html"],
        "updatedAt": "2026-11-01T00:00:00Z",
        "featuredImage": {"url": p["images"][0]["src"]},
        "metafields": {"nodes": metafields or []},
        "variants": {
            "pageInfo": {"hasNextPage": False, "endCursor": None},
            "nodes": [
                {
                    "legacyResourceId": str(v["id"]),
                    "sku": v["sku"],
                    "title": v["title"],
                    "price": v["price"],
                    "compareAtPrice": v["compare_at_price"],
                    "inventoryQuantity": v["inventory_quantity"],
                }
                for v in p["variants"]
            ],
        },
    }


THROTTLE = {"maximumAvailable": 1000.0, "currentlyAvailable": 900, "restoreRate": 50.0}


def throttled_body(available: int = 2, requested: int = 252) -> str:
    return json.dumps(
        {
            "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
            "extensions": {
                "cost": {
                    "requestedQueryCost": requested,
                    "throttleStatus": {**THROTTLE, "currentlyAvailable": available},
                }
            },
        }
    )


class GraphQLShop:
    """Serves pages of GraphQL product nodes; the cursor is the next page's index."""

    def __init__(
        self,
        httpserver: HTTPServer,
        pages: list[list[dict]],
        *,
        throttled_calls: int = 0,
        extra_variants: dict[str, list[dict]] | None = None,
    ):
        self.pages = pages
        self.throttled_calls = throttled_calls
        self.extra_variants = extra_variants or {}
        self.calls: list[dict] = []
        httpserver.expect_request(GRAPHQL_PATH, method="POST").respond_with_handler(self)

    def __call__(self, request: Request) -> Response:
        body = json.loads(request.data)
        self.calls.append(body)
        if len(self.calls) <= self.throttled_calls:
            return Response(throttled_body(), content_type="application/json")
        variables = body["variables"]
        if "ProductVariants" in body["query"]:
            data: dict[str, Any] = {
                "product": {
                    "variants": {
                        "pageInfo": {"hasNextPage": False, "endCursor": None},
                        "nodes": self.extra_variants[variables["id"]],
                    }
                }
            }
        else:
            index = int(variables["after"]) if variables["after"] else 0
            has_next = index + 1 < len(self.pages)
            data = {
                "products": {
                    "pageInfo": {
                        "hasNextPage": has_next,
                        "endCursor": str(index + 1) if has_next else None,
                    },
                    "nodes": self.pages[index],
                }
            }
        return Response(
            json.dumps(
                {
                    "data": data,
                    "extensions": {"cost": {"requestedQueryCost": 252, "throttleStatus": THROTTLE}},
                }
            ),
            content_type="application/json",
        )
