"""Shopify Admin API client (REST and GraphQL) on `requests`.

REST: `products.json?limit=250`, cursor pagination by following the `Link: <...>;
rel="next"` URL unchanged (it carries `page_info`), `updated_at_min` for incremental runs,
slowing down near the leaky bucket's limit (`X-Shopify-Shop-Api-Call-Limit: 32/40`).
GraphQL: the `products` connection with `pageInfo.endCursor`, throttled by the query cost
that `extensions.cost.throttleStatus` reports. Both back off on 429 (Retry-After), retry
5xx and network errors a bounded number of times, and fail clearly on 401/403/404.

Every request carries the access token, so the client never lets a response send it
elsewhere: redirects are not followed (a 3xx is a `ShopifyError`), and a `Link` next-page
URL is followed only on the configured store's host and port, over https (or over the
store URL's own scheme when that is http, as for a local fake shop).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

PAGE_SIZE = 250
_NEXT_LINK = re.compile(r'<([^>]+)>;\s*rel="?next"?')
_DEFAULT_PORTS = {"http": 80, "https": 443}


class ShopifyError(Exception):
    """The sync cannot go on (auth, missing shop, exhausted retries, bad response)."""


class ShopifyAuthError(ShopifyError):
    pass


# A single query may cost at most 1,000 points and a connection costs about `first` times
# its children, so GraphQL pages are smaller than REST's 250: 2 + 25 * (1 image + 22
# variants + 12 metafields) ~ 877. Products with more variants get the rest through
# VARIANTS_QUERY.
GRAPHQL_PAGE_SIZE = 25
GRAPHQL_VARIANTS = 20
MAX_THROTTLED_RETRIES = 10

_VARIANT_FIELDS = (
    "legacyResourceId sku title price compareAtPrice inventoryQuantity"
    " inventoryItem { legacyResourceId }"
)

PRODUCTS_QUERY = f"""
query Products($first: Int!, $after: String, $query: String) {{
  products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{
      id legacyResourceId title vendor productType status tags descriptionHtml updatedAt
      featuredImage {{ url }}
      metafields(first: 10) {{ nodes {{ namespace key value }} }}
      variants(first: {GRAPHQL_VARIANTS}) {{
        pageInfo {{ hasNextPage endCursor }}
        nodes {{ {_VARIANT_FIELDS} }}
      }}
    }}
  }}
}}
"""

VARIANTS_QUERY = f"""
query ProductVariants($id: ID!, $after: String) {{
  product(id: $id) {{
    variants(first: 100, after: $after) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{ {_VARIANT_FIELDS} }}
    }}
  }}
}}
"""


def _graphql_to_rest(node: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL product node in the REST product shape, so one mapping serves both.
    Malformed nodes are passed on as they are for the mapping to reject and report."""
    try:
        product_id = int(node["legacyResourceId"])
    except (KeyError, TypeError, ValueError):
        return {"id": None, "title": (node or {}).get("title") if isinstance(node, dict) else None}
    image = (node.get("featuredImage") or {}).get("url")
    variants = []
    for v in (node.get("variants") or {}).get("nodes") or []:
        try:
            variant_id: Any = int(v["legacyResourceId"])
        except (KeyError, TypeError, ValueError):
            variant_id = None
        try:
            item_id: Any = int((v.get("inventoryItem") or {})["legacyResourceId"])
        except (KeyError, TypeError, ValueError):
            item_id = None
        variants.append(
            {
                "id": variant_id,
                "sku": v.get("sku"),
                "title": v.get("title"),
                "price": v.get("price"),
                "compare_at_price": v.get("compareAtPrice"),
                "inventory_quantity": v.get("inventoryQuantity"),
                "inventory_item_id": item_id,
            }
        )
    return {
        "id": product_id,
        "title": node.get("title"),
        "vendor": node.get("vendor"),
        "product_type": node.get("productType"),
        "status": str(node.get("status", "")).lower(),
        "tags": ", ".join(node.get("tags") or []),
        "body_html": node.get("descriptionHtml"),
        "updated_at": node.get("updatedAt"),
        "images": [{"src": image}] if image else [],
        "metafields": [
            {"key": m.get("key"), "value": m.get("value")}
            for m in (node.get("metafields") or {}).get("nodes") or []
            if isinstance(m, dict)
        ],
        "variants": variants,
    }


class ShopifyClient:
    def __init__(
        self,
        *,
        store_url: str | None = None,
        token: str | None = None,
        api_version: str | None = None,
        timeout: float | None = None,
        max_retries: int = 4,
        max_sleep: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        store = (store_url or settings.SHOPIFY_STORE_URL).rstrip("/")
        if not store:
            raise ShopifyError("SHOPIFY_STORE_URL is not set")
        self.base_url = store if store.startswith(("http://", "https://")) else f"https://{store}"
        self.api_version = api_version or settings.SHOPIFY_API_VERSION
        self.timeout = timeout or settings.SHOPIFY_REQUEST_TIMEOUT
        self.max_retries = max_retries
        self.max_sleep = max_sleep
        self.sleep = sleep
        self.requests_made = 0
        self.session = requests.Session()
        self.session.headers.update(
            {
                "X-Shopify-Access-Token": token
                if token is not None
                else settings.SHOPIFY_ACCESS_TOKEN,
                "Accept": "application/json",
            }
        )

    def _url(self, path: str) -> str:
        return f"{self.base_url}/admin/api/{self.api_version}/{path}"

    def _checked_next_url(self, url: str) -> str:
        """`url` when it may carry the token: https (or the store URL's own scheme) on the
        store's host and port. Anything else would hand the token to whoever the `Link`
        header names, so the sync stops instead."""
        store, target = urlsplit(self.base_url), urlsplit(url)
        try:
            target_port = target.port or _DEFAULT_PORTS.get(target.scheme)
        except ValueError:
            target_port = None
        same_origin = (
            target.scheme in {"https", store.scheme}
            and target.hostname is not None
            and target.hostname == store.hostname
            and target_port == (store.port or _DEFAULT_PORTS.get(store.scheme))
            and not (target.username or target.password)
        )
        if not same_origin:
            raise ShopifyError(
                f"refusing the next-page link {url[:200]!r}: it is not https on the "
                f"configured store {store.scheme}://{store.netloc}; the sync stopped"
            )
        return url

    def _wait(self, seconds: float) -> None:
        self.sleep(min(max(seconds, 0.0), self.max_sleep))

    def _request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        for attempt in range(self.max_retries + 1):
            last = attempt == self.max_retries
            try:
                self.requests_made += 1
                response = self.session.request(
                    method, url, timeout=self.timeout, allow_redirects=False, **kwargs
                )
            except requests.RequestException as exc:
                if last:
                    raise ShopifyError(
                        f"network error after {attempt + 1} attempts: {exc}"
                    ) from exc
                self._wait(2**attempt)
                continue
            if 300 <= response.status_code < 400:
                location = response.headers.get("Location", "")[:200]
                raise ShopifyError(
                    f"HTTP {response.status_code} redirect to {location!r} from {url}: "
                    "redirects are not followed (the access token would go with them)"
                )
            if response.status_code in (401, 403):
                raise ShopifyAuthError(
                    f"Shopify refused the access token (HTTP {response.status_code}); "
                    "check SHOPIFY_ACCESS_TOKEN and the app's read_products scope"
                )
            if response.status_code == 404:
                raise ShopifyError(
                    f"not found (HTTP 404): {url}; check SHOPIFY_STORE_URL and SHOPIFY_API_VERSION"
                )
            if response.status_code == 429 or response.status_code >= 500:
                if last:
                    raise ShopifyError(
                        f"HTTP {response.status_code} after {attempt + 1} attempts: {url}"
                    )
                retry_after = response.headers.get("Retry-After")
                try:
                    delay = float(retry_after) if retry_after else 2.0**attempt
                except ValueError:
                    delay = 2.0**attempt
                logger.warning("Shopify HTTP %s; retrying in %.1fs", response.status_code, delay)
                self._wait(delay)
                continue
            if response.status_code >= 400:
                raise ShopifyError(f"HTTP {response.status_code}: {response.text[:300]}")
            self._respect_call_limit(response)
            return response
        raise ShopifyError("unreachable")  # pragma: no cover

    def _respect_call_limit(self, response: requests.Response) -> None:
        header = response.headers.get("X-Shopify-Shop-Api-Call-Limit", "")
        used, _, size = header.partition("/")
        if used.isdigit() and size.isdigit() and int(size) and int(used) / int(size) >= 0.8:
            # REST leaks 2 calls/s (standard plans): let the bucket drain a little.
            self._wait((int(used) - int(size) * 0.5) / 2.0)

    def iter_products_rest(
        self, *, updated_at_min: str | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """Pages of products (all statuses, so archived ones can be deactivated)."""
        # every status, so archived and draft products come back and get deactivated
        params: dict[str, Any] | None = {"limit": PAGE_SIZE, "status": "active,archived,draft"}
        if updated_at_min:
            params["updated_at_min"] = updated_at_min
        url: str | None = self._url("products.json")
        while url:
            response = self._request("GET", url, params=params)
            try:
                products = response.json()["products"]
            except (ValueError, KeyError, TypeError) as exc:
                raise ShopifyError("products response without a products list") from exc
            yield products
            match = _NEXT_LINK.search(response.headers.get("Link", ""))
            url = self._checked_next_url(match.group(1)) if match else None
            params = None

    def _graphql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """One GraphQL call; waits and repeats while Shopify answers THROTTLED (a bounded
        number of times), and slows down when the cost bucket runs low."""
        for _ in range(MAX_THROTTLED_RETRIES + 1):
            response = self._request(
                "POST", self._url("graphql.json"), json={"query": query, "variables": variables}
            )
            try:
                body = response.json()
            except ValueError as exc:
                raise ShopifyError("GraphQL response is not JSON") from exc
            cost = (body.get("extensions") or {}).get("cost") or {}
            throttle = cost.get("throttleStatus") or {}
            errors = body.get("errors") or []
            rate = throttle.get("restoreRate") or 50
            if any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors):
                needed = cost.get("requestedQueryCost", 100)
                available = throttle.get("currentlyAvailable", 0)
                self._wait(max(needed - available, 1) / rate)
                continue
            if errors:
                raise ShopifyError(f"GraphQL errors: {errors[:3]}")
            available = throttle.get("currentlyAvailable")
            needed = cost.get("requestedQueryCost")
            if available is not None and needed is not None and available < needed:
                # the next call of the same size would be throttled: wait for the refill
                self._wait((needed - available) / rate)
            return body.get("data") or {}
        raise ShopifyError(f"GraphQL still throttled after {MAX_THROTTLED_RETRIES} waits")

    def _remaining_variants(self, product_gid: str, after: str) -> list[dict[str, Any]]:
        nodes: list[dict[str, Any]] = []
        while after:
            data = self._graphql(VARIANTS_QUERY, {"id": product_gid, "after": after})
            try:
                connection = data["product"]["variants"]
            except (KeyError, TypeError) as exc:
                raise ShopifyError(f"no variants returned for {product_gid}") from exc
            nodes.extend(connection["nodes"])
            page = connection["pageInfo"]
            after = page["endCursor"] if page["hasNextPage"] else ""
        return nodes

    def iter_products_graphql(
        self, *, updated_at_min: str | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """Pages of the `products` connection (all statuses) in the REST shape."""
        after: str | None = None
        # Shopify's search syntax wants dates quoted.
        search = f"updated_at:>='{updated_at_min}'" if updated_at_min else None
        while True:
            data = self._graphql(
                PRODUCTS_QUERY, {"first": GRAPHQL_PAGE_SIZE, "after": after, "query": search}
            )
            try:
                connection = data["products"]
                nodes = connection["nodes"]
                page_info = connection["pageInfo"]
            except (KeyError, TypeError) as exc:
                raise ShopifyError("GraphQL response without data.products") from exc
            for node in nodes:
                variants = (node or {}).get("variants") or {}
                more = variants.get("pageInfo") or {}
                if more.get("hasNextPage") and node.get("id"):
                    variants["nodes"] = list(variants.get("nodes") or []) + (
                        self._remaining_variants(node["id"], more["endCursor"])
                    )
            yield [_graphql_to_rest(node) for node in nodes]
            if not page_info.get("hasNextPage"):
                return
            after = page_info["endCursor"]

    def iter_products(
        self, *, api: str | None = None, updated_at_min: str | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        api = (api or settings.SHOPIFY_API).lower()
        if api == "graphql":
            return self.iter_products_graphql(updated_at_min=updated_at_min)
        if api == "rest":
            return self.iter_products_rest(updated_at_min=updated_at_min)
        raise ShopifyError(f"SHOPIFY_API must be rest or graphql, not {api!r}")

    def graphql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """One GraphQL query or mutation (throttling handled); returns `data`. Top-level
        `errors` raise ShopifyError; a mutation's `userErrors` are the caller's to read."""
        return self._graphql(query, variables)

    def inventory_levels(
        self, *, inventory_item_ids: list[int], location_ids: list[int] | None = None
    ) -> list[dict[str, Any]]:
        """REST inventory levels of these items (at these locations, or all of them)."""
        levels: list[dict[str, Any]] = []
        for start in range(0, len(inventory_item_ids), 50):  # Shopify takes 50 ids a call
            chunk = inventory_item_ids[start : start + 50]
            params: dict[str, Any] | None = {
                "inventory_item_ids": ",".join(str(i) for i in chunk),
                "limit": PAGE_SIZE,
            }
            if location_ids:
                params["location_ids"] = ",".join(str(i) for i in location_ids)
            url: str | None = self._url("inventory_levels.json")
            while url:
                response = self._request("GET", url, params=params)
                try:
                    page = response.json()["inventory_levels"]
                except (ValueError, KeyError, TypeError) as exc:
                    raise ShopifyError("inventory levels response without a list") from exc
                levels.extend(level for level in page if isinstance(level, dict))
                match = _NEXT_LINK.search(response.headers.get("Link", ""))
                url = self._checked_next_url(match.group(1)) if match else None
                params = None
        return levels
