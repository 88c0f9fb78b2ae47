"""The API's JSON parser bounds nesting (apps/core/parsers.py), by case."""

from __future__ import annotations

import io

import pytest
from rest_framework.exceptions import ParseError

from apps.core.parsers import MAX_DEPTH, JSONParser, json_depth


@pytest.mark.parametrize(
    "body,depth",
    [
        (b"{}", 1),
        (b'{"a": [1, {"b": []}]}', 4),
        (b'{"a": "[[[[[[[[{{{{"}', 1),  # brackets inside a string do not nest
        (b'{"a": "\\"[[[["}', 1),  # nor after an escaped quote
        (b"1", 0),
    ],
)
def test_depth_is_read_without_recursion(body, depth):
    assert json_depth(body) == depth


def _parse(body: bytes):
    return JSONParser().parse(io.BytesIO(body), "application/json", {})


def test_a_body_nested_to_the_limit_parses():
    assert _parse(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH) is not None
    assert _parse(b'{"a": "' + b"[" * 1000 + b'"}') == {"a": "[" * 1000}


@pytest.mark.parametrize(
    "body", [b"[" * 100_000, b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), b"{" * 100_000]
)
def test_a_body_nested_deeper_is_a_parse_error(body):
    with pytest.raises(ParseError):
        _parse(body)
