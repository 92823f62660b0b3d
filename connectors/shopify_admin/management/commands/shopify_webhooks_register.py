from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from connectors.shopify_admin.client import ShopifyError
from connectors.shopify_admin.webhook_subscriptions import webhook_subscriptions_register


class Command(BaseCommand):
    help = (
        "Subscribe this shop's Shopify webhooks (products, inventory levels, fulfilments, "
        "cancellations, app/uninstalled) to PUBLIC_URL, e.g. https://shop.example/shopify/webhooks/"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="the public https URL of POST /shopify/webhooks/")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            outcome = webhook_subscriptions_register(url=options["url"])
        except (ValueError, ShopifyError) as exc:
            raise CommandError(str(exc)) from exc
        for topic, result in outcome.items():
            self.stdout.write(f"{topic}: {result}")
        if any(r != "created" and "taken" not in r for r in outcome.values()):
            raise CommandError("some subscriptions were not created (see above)")
