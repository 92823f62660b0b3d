"""Create or update the staff role groups (Support, Catalog, Orders manager).

Each group ends up with exactly the permissions `bootstrap.roles.ROLES` lists: missing ones
are added, others removed. Safe to run again; `migrate` runs it too.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bootstrap.roles import UnknownPermission, roles_sync


class Command(BaseCommand):
    help = "Create or update the staff role groups with exactly their permissions (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args: Any, database: str = "default", **options: Any) -> None:
        try:
            report = roles_sync(using=database)
        except UnknownPermission as exc:
            raise CommandError(str(exc)) from exc
        for role in report.created:
            self.stdout.write(f"created group {role!r}")
        for role, names in report.added.items():
            self.stdout.write(f"{role}: added {', '.join(names)}")
        for role, names in report.removed.items():
            self.stdout.write(f"{role}: removed {', '.join(names)}")
        changed = report.created or report.added or report.removed
        self.stdout.write(
            self.style.SUCCESS("roles: up to date" if not changed else "roles: synced")
        )
