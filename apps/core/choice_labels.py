"""`get_FOO_display()` without translating every label of the field on each call.

Django's `Model._get_FIELD_display` builds `dict(make_hashable(field.flatchoices))` on every
call, and hashing a lazy label translates it: a list of 25 registrations shown with their
status translated some 200 labels to show 25. Here each field's {value: label} is built once,
keyed by the values (plain strings and numbers), the labels left lazy — only the one shown is
translated, in the language active when it is shown. The answer is the same as Django's (a
test compares them for every field with choices).

Django binds each model's get_FOO_display() to Model._get_FIELD_display when the model class is
built (a partialmethod holding the function), before any app is ready: replacing the method on
Model alone changes nothing for the models already built. `install()` therefore also re-points
every get_FOO_display() that still holds Django's function (a model's own override is kept)."""

from __future__ import annotations

from functools import partialmethod

from django.apps import apps
from django.db.models import Field, Model
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_LABELS: dict[Field, dict] = {}


def labels_of(field: Field) -> dict:
    found = _LABELS.get(field)
    if found is None:
        found = {make_hashable(value): label for value, label in field.flatchoices}
        # Choices from a callable (the countries, the currencies) are made again on each use,
        # their labels in the language of the moment: kept, they would stay in the first one.
        if not isinstance(field.choices, CallableChoiceIterator):
            _LABELS[field] = found
    return found


def _get_FIELD_display(self, field):  # noqa: N802 — Django's name
    value = getattr(self, field.attname)
    return force_str(labels_of(field).get(make_hashable(value), value), strings_only=True)


def install() -> None:
    django_s = Model._get_FIELD_display  # type: ignore[attr-defined]  # noqa: SLF001
    Model._get_FIELD_display = _get_FIELD_display  # type: ignore[attr-defined]  # noqa: SLF001
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            name = f"get_{getattr(field, 'name', '')}_display"
            bound = model.__dict__.get(name)
            if isinstance(bound, partialmethod) and bound.func in (django_s, _get_FIELD_display):
                setattr(model, name, partialmethod(_get_FIELD_display, field=field))
