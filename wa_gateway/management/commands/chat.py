from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wa_gateway.console import ConsoleCustomer, script_lines


class Command(BaseCommand):
    help = (
        "Chat with the shop as a WhatsApp customer: each line is posted as a signed webhook "
        "through the real pipeline. Type a number to press that button or row, "
        "'/loc LAT,LON' to share a location, '/voice' to send a voice note, "
        "'/ship CARRIER TRACKING [https://link]' to ship your latest order as staff would, "
        "'quit' to leave."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--phone", default="15550001234", help="customer's WhatsApp id")
        parser.add_argument("--name", default="Demo Customer", help="customer's profile name")
        parser.add_argument("--script", help="play the lines of this file and print the transcript")

    def handle(self, *args: Any, **options: Any) -> None:
        # Task bookkeeping lines would drown the conversation.
        for name in ("celery", "celery.app.trace", "message_bus.console"):
            logging.getLogger(name).setLevel(logging.WARNING)
        customer = ConsoleCustomer(phone=options["phone"], name=options["name"])
        if options["script"]:
            path = Path(options["script"])
            if not path.exists():
                raise CommandError(f"no such script: {path}")
            for line in script_lines(path.read_text(encoding="utf-8").splitlines()):
                self._turn(customer, line)
            return
        self.stdout.write(self.style.NOTICE(self.help))
        while True:
            try:
                line = input("you> ")
            except (EOFError, KeyboardInterrupt):
                self.stdout.write("")
                return
            if line.strip().lower() in {"quit", "exit"}:
                return
            if line.strip():
                self._turn(customer, line, echo=False)

    def _turn(self, customer: ConsoleCustomer, line: str, echo: bool = True) -> None:
        staff = customer.is_staff_line(line)
        if echo or staff:
            who = "staff (admin)> " if staff else "you> "
            self.stdout.write(self.style.SUCCESS(f"{who}{line}"))
        try:
            replies = customer.say(line)
        except ValueError as exc:  # a staff line that cannot apply (no order, bad usage)
            if echo:  # a script stops on it
                raise CommandError(str(exc)) from exc
            self.stdout.write(self.style.ERROR(str(exc)))
            return
        if not replies:
            self.stdout.write(self.style.WARNING("shop> (no reply)"))
        for reply in replies:
            self.stdout.write("shop> " + reply.text.replace("\n", "\n      "))
        self.stdout.write("")
