"""Create or update the Celery beat schedules of the housekeeping tasks (see
`bootstrap.schedules`; `migrate` does the same without `--reset`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bootstrap.schedules import schedules_sync


class Command(BaseCommand):
    help = "Create or update the Celery beat schedules of the housekeeping tasks (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Restore the default timing and enable every schedule, undoing admin edits.",
        )

    def handle(self, *args: Any, reset: bool = False, **options: Any) -> None:
        report = schedules_sync(reset=reset)
        for name in report.skipped:
            self.stderr.write(self.style.WARNING(f"skipped {name!r}: its task is not registered"))
        for name in report.created:
            self.stdout.write(f"created {name!r}")
        for name in report.updated:
            self.stdout.write(f"updated {name!r}")
        self.stdout.write(
            self.style.SUCCESS(
                f"schedules: {len(report.created)} created, {len(report.updated)} updated, "
                f"{len(report.kept)} unchanged, {len(report.skipped)} skipped"
            )
        )
