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
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers


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
# already excludes it).
NO_NUL = "^[^\\u0000]*$"
# One-line texts (names) refuse control characters (C0, DEL, C1), bidi overrides and isolates,
# and private-use characters too; the characters the Unicode version in use has not assigned
# yet are refused as well, which no pattern can list.
ONE_LINE = "^[^\\u0000-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069\\ue000-\\uf8ff]*$"


class OneLineCharField(serializers.CharField):
    schema_pattern = ONE_LINE


class TextFieldSchema(OpenApiSerializerFieldExtension):
    target_class = serializers.CharField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        # drf-spectacular's documented way to augment its own mapping of a field.
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)  # noqa: SLF001
        own_pattern = any(
            isinstance(v, RegexValidator) and not isinstance(v, URLValidator)
            for v in self.target.validators
        )
        if direction == "request" and schema.get("type") == "string" and not own_pattern:
            schema.setdefault("pattern", getattr(self.target, "schema_pattern", NO_NUL))
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
    it: no "", "-", "." or spaces, the product's bounds); a JSON number is read as DRF does."""

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
