"""The API's JSON parser: DRF's, with a bound on nesting.

Python's json module recurses once per level, so a body of 100,000 "[" raises RecursionError
(not a ValueError DRF would answer 400 to); and a value nested a few hundred levels deep, though
it parses, can overflow the stack later (stored in a JSON column, rendered, compared). No input
of the product nests deeper than a few levels, so a body nested deeper than MAX_DEPTH is refused
before it is decoded, with the reason, as any other unreadable body is (400).
"""

from __future__ import annotations

import io
import re

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")
TOO_DEEP = f"JSON parse error - nested deeper than {MAX_DEPTH} levels."


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text (brackets inside strings aside), read
    without recursion."""
    depth = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub(b"", body)):
        depth += 1 if bracket in (b"[", b"{") else -1
        deepest = max(deepest, depth)
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read() if stream is not None else b""
        if body.count(b"[") + body.count(b"{") > MAX_DEPTH and json_depth(body) > MAX_DEPTH:
            raise ParseError(TOO_DEEP)
        try:
            return super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError as exc:  # deeper than the scan saw: a body it misread
            raise ParseError(TOO_DEEP) from exc
