"""`get_FOO_display()` without translating every label of the field on each call.

Django's `Model._get_FIELD_display` builds `dict(make_hashable(field.flatchoices))` on every
call, and hashing a lazy label translates it: a list of 25 registrations shown with their
status translated some 200 labels to show 25. Here each field's {value: label} is built once,
keyed by the values (plain strings and numbers), the labels left lazy — only the one shown is
translated, in the language active when it is shown. The answer is the same as Django's (a
test compares them for every field with choices)."""

from __future__ import annotations

from django.db.models import Field, Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_LABELS: dict[Field, dict] = {}


def labels_of(field: Field) -> dict:
    found = _LABELS.get(field)
    if found is None:
        found = _LABELS[field] = {make_hashable(value): label for value, label in field.flatchoices}
    return found


def _get_FIELD_display(self, field):  # noqa: N802 — Django's name
    value = getattr(self, field.attname)
    return force_str(labels_of(field).get(make_hashable(value), value), strings_only=True)


def install() -> None:
    # Django calls it through get_FOO_display() (a partialmethod on each model class).
    Model._get_FIELD_display = _get_FIELD_display  # type: ignore[attr-defined]  # noqa: SLF001
