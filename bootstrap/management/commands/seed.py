"""`manage.py seed [--products N] [--flush] [--demo-history]`: fill a believable electronics
shop."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bootstrap.seeding.demo_history import demo_history_seed
from bootstrap.services import shop_seed


class Command(BaseCommand):
    help = (
        "Idempotently seed the shop: site config, spec taxonomy, brands and their aliases, "
        "categories, 140+ curated products, FAQs and their variants, shipping/payment options "
        "and a demo customer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--products",
            type=int,
            default=0,
            metavar="N",
            help="Also make sure N deterministic synthetic products SYN-000001..N exist.",
        )
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Delete orders, carts and the whole catalog first, then seed again.",
        )
        parser.add_argument(
            "--batch-size", type=int, default=2000, help="Rows per bulk insert (synthetic)."
        )
        parser.add_argument(
            "--demo-history",
            action="store_true",
            help="Also add a few weeks of demo orders, chats, messages, handoffs and "
            "unanswered questions for the admin dashboard (idempotent).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["products"] < 0:
            self.stderr.write("--products must be zero or more")
            raise SystemExit(2)
        started = time.monotonic()
        report = shop_seed(
            flush=options["flush"],
            synthetic_products=options["products"],
            batch_size=options["batch_size"],
            progress=options["verbosity"] >= 1,
        )
        if report.flushed:
            flushed = ", ".join(f"{n} {label}" for label, n in sorted(report.flushed.items()))
            self.stdout.write(f"Flushed: {flushed}")
        counts = ", ".join(f"{sum(c.values())} {kind}" for kind, c in report.tally.counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {counts}; +{report.synthetic_created} synthetic products. "
                f"{report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged in {time.monotonic() - started:.1f}s."
            )
        )
        if options["demo_history"]:
            history = demo_history_seed()
            made = ", ".join(f"{n} {kind}" for kind, n in history.created.items() if n)
            self.stdout.write(self.style.SUCCESS(f"Demo history: {made or 'already there'}."))
