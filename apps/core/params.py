"""Reading query-string values that go into database filters, safely.

An id is what the shared number parser reads as a whole number from 0 up (apps/core/numbers.py:
"²".isdigit() is True, int("²") is not, and a bigint is the most a column holds); a search text
loses NUL and other control characters (PostgreSQL refuses NUL in text) and is bounded.
"""

from __future__ import annotations

import re

from .numbers import NumberError, parse_int

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def query_id(value: str | None) -> int | None:
    try:
        return parse_int(value or "", min_value=0)
    except NumberError:
        return None


def query_text(value: str | None, max_length: int = 100) -> str:
    return _CONTROL.sub("", value or "").strip()[:max_length]
