"""A JSON body's values have the types the API's schema gives them (issue 25).

DRF reads leniently: a text field takes 0 and turns it into "0", a whole number takes "5", a
boolean takes 0, 1, "yes" or "on", a related object's id takes "42". The schema says "string",
"integer", "boolean" — what a client generated from it always sends — and Schemathesis' check that
schema-violating input is refused (`negative_data_rejection`, all phases) found the server taking
what the schema forbids. So a JSON body's value of the wrong JSON type is refused next to its
field, with the type the field wants.

A form's values (the browsable API's forms, a multipart upload, a query string read through a
serializer) are all text, and are read as DRF reads them. So is a field used outside a
serializer. `install()` (from CoreConfig.ready) puts the check in front of the `to_internal_value`
of DRF's scalar fields and of every subclass, the project's own included, one place for all.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import relations, serializers
from rest_framework.settings import api_settings

# What a field wants: a test of the value, and the message when it fails.
Want = tuple[Callable[[object], bool], "StrOrPromise"]
StrOrPromise = str | Promise

TEXT = _("Send text here (a JSON string).")
WHOLE_NUMBER = _("Send a whole number here (a JSON integer).")
NUMBER = _("Send a number here (a JSON number).")
BOOLEAN = _("Send true or false here.")
AMOUNT = _('Send the amount as text, for example "1200.00".')
LIST = _("Send a list here (a JSON array).")


def sent_as_json(field: serializers.Field) -> bool:
    """The value came in a JSON body: its serializer was given a parsed JSON object or array (a
    form's data is a QueryDict)."""
    data = getattr(field.root, "initial_data", None)
    return isinstance(data, dict | list) and not isinstance(data, QueryDict)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_text(value) -> bool:
    return isinstance(value, str)


def _decimal_wants(field) -> Want:
    # drf-spectacular documents a decimal as a string unless the field says otherwise.
    if not getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING):
        return _is_number, NUMBER
    return _is_text, AMOUNT


def _choice_wants(field) -> Want:
    keys = list(field.choices)
    if keys and all(_is_int(k) for k in keys):
        return _is_int, WHOLE_NUMBER
    return _is_text, TEXT


def _related_wants(field) -> Want:
    model = getattr(getattr(field, "queryset", None), "model", None)
    pk = model._meta.pk if model is not None else None
    if pk is not None and pk.get_internal_type() in (
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
    ):
        return _is_int, WHOLE_NUMBER
    return (lambda value: _is_int(value) or _is_text(value)), WHOLE_NUMBER


# The field classes checked, each with what its value must be in a JSON body (a subclass is
# checked as its nearest listed ancestor: an EmailField as a CharField, the project's amount as a
# DecimalField). A ChoiceField's check also runs for each item of a MultipleChoiceField.
WANTS: dict[type, Callable[[serializers.Field], Want]] = {
    serializers.CharField: lambda f: (_is_text, TEXT),
    serializers.IntegerField: lambda f: (_is_int, WHOLE_NUMBER),
    serializers.FloatField: lambda f: (_is_number, NUMBER),
    serializers.DecimalField: _decimal_wants,
    serializers.BooleanField: lambda f: (lambda v: isinstance(v, bool), BOOLEAN),
    serializers.ChoiceField: _choice_wants,
    serializers.DateField: lambda f: (_is_text, TEXT),
    serializers.DateTimeField: lambda f: (_is_text, TEXT),
    serializers.TimeField: lambda f: (_is_text, TEXT),
    serializers.DurationField: lambda f: (_is_text, TEXT),
    relations.PrimaryKeyRelatedField: _related_wants,
    relations.SlugRelatedField: lambda f: (_is_text, TEXT),
    # DRF takes any iterable but a text for these: an object ({}) was read as its keys.
    serializers.MultipleChoiceField: lambda f: (lambda v: isinstance(v, list), LIST),
    relations.ManyRelatedField: lambda f: (lambda v: isinstance(v, list), LIST),
}


def _checked(cls: type, wants) -> None:
    original = cls.__dict__["to_internal_value"]

    def to_internal_value(self, data):
        if sent_as_json(self):
            fits, message = wants(self)
            if not fits(data):
                raise serializers.ValidationError(message, code="invalid")
            _within_max_length(self, data)
        return original(self, data)

    to_internal_value.json_checked = True  # type: ignore[attr-defined]
    setattr(cls, "to_internal_value", to_internal_value)  # noqa: B010 (a class's method, replaced)


def _within_max_length(field, data) -> None:
    """The schema's maxLength counts the text as sent; DRF counts it once trimmed (40 spaces
    around one letter passed a 20-character limit)."""
    limit = getattr(field, "max_length", None)
    if isinstance(field, serializers.CharField) and limit is not None and len(data) > limit:
        field.fail("max_length", max_length=limit)


def _length_checked_before_blank() -> None:
    """A text of only spaces is read as "" before `to_internal_value` runs, so a blank-allowed
    field took 300 spaces under a 200-character limit: its length as sent is checked first."""
    cls = serializers.CharField
    original = cls.__dict__["run_validation"]
    if getattr(original, "json_checked", False):
        return

    def run_validation(self, data=serializers.empty):
        if isinstance(data, str) and sent_as_json(self):
            _within_max_length(self, data)
        return original(self, data)

    run_validation.json_checked = True  # type: ignore[attr-defined]
    setattr(cls, "run_validation", run_validation)  # noqa: B010 (a class's method, replaced)


def install() -> None:
    """Check the JSON type in front of each listed class's own `to_internal_value` (once)."""
    for cls, wants in WANTS.items():
        if not getattr(cls.__dict__["to_internal_value"], "json_checked", False):
            _checked(cls, wants)
    _length_checked_before_blank()
