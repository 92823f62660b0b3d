"""Logging filters. Phone numbers are personal data: logs keep only their last 4 digits."""

from __future__ import annotations

import logging
import re

_PHONE = re.compile(r"(?<![\d.])(\+?\d{5,11})(\d{4})(?![\d.eE])")


def mask_phone_numbers(text: str) -> str:
    return _PHONE.sub(lambda m: "*" * len(m.group(1)) + m.group(2), text)


# Attributes every LogRecord has; anything else was passed as `extra=` and ends up as a
# field of the JSON log line, so it is masked too.
_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class MaskPhoneNumbersFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_phone_numbers(message)
        if masked != message:
            record.msg = masked
            record.args = None
        for name, value in list(vars(record).items()):
            if name not in _STANDARD_ATTRS and isinstance(value, str):
                setattr(record, name, mask_phone_numbers(value))
        return True
