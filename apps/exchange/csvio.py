"""Reading and writing CSV safely.

Writing: every text cell a spreadsheet would run as a formula (=, +, -, @, tab, carriage
return first) is prefixed with an apostrophe. Reading: size and row limits, UTF-8 only (with or
without a BOM), clear messages for anything else; an apostrophe our own export added is removed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.formatting import format_number

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_CELL = 5_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


class CsvProblem(Exception):
    """The file as a whole cannot be read; the message says what to do."""


# --- writing ----------------------------------------------------------------------------------
def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, (date, Decimal, int, float)):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def stream(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """CSV lines, one at a time, for a StreamingHttpResponse. A BOM first so Excel reads UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([cell(v) for v in row])


# --- reading ----------------------------------------------------------------------------------
def decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvProblem(
            _("The file is UTF-16 text. Save it as “CSV UTF-8 (comma delimited)” and upload again.")
        )
    if b"\x00" in data:
        raise CsvProblem(_("This does not look like a CSV file (it contains binary data)."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvProblem(
            _(
                "The file is not UTF-8 text (byte %(byte)s cannot be read). It was probably "
                "saved in another encoding such as Windows-1252; save it as “CSV UTF-8 (comma "
                "delimited)” and upload again."
            )
            % {"byte": exc.start + 1}
        ) from exc


def _too_large() -> str:
    return _("The file is larger than %(mb)s MB; split it up.") % {
        "mb": format_number(MAX_BYTES // (1024 * 1024))
    }


def read_upload(upload) -> bytes:
    if upload.size is not None and upload.size > MAX_BYTES:
        raise CsvProblem(_too_large())
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise CsvProblem(_too_large())
    if not data.strip():
        raise CsvProblem(_("The file is empty."))
    return data


def header_key(name: str) -> str:
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def clean_cell(value: str) -> tuple[str, str | None]:
    """(cleaned text, problem or None). A formula is refused rather than imported."""
    value = value.strip()
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        return value[1:], None  # escaped by an export: the text itself is meant
    if value.startswith(("=", "+", "-", "@")) and not NUMBER.match(value):
        return value, _("looks like a spreadsheet formula; remove the leading “%(sign)s”") % {
            "sign": value[0]
        }
    if len(value) > MAX_CELL:
        return value[:MAX_CELL], _("is longer than %(n)s characters") % {
            "n": format_number(MAX_CELL)
        }
    return value, None


def _header_keys(header: list[str] | None, required: list[str]) -> list[str]:
    if not header or not any(h.strip() for h in header):
        raise CsvProblem(_("The file has no header row."))
    keys = [header_key(h) for h in header]
    duplicated = sorted({k for k in keys if k and keys.count(k) > 1})
    if duplicated:
        raise CsvProblem(
            _("Columns appear twice in the header: %(columns)s.")
            % {"columns": ", ".join(duplicated)}
        )
    missing = [c for c in required if c not in keys]
    if missing:
        raise CsvProblem(
            _(
                "Required columns are missing: %(columns)s. "
                "Download the template to see the expected header."
            )
            % {"columns": ", ".join(missing)}
        )
    return keys


def _row_cells(
    values: list[str], keys: list[str], columns: list[str]
) -> tuple[dict[str, str], list[str]]:
    """The row's known cells, cleaned (blank when absent), and what is wrong with them."""
    errors = []
    if len(values) > len(keys):
        errors.append(
            _("The row has %(cells)s cells but the header %(header)s.")
            % {"cells": format_number(len(values)), "header": format_number(len(keys))}
        )
    cells = {}
    for key, raw in zip(keys, values, strict=False):
        if key not in columns:
            continue
        value, problem = clean_cell(raw)
        cells[key] = value
        if problem:
            errors.append(
                _("%(column)s: the value %(problem)s.") % {"column": key, "problem": problem}
            )
    return {key: cells.get(key, "") for key in columns}, errors


def parse(data: bytes, columns: list[str], required: list[str]) -> list[dict]:
    """Rows of a CSV as [{"line", "cells", "parse_errors"}] for the known `columns`."""
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        keys = _header_keys(next(reader, None), required)
        rows: list[dict] = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise CsvProblem(
                    _("The file has more than %(rows)s rows; split it up.")
                    % {"rows": format_number(MAX_ROWS)}
                )
            cells, errors = _row_cells(values, keys, columns)
            rows.append({"line": reader.line_num, "cells": cells, "parse_errors": errors})
    except csv.Error as exc:
        raise CsvProblem(
            _("The file is not valid CSV (line %(line)s): %(problem)s.")
            % {"line": reader.line_num, "problem": exc}
        ) from exc
    if not rows:
        raise CsvProblem(_("The file has a header but no rows."))
    return rows
