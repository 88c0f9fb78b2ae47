"""Reading a number typed by a person or sent in a file cell: the one parser every door shares.

A number is ASCII digits, an optional sign, at most one decimal point; surrounding whitespace
is dropped. Anything else is refused with a message, never an exception of Python's own:
"²".isdigit() is True but int("²") fails, int("9" * 5000) exceeds Python's digit limit,
"1e309" is no whole number, NUL is not a digit, and a value past what the column holds (a
PostgreSQL bigint by default) is out of range, so the database never overflows.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.db import models
from django.utils.translation import gettext as _

from apps.core.formatting import format_number

BIGINT_MIN = -(2**63)
BIGINT_MAX = 2**63 - 1
# Enough for any column of the product (the widest is numeric(14, 2)); longer input is refused
# before it is converted.
MAX_DIGITS = 30

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


class NumberError(ValueError):
    """The text is not a number in range; str(exc) says why, to the person who typed it."""


def _strip(value: object) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise NumberError(_("Enter a number."))
    return str(value).strip()


def _digits(text: str) -> str:
    if sum(c.isdigit() for c in text) > MAX_DIGITS:
        raise NumberError(_("The number is too large."))
    return text


def _bounded(number, min_value, max_value):
    if min_value is not None and number < min_value:
        raise NumberError(_("Enter a number of at least %(n)s.") % {"n": format_number(min_value)})
    if max_value is not None and number > max_value:
        raise NumberError(_("Enter a number of at most %(n)s.") % {"n": format_number(max_value)})
    return number


def parse_int(
    value: object, *, min_value: int | None = BIGINT_MIN, max_value: int | None = BIGINT_MAX
) -> int:
    """A whole number from text (or an int), within the bounds (a bigint unless told)."""
    text = _strip(value)
    if not _INTEGER.fullmatch(text):
        raise NumberError(_("Enter a whole number."))
    return _bounded(int(_digits(text)), min_value, max_value)


def parse_decimal(
    value: object,
    *,
    decimal_places: int | None = 2,
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
) -> Decimal:
    """A decimal number from text, with at most `decimal_places` decimals (None: any), within
    the bounds."""
    text = _strip(value)
    if not _DECIMAL.fullmatch(text):
        raise NumberError(_("Enter a number."))
    decimals = text.split(".", 1)[1].rstrip("0") if "." in text else ""
    if decimal_places is not None and len(decimals) > decimal_places:
        raise NumberError(
            _("Use at most %(n)s decimal places.") % {"n": format_number(decimal_places)}
        )
    return _bounded(Decimal(_digits(text)), min_value, max_value)


class IntegerField(forms.IntegerField):
    """Django's form field, reading its text with parse_int: never more than a bigint, so the
    database never overflows; the field's own bounds are checked after, with Django's words."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_int(value)
        except NumberError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc


class DecimalField(forms.DecimalField):
    """Django's form field, reading its text with parse_decimal; its digits and places are
    checked after, with Django's words."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_decimal(value, decimal_places=None)
        except NumberError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc


class IntegerListField(forms.CharField):
    """Whole numbers typed as "14, 7" (or "14; 7"), each read by parse_int within the bounds;
    answered sorted, largest first, without repeats."""

    default_error_messages = {
        "invalid_item": "Whole numbers from %(min)s to %(max)s, comma separated.",
        "too_many": "At most %(max_items)s values.",
    }

    def __init__(self, *, min_value: int, max_value: int, max_items: int, **kwargs):
        self.min_value, self.max_value, self.max_items = min_value, max_value, max_items
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        numbers = []
        for part in (value or "").replace(";", ",").split(","):
            if not part.strip():
                continue
            try:
                numbers.append(parse_int(part, min_value=self.min_value, max_value=self.max_value))
            except NumberError as exc:
                raise forms.ValidationError(
                    self.error_messages["invalid_item"],
                    code="invalid_item",
                    params={"min": self.min_value, "max": self.max_value},
                ) from exc
        if len(numbers) > self.max_items:
            raise forms.ValidationError(
                self.error_messages["too_many"],
                code="too_many",
                params={"max_items": self.max_items},
            )
        return sorted(set(numbers), reverse=True)


def formfield(model_field: models.Field, **kwargs) -> forms.Field | None:
    """A ModelForm's Meta.formfield_callback: the model's number fields read by the shared
    parser (their bounds, the column's range among them, come with the model field)."""
    if isinstance(model_field, models.DecimalField):
        kwargs.setdefault("form_class", DecimalField)
    elif isinstance(model_field, models.IntegerField) and not model_field.choices:
        kwargs.setdefault("form_class", IntegerField)
    return model_field.formfield(**kwargs)
