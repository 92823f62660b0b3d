"""Shopify sync benchmark: 10,000 products served by a local fake Admin API (REST).

Prints requests made (expected ceil(n/250)), database-side products/s of the first run and
the time of a second, no-change run. Runs on SQLite (a scratch file) and, when MariaDB is
reachable, on a scratch MariaDB database too.

    .venv/bin/python bench/shopify_sync.py [--products 10000] [--engines sqlite,mysql]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

ROOT = Path(__file__).resolve().parent.parent
VERSION = "2025-07"


def make_products(n: int) -> list[dict]:
    vendors = ["Acme", "Volt", "Nova", "Orbit", "Pixel", "Zen"]
    types = ["Phones", "Laptops", "Headphones", "Tablets", "Cameras"]
    return [
        {
            "id": 10_000_000 + i,
            "title": f"Bench Product {i}",
            "vendor": vendors[i % len(vendors)],
            "product_type": types[i % len(types)],
            "status": "active",
            "tags": "",
            "body_html": f"<p>Product <b>{i}</b> for the benchmark.</p>",
            "images": [{"src": f"https://cdn.example.com/b/{i}.jpg"}],
            "variants": [
                {
                    "id": 50_000_000 + i,
                    "sku": f"BENCH-{i:06d}",
                    "title": "Default Title",
                    "price": f"{10 + i % 990}.99",
                    "compare_at_price": None,
                    "inventory_quantity": i % 40,
                }
            ],
        }
        for i in range(n)
    ]


def serve(products: list[dict]) -> tuple[ThreadingHTTPServer, list[int]]:
    calls = [0]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            calls[0] += 1
            query = parse_qs(urlparse(self.path).query)
            page = int(query.get("page_info", ["0"])[0])
            size = int(query.get("limit", ["250"])[0]) if "page_info" not in query else 250
            chunk = products[page * size : (page + 1) * size]
            body = json.dumps({"products": chunk}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Shopify-Shop-Api-Call-Limit", "1/40")
            if (page + 1) * size < len(products):
                base = (
                    f"http://127.0.0.1:{self.server.server_port}/admin/api/{VERSION}/products.json"
                )
                self.send_header("Link", f'<{base}?limit=250&page_info={page + 1}>; rel="next"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, calls


def run_engine(engine: str, n: int) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project_core.settings.dev",
        "DJANGO_LOG_LEVEL": "WARNING",
        # production-like: DEBUG would record every SQL statement
        "DJANGO_DEBUG": "0",
    }
    if engine == "sqlite":
        env.update(
            DB_ENGINE="sqlite", DB_NAME=str(Path(tempfile.mkdtemp()) / "shopify_bench.sqlite3")
        )
    else:
        name = "shop_shopify_bench"
        subprocess.run(
            [
                "mysql",
                "-uroot",
                "-h127.0.0.1",
                "-e",
                f"DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name} CHARACTER SET utf8mb4",
            ],
            check=True,
        )
        env.update(DB_ENGINE="mysql", DB_NAME=name)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    out = subprocess.run(
        [sys.executable, __file__, "--child", "--products", str(n)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    if engine == "mysql":
        subprocess.run(
            ["mysql", "-uroot", "-h127.0.0.1", "-e", "DROP DATABASE IF EXISTS shop_shopify_bench"],
            check=True,
        )
    return json.loads(out.strip().splitlines()[-1])


def child(n: int) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from connectors.shopify_admin.client import ShopifyClient
    from connectors.shopify_admin.product_sync import sync_products

    server, calls = serve(make_products(n))
    url = f"http://127.0.0.1:{server.server_port}"
    client = ShopifyClient(store_url=url, token="bench", api_version=VERSION)
    started = time.perf_counter()
    first = sync_products(full=True, client=client, api="rest", queue_embedding_training=False)
    first_s = time.perf_counter() - started
    first_calls = calls[0]
    client = ShopifyClient(store_url=url, token="bench", api_version=VERSION)
    started = time.perf_counter()
    second = sync_products(full=True, client=client, api="rest", queue_embedding_training=False)
    second_s = time.perf_counter() - started
    server.shutdown()
    print(
        json.dumps(
            {
                "requests": first_calls,
                "created": first.created,
                "first_s": first_s,
                "first_db_s": first.db_seconds,
                "second_s": second_s,
                "second_changes": second.created + second.updated + second.deactivated,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--engines", default="sqlite,mysql")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.products)
        return
    print(f"Shopify sync of {args.products} products (REST, local fake Admin API)")
    print(
        f"{'engine':8} {'requests':>9} {'expected':>9} {'first run s':>12} "
        f"{'products/s':>11} {'db-side/s':>10} {'no-change s':>12} {'changes':>8}"
    )
    for engine in args.engines.split(","):
        if (
            engine == "mysql"
            and subprocess.run(
                ["mysqladmin", "-uroot", "-h127.0.0.1", "ping"], capture_output=True
            ).returncode
            != 0
        ):
            print("mysql    (MariaDB not reachable: skipped)")
            continue
        r = run_engine(engine, args.products)
        print(
            f"{engine:8} {r['requests']:>9} {math.ceil(args.products / 250):>9} "
            f"{r['first_s']:>12.2f} "
            f"{r['created'] / r['first_s']:>11.0f} {r['created'] / r['first_db_s']:>10.0f} "
            f"{r['second_s']:>12.2f} {r['second_changes']:>8}"
        )


if __name__ == "__main__":
    main()
