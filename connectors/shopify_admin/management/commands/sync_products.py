from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from connectors.shopify_admin.client import ShopifyError
from connectors.shopify_admin.product_sync import sync_products
from connectors.shopify_admin.tasks import collections_sync_safely, translations_sync_safely


class Command(BaseCommand):
    help = "Import the catalog from Shopify (incremental unless --full)."

    def add_arguments(self, parser: CommandParser) -> None:
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument(
            "--full", action="store_true", help="read everything; deactivate what is gone"
        )
        scope.add_argument("--since", help="ISO date-time: only products updated since then")
        parser.add_argument("--api", choices=["rest", "graphql"], help="override SHOPIFY_API")

    def handle(self, *args: Any, **options: Any) -> None:
        since = None
        if options["since"]:
            try:
                since = datetime.fromisoformat(options["since"])
            except ValueError as exc:
                raise CommandError(f"--since is not an ISO date-time: {options['since']}") from exc
            if timezone.is_naive(since):
                since = timezone.make_aware(since)
        collections = collections_sync_safely()
        if collections is not None:
            self.stdout.write(f"collections={collections}")
        bar = tqdm(desc="products", unit=" products", disable=not sys.stderr.isatty())
        try:
            result = sync_products(
                full=options["full"], since=since, api=options["api"], progress=bar.update
            )
        except ShopifyError as exc:
            raise CommandError(f"Shopify sync failed: {exc}") from exc
        finally:
            bar.close()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in result.counts().items()))
        translations = translations_sync_safely()
        if translations is not None:
            self.stdout.write(
                f"translations: applied={translations.applied} kept_local={translations.kept_local}"
            )
        for item in result.skipped[:20]:
            self.stdout.write(f"skipped product {item['id']}: {item['reason']}")
