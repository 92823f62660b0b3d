"""A fake Shopify Admin API for the two-way features, on pytest-httpserver: GraphQL
`orderCreate` / orders by tag / `orderMarkAsPaid` / `orderCancel` / translations /
`webhookSubscriptionCreate`, REST inventory levels, and
webhooks signed the way Shopify signs them (HMAC-SHA256 of the raw body, base64)."""

from __future__ import annotations

import itertools
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from connectors.shopify_admin.webhook_inbox import hmac_header

from .fake_shopify import GRAPHQL_PATH, VERSION

LEVELS_PATH = f"/admin/api/{VERSION}/inventory_levels.json"
SECRET = "shpss_webhook_secret"
WEBHOOK_URL = "/shopify/webhooks/"
THROTTLE = {"maximumAvailable": 2000.0, "currentlyAvailable": 1990, "restoreRate": 100.0}


@dataclass
class FakeAdmin:
    """Shopify's side: orders it holds, inventory levels, webhook subscriptions, and
    scripted failures (`fail_after_create`: answer 502 after storing the next N orders,
    as when Shopify commits and the response is lost)."""

    server: HTTPServer
    orders: list[dict[str, Any]] = field(default_factory=list)
    levels: list[dict[str, Any]] = field(default_factory=list)
    subscriptions: list[dict[str, Any]] = field(default_factory=list)
    graphql_calls: list[dict[str, Any]] = field(default_factory=list)
    level_calls: list[dict[str, str]] = field(default_factory=list)
    fail_after_create: int = 0
    user_errors: list[dict[str, Any]] = field(default_factory=list)
    # `orderCancel`: answer 502 after cancelling the next N orders (the answer is lost),
    # and the orderCancelUserErrors of the next calls, one list per call
    fail_after_cancel: int = 0
    cancel_errors: list[list[dict[str, Any]]] = field(default_factory=list)
    # {"id", "title", "handle", "product_ids"}; served 5 a page, products 100 a page
    collections: list[dict[str, Any]] = field(default_factory=list)
    # product id -> {"title": English title, "ar": {"title": ..., "body_html": ...},
    #   "options": [{"name": "Color", "ar": "اللون",
    #                "values": [{"id": 71, "name": "Blue", "ar": "أزرق"}, ...]}, ...]}
    translations: dict[int, dict[str, Any]] = field(default_factory=dict)
    # the most nodes a translatableResourcesByIds page holds (Shopify: up to `first`)
    resources_page_cap: int = 250
    _ids: Any = field(default_factory=lambda: itertools.count(5_000_000_001))

    def __post_init__(self) -> None:
        self.server.expect_request(GRAPHQL_PATH, method="POST").respond_with_handler(self.graphql)
        self.server.expect_request(LEVELS_PATH, method="GET").respond_with_handler(self.rest_levels)

    @staticmethod
    def _json(data: dict[str, Any], status: int = 200) -> Response:
        body = {
            "data": data,
            "extensions": {"cost": {"requestedQueryCost": 10, "throttleStatus": THROTTLE}},
        }
        return Response(json.dumps(body), status=status, content_type="application/json")

    def graphql(self, request: Request) -> Response:
        body = json.loads(request.data)
        self.graphql_calls.append(body)
        query, variables = body["query"], body["variables"]
        if "orderCreate" in query:
            return self._order_create(variables)
        if "orderMarkAsPaid" in query:
            order_id = int(variables["input"]["id"].rsplit("/", 1)[1])
            [order] = [o for o in self.orders if o["id"] == order_id]
            if order.get("paid") or order["input"]["financialStatus"] == "PAID":
                errors = [{"field": ["id"], "message": "Order cannot be marked as paid."}]
                return self._json({"orderMarkAsPaid": {"order": None, "userErrors": errors}})
            order["paid"] = True
            node = {"id": variables["input"]["id"], "displayFinancialStatus": "PAID"}
            return self._json({"orderMarkAsPaid": {"order": node, "userErrors": []}})
        if "mutation OrderCancel(" in query:
            return self._order_cancel(variables)
        if "query OrderCancelledAt(" in query:
            order = self.order(variables["id"])
            node = {"id": variables["id"], "cancelledAt": order.get("cancelledAt")}
            return self._json({"order": node})
        if "OrderByTag" in query:
            tag = variables["query"].removeprefix("tag:'").removesuffix("'")
            nodes = [self._node(o) for o in self.orders if tag in o["input"]["tags"]]
            return self._json({"orders": {"nodes": nodes[:1]}})
        if "query Collections(" in query:
            start = int(variables["after"] or 0)
            page = self.collections[start : start + variables["first"]]
            more = start + variables["first"] < len(self.collections)
            nodes = [self._collection(c, 0, 100) for c in page]
            info = {"hasNextPage": more, "endCursor": str(start + len(page)) if more else None}
            return self._json({"collections": {"pageInfo": info, "nodes": nodes}})
        if "query CollectionProducts(" in query:
            [c] = [
                c
                for c in self.collections
                if f"gid://shopify/Collection/{c['id']}" == variables["id"]
            ]
            return self._json(
                {
                    "collection": {
                        "products": self._collection(c, int(variables["after"]), 250)["products"]
                    }
                }
            )
        if "query ProductTranslations(" in query:
            ids = sorted(self.translations)
            start = int(variables["after"] or 0)
            page = ids[start : start + variables["first"]]
            more = start + len(page) < len(ids)
            nodes = [
                {
                    "resourceId": f"gid://shopify/Product/{pid}",
                    "translatableContent": [
                        {"key": "title", "value": self.translations[pid]["title"]},
                        {"key": "body_html", "value": "<p>English</p>"},
                    ],
                    "translations": [
                        {"key": k, "value": v, "outdated": False}
                        for k, v in self.translations[pid].get(variables["locale"], {}).items()
                    ],
                }
                for pid in page
            ]
            info = {"hasNextPage": more, "endCursor": str(start + len(page)) if more else None}
            return self._json({"translatableResources": {"pageInfo": info, "nodes": nodes}})
        if "query ProductOptions(" in query:
            return self._json({"nodes": [self._product_options(gid) for gid in variables["ids"]]})
        if "query OptionValueTranslations(" in query:
            return self._option_value_translations(variables)
        if "webhookSubscriptionCreate" in query:
            sub = variables["webhookSubscription"]
            address = sub.get("uri") or sub.get("callbackUrl")
            if any(
                s["topic"] == variables["topic"] and s["address"] == address
                for s in self.subscriptions
            ):
                errors = [
                    {
                        "field": ["webhookSubscription", "callbackUrl"],
                        "message": "Address for this topic has already been taken",
                    }
                ]
                return self._json(
                    {
                        "webhookSubscriptionCreate": {
                            "webhookSubscription": None,
                            "userErrors": errors,
                        }
                    }
                )
            self.subscriptions.append({"topic": variables["topic"], "address": address})
            node = {
                "id": f"gid://shopify/WebhookSubscription/{len(self.subscriptions)}",
                "topic": variables["topic"],
            }
            return self._json(
                {"webhookSubscriptionCreate": {"webhookSubscription": node, "userErrors": []}}
            )
        return Response(json.dumps({"errors": [{"message": "unknown query"}]}), status=200)

    def _product_options(self, gid: str) -> dict[str, Any] | None:
        pid = int(gid.rsplit("/", 1)[1])
        if pid not in self.translations:
            return None  # deleted: `nodes` answers null for it
        options = self.translations[pid].get("options", [])
        return {
            "legacyResourceId": str(pid),
            "options": [
                {
                    "position": position,
                    "optionValues": [
                        {"id": f"gid://shopify/ProductOptionValue/{v['id']}", "name": v["name"]}
                        for v in option["values"]
                    ],
                }
                # Shopify does not promise the order: the code sorts by position
                for position, option in reversed(list(enumerate(options, start=1)))
            ],
        }

    def _option_value_translations(self, variables: dict[str, Any]) -> Response:
        values = {
            f"gid://shopify/ProductOptionValue/{v['id']}": v
            for product in self.translations.values()
            for option in product.get("options", [])
            for v in option["values"]
        }
        wanted = [values[gid] for gid in variables["ids"] if gid in values]
        size = min(variables["first"], self.resources_page_cap)
        start = int(variables["after"] or 0)
        page = wanted[start : start + size]
        more = start + len(page) < len(wanted)
        nodes = [
            {
                "resourceId": f"gid://shopify/ProductOptionValue/{v['id']}",
                "translations": [
                    {"key": "name", "value": v[variables["locale"]], "outdated": False}
                ]
                if v.get(variables["locale"])
                else [],
            }
            for v in page
        ]
        info = {"hasNextPage": more, "endCursor": str(start + len(page)) if more else None}
        return self._json({"translatableResourcesByIds": {"pageInfo": info, "nodes": nodes}})

    @staticmethod
    def _collection(c: dict[str, Any], start: int, size: int) -> dict[str, Any]:
        ids = c["product_ids"][start : start + size]
        more = start + size < len(c["product_ids"])
        return {
            "id": f"gid://shopify/Collection/{c['id']}",
            "legacyResourceId": str(c["id"]),
            "title": c["title"],
            "handle": c.get("handle", ""),
            "updatedAt": "2026-11-01T00:00:00Z",
            "products": {
                "pageInfo": {"hasNextPage": more, "endCursor": str(start + size) if more else None},
                "nodes": [{"legacyResourceId": str(i)} for i in ids],
            },
        }

    @staticmethod
    def _node(order: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": f"gid://shopify/Order/{order['id']}",
            "legacyResourceId": str(order["id"]),
            "name": order["name"],
        }

    def _order_create(self, variables: dict[str, Any]) -> Response:
        if self.user_errors:
            return self._json({"orderCreate": {"order": None, "userErrors": self.user_errors}})
        order = {
            "id": next(self._ids),
            "name": f"#{1000 + len(self.orders) + 1}",
            "input": variables["order"],
            "options": variables["options"],
        }
        self.orders.append(order)
        if self.fail_after_create:
            self.fail_after_create -= 1
            return Response("upstream timeout", status=502)
        return self._json({"orderCreate": {"order": self._node(order), "userErrors": []}})

    def order(self, gid: str) -> dict[str, Any]:
        [order] = [o for o in self.orders if f"gid://shopify/Order/{o['id']}" == gid]
        return order

    def cancel_calls(self) -> list[dict[str, Any]]:
        """The variables of every `orderCancel` sent."""
        return [c["variables"] for c in self.graphql_calls if "mutation OrderCancel(" in c["query"]]

    def _order_cancel(self, variables: dict[str, Any]) -> Response:
        def answer(errors: list[dict[str, Any]], job: dict[str, Any] | None = None) -> Response:
            return self._json({"orderCancel": {"job": job, "orderCancelUserErrors": errors}})

        if self.cancel_errors:
            return answer(self.cancel_errors.pop(0))
        order = self.order(variables["orderId"])
        if order.get("cancelledAt"):
            message = "Cannot cancel an order that has already been cancelled"
            return answer([{"field": ["orderId"], "message": message, "code": "INVALID"}])
        order["cancelledAt"] = "2026-11-02T10:00:00Z"
        order["cancel"] = variables
        if self.fail_after_cancel:
            self.fail_after_cancel -= 1
            return Response("upstream timeout", status=502)
        return answer([], {"id": f"gid://shopify/Job/{uuid.uuid4()}", "done": False})

    def rest_levels(self, request: Request) -> Response:
        self.level_calls.append(dict(request.args))
        items = {int(i) for i in request.args["inventory_item_ids"].split(",")}
        locations = request.args.get("location_ids")
        wanted = {int(i) for i in locations.split(",")} if locations else None
        levels = [
            lv
            for lv in self.levels
            if lv["inventory_item_id"] in items and (wanted is None or lv["location_id"] in wanted)
        ]
        return Response(json.dumps({"inventory_levels": levels}), content_type="application/json")


def signed_headers(
    body: bytes,
    *,
    topic: str,
    webhook_id: str | None = None,
    secret: str = SECRET,
    triggered_at: str = "",
) -> dict[str, str]:
    """The headers Shopify sends with a webhook, in Django test-client form."""
    headers = {
        "HTTP_X_SHOPIFY_TOPIC": topic,
        "HTTP_X_SHOPIFY_HMAC_SHA256": hmac_header(body=body, secret=secret),
        "HTTP_X_SHOPIFY_SHOP_DOMAIN": "test-shop.myshopify.com",
        "HTTP_X_SHOPIFY_WEBHOOK_ID": webhook_id or str(uuid.uuid4()),
        "HTTP_X_SHOPIFY_API_VERSION": VERSION,
    }
    if triggered_at:
        headers["HTTP_X_SHOPIFY_TRIGGERED_AT"] = triggered_at
    return headers


def post_signed(client: Client, topic: str, payload: dict[str, Any], **kwargs: Any) -> Any:
    body = json.dumps(payload).encode()
    return client.post(
        WEBHOOK_URL,
        data=body,
        content_type="application/json",
        **signed_headers(body, topic=topic, **kwargs),
    )


def product_payload(
    pid: int,
    *,
    price: str = "100.00",
    updated_at: str = "2026-11-01T10:00:00-05:00",
    stock: int = 5,
    item_id: int | None = None,
    title: str | None = None,
    status: str = "active",
) -> dict[str, Any]:
    """A `products/update` body in Shopify's REST webhook shape (one variant, id pid*10)."""
    return {
        "admin_graphql_api_id": f"gid://shopify/Product/{pid}",
        "id": pid,
        "title": title or f"Phone {pid}",
        "body_html": "<p>Fast</p>",
        "vendor": "Acme Labs",
        "product_type": "Phones",
        "created_at": "2026-10-01T10:00:00-05:00",
        "handle": f"phone-{pid}",
        "updated_at": updated_at,
        "published_at": "2026-10-01T10:00:00-05:00",
        "status": status,
        "tags": "",
        "variants": [
            {
                "admin_graphql_api_id": f"gid://shopify/ProductVariant/{pid * 10}",
                "id": pid * 10,
                "product_id": pid,
                "title": "Default Title",
                "price": price,
                "sku": f"SKU-{pid}",
                "compare_at_price": None,
                "inventory_item_id": item_id or pid * 100,
                "inventory_quantity": stock,
                "updated_at": updated_at,
            }
        ],
        "options": [
            {
                "id": pid * 7,
                "product_id": pid,
                "name": "Title",
                "position": 1,
                "values": ["Default Title"],
            }
        ],
        "images": [],
        "image": None,
    }
