"""What a partner user may see and send through the API (DESIGN.md section 1: a partner user never
sees another partner's data, nor the vendor's own assessment of it).

Every API serializer that a partner user can reach derives from `RoleFieldsSerializer` (or mixes
in `RoleFieldsMixin`) and names, once, the fields only staff read (`staff_only_fields`) and the
fields only staff set (`staff_only_input`: a partner user's value is dropped unread, never
validated, so that the answer does not depend on whether what it names exists). The schema
documents every field; a staff-only one is read-only-not-required or optional, so a partner
user's shorter copy still conforms. tests/security/test_partner_fields.py lists, per endpoint,
the exact fields a partner user gets.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from functools import cached_property

from django.core.validators import RegexValidator, URLValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

from .iso import COUNTRY_CODES, COUNTRY_ERROR, CURRENCY_CODES, CURRENCY_ERROR
from .text import refuse_control_characters


class RoleFieldsMixin:
    staff_only_fields: tuple[str, ...] = ()
    staff_only_input: tuple[str, ...] = ()

    context: dict

    @cached_property
    def caller_is_staff(self) -> bool:
        """Admins and managers; anyone else — a partner user, or no request at all — is not."""
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated and user.is_staff_role)

    @property
    def _readable_fields(self):
        # DRF's to_representation reads this: a hidden field is not even computed.
        hidden = () if self.caller_is_staff else self.staff_only_fields
        for field in super()._readable_fields:  # type: ignore[misc]
            if field.field_name not in hidden:
                yield field

    def to_internal_value(self, data):
        if not self.caller_is_staff and isinstance(data, Mapping):
            ignored = set(self.staff_only_fields) | set(self.staff_only_input)
            if ignored & set(data):
                data = data.copy()  # type: ignore[attr-defined]  # dict or QueryDict
                for name in ignored:
                    data.pop(name, None)
        return super().to_internal_value(data)  # type: ignore[misc]


class RoleFieldsSerializer(RoleFieldsMixin, serializers.Serializer):
    pass


class RoleFieldsModelSerializer(RoleFieldsMixin, serializers.ModelSerializer):
    pass


# Text the API reads: PostgreSQL cannot store NUL, so every text field refuses it (DRF's
# ProhibitNullCharactersValidator) and the schema says so on each request string without a
# pattern of its own (a RegexField's pattern, which drf-spectacular inserts after this mapping,
# already excludes it): `text_pattern(NUL, …)`.
NUL = "\\u0000"
# One-line texts (names) refuse control characters (C0, DEL, C1), bidi overrides and isolates,
# and private-use characters too (`text_pattern(CONTROL, …)`); the characters the Unicode
# version in use has not assigned yet are refused as well, which no pattern can list.
CONTROL = "\\u0000-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069\\ue000-\\uf8ff"
# What DRF trims from both ends of a text (Python's str.strip(): the characters for which
# str.isspace() holds), spelled out so that every regex dialect reads the same class.
WHITESPACE = (
    "\\t\\n\\u000b\\u000c\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a"
    "\\u2028\\u2029\\u202f\\u205f\\u3000"
)


def text_pattern(refused: str, *, trimmed: bool, blank: bool) -> str:
    """A non-empty text the server takes (drf-spectacular adds "" as a second, exclusive `oneOf`
    branch where blank is allowed): none of the `refused` characters (a character class's
    body) — if `trimmed`, in what is left once DRF has stripped whitespace from both ends
    (`" Acme\t"` is read as `"Acme"`), which is not empty unless `blank` (`"   "` is refused as
    `""` is, and the schema says so)."""
    if not trimmed:
        return f"^[^{refused}]+$"
    ws = WHITESPACE
    text = f"[{ws}]*[^{refused}]*[^{refused}{ws}][{ws}]*"
    return f"^(?:[{ws}]+|{text})$" if blank else f"^{text}$"


class OneLineCharField(serializers.CharField):
    """A name, a title: refuses on the server what its schema pattern refuses (CONTROL), and the
    characters no pattern can list (apps/core/text.py)."""

    schema_refused = CONTROL

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(refuse_control_characters)


class TextFieldSchema(OpenApiSerializerFieldExtension):
    target_class = serializers.CharField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        # drf-spectacular's documented way to augment its own mapping of a field.
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)  # noqa: SLF001
        field = self.target
        own_pattern = any(
            isinstance(v, RegexValidator) and not isinstance(v, URLValidator)
            for v in field.validators
        )
        if direction == "request" and schema.get("type") == "string" and not own_pattern:
            refused = getattr(field, "schema_refused", NUL)
            own = getattr(field, "schema_pattern", None)  # a request's pattern, not an answer's
            pattern = text_pattern(refused, trimmed=field.trim_whitespace, blank=field.allow_blank)
            schema.setdefault("pattern", own or pattern)
        return schema


def amount_pattern(
    *, whole_digits: int, decimal_places: int, min_value: Decimal | None, max_value: Decimal | None
) -> str:
    """The exact text an AmountField accepts, as a pattern both the schema and the server use:
    digits (at least one), an optional point followed by 1 to `decimal_places` digits; a sign
    only where negative amounts are allowed; the bounds the product uses (0, the smallest step
    or none below; a power of ten or the widest number above) in the pattern itself, since a
    string's bounds are no JSON Schema keyword."""
    step = Decimal(1).scaleb(-decimal_places)
    widest = Decimal(10) ** whole_digits - step
    digits = f"[0-9]{{1,{whole_digits}}}(?:\\.[0-9]{{1,{decimal_places}}})?"
    sign = "-?" if min_value is None or min_value < 0 else ""
    if min_value not in (None, Decimal(0), step) and not (min_value < 0):
        raise ValueError(f"amount_pattern: no pattern for a minimum of {min_value}")
    not_zero = "(?!-?0*\\.?0*$)" if min_value == step else ""
    if max_value is None or max_value == widest:
        body = digits
    elif max_value == max_value.to_integral_value() and str(int(max_value)).strip("0") == "1":
        power = len(str(int(max_value))) - 1  # 10 ** power
        body = (
            f"(?:1{'0' * power}(?:\\.0{{1,{decimal_places}}})?"
            f"|[0-9]{{1,{power}}}(?:\\.[0-9]{{1,{decimal_places}}})?)"
        )
    else:
        raise ValueError(f"amount_pattern: no pattern for a maximum of {max_value}")
    return f"^{not_zero}{sign}{body}$"


class AmountField(serializers.DecimalField):
    """A decimal amount. Sent as text it must match its pattern exactly (the schema documents
    it: no "", "-", "." or spaces, the product's bounds); a JSON number is refused, as the
    schema's type says (apps/core/json_types.py: a binary fraction is no amount of money)."""

    def __init__(self, *, max_digits: int, decimal_places: int, **kwargs):
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)
        bounds = [None if b is None else Decimal(str(b)) for b in (self.min_value, self.max_value)]
        self.pattern = amount_pattern(
            whole_digits=max_digits - decimal_places,
            decimal_places=decimal_places,
            min_value=bounds[0],
            max_value=bounds[1],
        )

    def to_internal_value(self, data):
        if isinstance(data, str) and not re.fullmatch(self.pattern, data):
            self.fail("invalid")
        return super().to_internal_value(data)


class AmountFieldSchema(OpenApiSerializerFieldExtension):
    target_class = AmountField

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)  # noqa: SLF001
        schema["pattern"] = self.target.pattern
        if direction == "request":  # bounds of a number, not of a string: the pattern has them
            for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
                schema.pop(key, None)
        return schema


class KeyField(serializers.SlugRelatedField):
    """A related object named by its key (a partner type's `key`, …)."""

    def to_internal_value(self, data):
        # PostgreSQL refuses NUL in a text parameter; say "no such key" instead of failing.
        if isinstance(data, str) and ("\x00" in data or len(data) > 100):
            self.fail("does_not_exist", slug_name=self.slug_field, value=data[:100])
        return super().to_internal_value(data)


# --- ISO codes --------------------------------------------------------------------------------
def any_case_pattern(codes: frozenset[str]) -> str:
    """A pattern matching exactly `codes`, each in any case (`de`, `De`, `DE`), as a trie of
    character classes: `^(?:[Aa][DdEe…]|[Bb][…]|…)$`. JSON Schema has no case-insensitive enum
    and ECMA-262 patterns no portable case flag; this is both exact and portable."""

    def trie(suffixes: set[str]) -> str:
        if suffixes == {""}:
            return ""
        groups: dict[str, set[str]] = {}
        for code in suffixes:
            groups.setdefault(code[0].upper(), set()).add(code[1:])
        if all(rest == {""} for rest in groups.values()):
            return "[" + "".join(f"{c}{c.lower()}" for c in sorted(groups)) + "]"
        branches = (f"[{c}{c.lower()}]{trie(rest)}" for c, rest in sorted(groups.items()))
        return "(?:" + "|".join(branches) + ")"

    return f"^{trie(set(codes))}$"


class IsoCodeField(serializers.Field):
    """An ISO code, read in any case and answered upper-case. The schema states it exactly: the
    request a case-insensitive pattern of the codes (component `<name>Input`), the answer the
    enumeration of the codes (component `<name>`)."""

    codes: frozenset[str] = frozenset()
    component = ""
    noun = ""
    error: object = ""
    default_error_messages = {"invalid": _("Not a valid string.")}

    def __init__(self, *, answer_enum: bool = True, allow_blank: bool = False, **kwargs):
        # False where another door (a staff page) stores any upper-case letters of the code's
        # length: the answer is then documented by that shape, not by the ISO list.
        self.answer_enum = answer_enum
        # True where "" means "none given" (a lead's currency without a value): the schema's
        # pattern and enumeration then admit "" too (components `<name>OrBlank…`).
        self.allow_blank = allow_blank
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if self.allow_blank and data == "":
            return ""
        if data.upper() not in self.codes:
            raise serializers.ValidationError(str(self.error) % {"value": data[:20]})
        return data.upper()

    def to_representation(self, value):
        return value


class CountryCodeField(IsoCodeField):
    codes = COUNTRY_CODES
    component = "CountryCode"
    noun = "An ISO 3166-1 alpha-2 country code, e.g. `DE`"
    error = COUNTRY_ERROR


class CurrencyCodeField(IsoCodeField):
    codes = CURRENCY_CODES
    component = "CurrencyCode"
    noun = "An ISO 4217 currency code of money, e.g. `EUR` (not funds, metals or test codes)"
    error = CURRENCY_ERROR


class IsoCodeFieldSchema(OpenApiSerializerFieldExtension):
    target_class = IsoCodeField
    match_subclasses = True
    priority = 1  # before TextFieldSchema, which matches every CharField

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        codes = sorted(field.codes)
        blank = "OrBlank" if field.allow_blank else ""
        if direction == "request":
            name = f"{field.component}{blank}Input"
            pattern = any_case_pattern(field.codes)
            schema = {
                "type": "string",
                "pattern": f"^(?:{pattern[1:-1]})?$" if blank else pattern,
                "description": f"{field.noun}, in any case (`{codes[0].lower()}` is read as "
                f"`{codes[0]}`): one of the codes listed in `{field.component}`"
                + (', or "" for none.' if blank else "."),
                "example": codes[0],
            }
        elif not field.answer_enum:
            length = len(codes[0])
            name = f"{field.component}Stored"
            schema = {
                "type": "string",
                "pattern": f"^[A-Z]{{{length}}}$",
                "description": f"{field.noun}, upper case (one the staff pages stored: not "
                f"necessarily one listed in `{field.component}`).",
            }
        elif blank:
            name = f"{field.component}{blank}"
            schema = {
                "type": "string",
                "enum": ["", *codes],
                "description": f'{field.noun}, or "" for none.',
            }
        else:
            name = field.component
            schema = {"type": "string", "enum": codes, "description": f"{field.noun}."}
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


# --- a domain or a website address ------------------------------------------------------------
_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TOP_LABEL = "[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_PORT = "(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})"
_USER = "[A-Za-z0-9._~%!$&'()*+,;=-]"
# At most 253 characters of host name (a trailing dot aside), in labels of 1 to 63.
_HOST_LENGTH = "(?=[A-Za-z0-9.-]{1,253}\\.?(?![A-Za-z0-9.-]))"
# A bare domain (`acme.com`), a host name (`www.acme.co.uk.`), a website address with a scheme,
# user-info, port, path, query or fragment (`https://www.acme.com:8443/about?x#y`) or an e-mail
# address (`nora@acme.com`): ASCII, no spaces; an international name in its `xn--` form.
WEB_ADDRESS = (
    "^(?:(?:[A-Za-z][A-Za-z0-9+.-]*:)?//)?"
    f"(?:{_USER.replace('=-', '=:-')}+@)?"
    f"{_HOST_LENGTH}(?:{_LABEL}\\.)+{_TOP_LABEL}\\.?"
    f"(?::{_PORT})?"
    "(?:[/?#][!-~]*)?\\Z"
)
# A company's website (applications): the same, narrowed to what a web link is (Django's
# URLValidator, which the server runs too): http or https if a scheme is given, `user[:password]@`,
# a top-level label of 2 to 63 letters (or an `xn--` one).
END = "\\Z"  # the end of the text (`$` also matches before a final newline in Python)
_WEB_SCHEME = "[Hh][Tt][Tt][Pp][Ss]?://"
_WEBSITE_REST = (
    f"(?:{_USER}+(?::{_USER}*)?@)?"
    f"{_HOST_LENGTH}(?:{_LABEL}\\.)+(?:[Xx][Nn]--[A-Za-z0-9]{{1,59}}|[A-Za-z][A-Za-z-]{{0,61}}[A-Za-z])\\.?"
    f"(?::{_PORT})?"
    "(?:[/?#](?:(?!://)[!-~])*)?\\Z"  # no second scheme: one without is read as https://
)
WEBSITE = f"^(?:{_WEB_SCHEME})?{_WEBSITE_REST}"
# A link someone follows (a library resource's address): the same, with its http(s) scheme.
LINK = f"^{_WEB_SCHEME}{_WEBSITE_REST}"


class WebAddressField(serializers.RegexField):
    """A domain or a website address, as `WEB_ADDRESS` spells it (the schema's pattern and the
    server's check are this one pattern). Whether its host is a registrable domain (not only a
    public suffix such as `co.uk`) is the Public Suffix List's to say, checked after."""

    def __init__(self, pattern: str = WEB_ADDRESS, **kwargs):
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault(
            "error_messages",
            {"invalid": _("Enter a domain such as acme.com or a website address.")},
        )
        super().__init__(pattern, **kwargs)


class LinkField(serializers.CharField):
    """An http(s) link someone follows (a library resource's address), read by `LINK` exactly
    (untrimmed). Only the request states the pattern: the staff pages store any address Django's
    URLValidator takes (`http://localhost/`, an international name), answered as stored."""

    default_error_messages = {"invalid": _("Enter an http(s) address such as https://acme.com/.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("max_length", 2000)
        super().__init__(**kwargs)
        # drf-spectacular adds "" as a branch of its own where blank is allowed.
        self.schema_pattern = LINK.removesuffix(END) + "$"

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not re.match(LINK, value):
            self.fail("invalid")
        return value
