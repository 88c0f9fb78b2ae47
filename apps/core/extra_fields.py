"""Fields a higher app adds to a lower app's forms and API, where the lower app cannot import it.

A registration (deals, floor 3) or a lead (leads, floor 4) may name the fund request that
produced it, but funds (floor 4) sits above deals and beside leads: neither may import it. So
the lower app offers this extension point and funds contributes to it, the way `merge_fields.py`
and `exit.py` are contributed: each app's `extra_fields.py` declares `FIELDS = [ExtraField(...)]`
(discovered from INSTALLED_APPS). The higher app owns the field's data (its own model keyed by
the lower app's row), its choices, its validation and its writes; the lower app only asks:

- `form_fields(target, partner_id=...)`: the form fields to add (a partner's choices, or every
  partner's for staff when `partner_id` is None);
- `serializer_fields(target)`: the API fields (an id in, the id out);
- `annotate(target, queryset)`: the values read in the list's own query (no query per row);
- `save(target, obj, cleaned, partner_id=..., actor=...)`: validate and write them, in the
  caller's transaction (`InvalidInput` on the field when refused).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from rest_framework import serializers

from .discovery import app_modules


@dataclass(frozen=True)
class ExtraField:
    target: str  # what it extends: "deals.registration", "leads.lead"
    name: str  # the form field, the API field and the queryset annotation
    form_field: Callable[[int | None], forms.Field]  # (partner_id or None for staff)
    serializer_field: Callable[[], serializers.Field]
    annotation: Callable[[], Any]  # an expression over the target's rows (OuterRef("pk"))
    # (obj, value or None, partner_id the value must belong to, actor) → the stored value;
    # raises InvalidInput({name: [...]}) for a value the caller may not name.
    write: Callable[[Any, Any, int | None, Any], Any]


def fields_of(target: str) -> list[ExtraField]:
    return [
        f for module in app_modules("extra_fields") for f in module.FIELDS if f.target == target
    ]


def names(target: str) -> list[str]:
    return [f.name for f in fields_of(target)]


def form_fields(target: str, *, partner_id: int | None) -> dict[str, forms.Field]:
    return {f.name: f.form_field(partner_id) for f in fields_of(target)}


def serializer_fields(target: str) -> dict[str, serializers.Field]:
    return {f.name: f.serializer_field() for f in fields_of(target)}


def annotate(target: str, queryset: QuerySet) -> QuerySet:
    extra = {f.name: f.annotation() for f in fields_of(target)}
    return queryset.annotate(**extra) if extra else queryset


def save(target: str, obj, cleaned: Mapping, *, partner_id: int | None, actor) -> None:
    """Write what `cleaned` holds of the extra fields (a field absent is left as it is), and set
    each value on `obj` as its list annotation would."""
    for f in fields_of(target):
        if f.name in cleaned:
            setattr(obj, f.name, f.write(obj, cleaned[f.name], partner_id, actor))
