"""`manage.py sync_templates`: fetch the WhatsApp message templates of WA_WABA_ID."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from message_bus.templates import TemplateSyncUnavailable, templates_sync
from wa_client.errors import GraphAPIError


class Command(BaseCommand):
    help = "Sync the WhatsApp message templates (names, languages, statuses, components)."

    def handle(self, *args, **options) -> None:
        try:
            count = templates_sync()
        except (TemplateSyncUnavailable, GraphAPIError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Synced {count} message templates."))
