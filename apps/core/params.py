"""Reading query-string values that go into database filters, safely.

An id is ASCII digits that fit a bigint ("²".isdigit() is True, int("²") is not); a search text
loses NUL and other control characters (PostgreSQL refuses NUL in text) and is bounded.
"""

from __future__ import annotations

import re

_ID = re.compile(r"[0-9]{1,18}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def query_id(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if _ID.fullmatch(value) else None


def query_text(value: str | None, max_length: int = 100) -> str:
    return _CONTROL.sub("", value or "").strip()[:max_length]
