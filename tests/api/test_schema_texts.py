"""Schema and server agree on every text the API reads (issue 25): for each request body field
that is text, on every operation the schema documents (discovered, so endpoints added later are
covered), the blank and whitespace-only strings are refused by the server exactly when the
field's documented schema (minLength, maxLength, pattern) refuses them. DRF trims a text before
it checks it is not blank, so "   " is refused where "" is: the schema's pattern says so.

And ISO codes and web addresses: every country or currency field is the shared ISO component
(a case-insensitive pattern in, an enumeration out), and every address field a pattern the
server reads by (apps/core/serializers.py)."""

from __future__ import annotations

import re

import pytest
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

pytestmark = pytest.mark.django_db

# Blank, whitespace-only (ASCII and not), and a text padded with whitespace.
TEXTS = ("", " ", " \t\n ", "\u3000\u00a0", " a ", "\ta\n", "a")


def request_fields():
    """(operation, dotted field name, field, its schema) for every writable text field of every
    documented request body, its schema built as drf-spectacular builds the document's."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.settings import spectacular_settings

    generator = SchemaGenerator()
    generator._initialise_endpoints()  # noqa: SLF001
    found = []
    for path, path_regex, method, view in generator._get_paths_and_endpoints():  # noqa: SLF001
        view.request = spectacular_settings.GET_MOCK_REQUEST(method, path, view, None)
        schema = view.schema
        operation = schema.get_operation(path, path_regex, "^/api/v1", method, generator.registry)
        if not operation or "requestBody" not in operation:
            continue
        body = schema.get_request_serializer()
        if isinstance(body, type) and issubclass(body, serializers.BaseSerializer):
            body = body()
        if not isinstance(body, serializers.BaseSerializer):
            continue
        for name, field in _texts(body, ""):
            documented = schema._map_serializer_field(field, "request")  # noqa: SLF001
            schema._insert_field_validators(field, documented)  # noqa: SLF001
            found.append((f"{method} {path}", name, field, documented))
    return found


def _texts(node, prefix):
    if isinstance(node, serializers.ListSerializer):
        yield from _texts(node.child, prefix + "[]")
    elif isinstance(node, serializers.Serializer):
        for name, field in node.fields.items():
            if not field.read_only:
                yield from _texts(field, f"{prefix}.{name}".lstrip("."))
    elif isinstance(node, serializers.ListField | serializers.DictField):
        yield from _texts(node.child, prefix + "[]")
    elif isinstance(node, serializers.CharField):
        yield prefix, node


def _schema_allows(documented: dict, text: str) -> bool | None:
    """Whether the documented schema allows `text`; None where a format (an e-mail address, a
    URI) decides, which no regex here reads."""
    if "oneOf" in documented:  # exactly one branch (drf-spectacular's "" branch of a blank)
        allowed = [_schema_allows(branch, text) for branch in documented["oneOf"]]
        return None if None in allowed else allowed.count(True) == 1
    if "$ref" in documented or "enum" in documented:
        return None  # not a free text: the shared components are checked below
    if len(text) < documented.get("minLength", 0):
        return False
    if len(text) > documented.get("maxLength", len(text)):
        return False
    pattern = documented.get("pattern")
    if pattern is not None and not re.search(pattern, text):
        return False
    return None if "format" in documented else True


def _server_allows(field, text: str) -> bool:
    try:
        field.run_validation(text)
    except ValidationError:
        return False
    return True


def test_the_request_bodies_have_text_fields_to_check():
    found = request_fields()
    assert len(found) > 100
    assert {"POST /api/v1/leads/", "POST /api/v1/fund-requests/"} <= {op for op, *_ in found}


def test_blank_and_whitespace_only_texts_are_refused_where_the_schema_says():
    disagree = []
    for operation, name, field, documented in request_fields():
        for text in TEXTS:
            schema, server = _schema_allows(documented, text), _server_allows(field, text)
            if schema is not None and schema != server:
                said = "allows" if schema else "refuses"
                disagree.append(f"{operation} {name} {text!r}: the schema {said}, the server not")
    assert not disagree, "\n".join(sorted(set(disagree)))


def _properties(document: dict):
    """(component, property, its schema) of every component, items of arrays included."""
    for component, node in document["components"]["schemas"].items():
        for name, prop in node.get("properties", {}).items():
            yield component, name, _unwrapped(prop)


def _unwrapped(prop: dict) -> dict:
    """A property's own schema: the one `allOf` member, the `oneOf` branch that is not "" (a
    blank), the items of an array."""
    if len(prop.get("allOf", ())) == 1:
        return _unwrapped({**prop["allOf"][0], **{k: v for k, v in prop.items() if k != "allOf"}})
    branches = [b for b in prop.get("oneOf", ()) if b.get("maxLength") != 0]
    if len(branches) == 1:
        return _unwrapped({**branches[0], **{k: v for k, v in prop.items() if k != "oneOf"}})
    return _unwrapped(prop["items"]) if "items" in prop else prop


ISO_NAME = re.compile(r"(^|_)(country|countries|currency)$")
ADDRESS_NAME = re.compile(r"(^|_)(domain|website|url)$")


def test_every_country_and_currency_field_is_the_shared_iso_component(openapi):
    wrong = []
    for component, name, prop in _properties(openapi):
        if not ISO_NAME.search(name):
            continue
        ref = prop.get("$ref", "").rsplit("/", 1)[-1]
        request = component.endswith("Request") and not prop.get("readOnly")
        if request and not re.fullmatch(r"(Country|Currency)Code(OrBlank)?Input", ref):
            wrong.append(f"{component}.{name}: {prop}")
        answer = ref.startswith(("CountryCode", "CurrencyCode")) or ref.endswith("Enum")
        if not request and not answer:
            wrong.append(f"{component}.{name}: {prop}")
    assert not wrong, "\n".join(wrong)


def test_every_address_a_request_sends_has_the_pattern_the_server_reads_by(openapi):
    wrong = [
        f"{component}.{name}: {prop}"
        for component, name, prop in _properties(openapi)
        if component.endswith("Request")
        and ADDRESS_NAME.search(name)
        and re.search(prop.get("pattern", ""), "not an address")
    ]
    assert not wrong, "\n".join(wrong)
