"""get_FOO_display() through apps/core/choice_labels.py answers what Django's own does, for every
field with choices of every model, every value and a value outside the choices, in two
languages — while translating only the label it returns."""

from __future__ import annotations

import inspect

import pytest
from django.apps import apps
from django.db.models import Model
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

from apps.core import choice_labels


def _django(instance, field):
    """Django 5.2's Model._get_FIELD_display, as it is written there."""
    value = getattr(instance, field.attname)
    choices_dict = dict(make_hashable(field.flatchoices))
    return force_str(choices_dict.get(make_hashable(value), value), strings_only=True)


FIELDS = [
    (model, field)
    for model in apps.get_models()
    for field in model._meta.concrete_fields
    if field.choices and model.__module__.startswith("apps.")
]


def test_it_is_the_one_in_use():
    assert Model._get_FIELD_display is choice_labels._get_FIELD_display
    # What a model's get_FOO_display() calls: Django bound it when the class was built.
    for model, field in FIELDS:
        bound = inspect.getattr_static(model, f"get_{field.name}_display")
        assert bound.func is choice_labels._get_FIELD_display, (model, field.name)


def test_showing_a_label_translates_only_that_label(monkeypatch):
    from apps.deals.models import DealRegistration, Status

    assert len(Status.choices) > 3
    translated: list[str] = []
    trans = translation._trans  # noqa: SLF001 — where a lazy label is translated
    original = trans.gettext

    def counted(message):
        translated.append(message)
        return original(message)

    monkeypatch.setattr(trans, "gettext", counted)
    reg = DealRegistration(status="approved")
    with translation.override("de"):
        reg.get_status_display()
    assert translated == ["Approved"]


@pytest.mark.parametrize("language", ["en", "de"])
def test_it_answers_what_django_answers_for_every_choice(language):
    assert len(FIELDS) > 20  # the models' status, stage, kind… fields: not an empty loop
    with translation.override(language):
        for model, field in FIELDS:
            for value in [v for v, _ in field.flatchoices] + ["not-a-choice"]:
                instance = model()
                instance.__dict__[field.attname] = value  # FSM fields refuse setattr
                shown = getattr(instance, f"get_{field.name}_display")()
                assert shown == _django(instance, field), (model, field.name, value)
                assert type(shown) is type(_django(instance, field))


def test_it_shows_the_label_in_the_language_active_when_shown():
    from apps.deals.models import DealRegistration

    reg = DealRegistration(status="approved")
    with translation.override("en"):
        english = reg.get_status_display()
    with translation.override("de"):
        german = reg.get_status_display()
    assert english == "Approved"
    assert german != english and german  # the label kept lazy, translated on each call
