"""Filter pieces shared by the apps' FilterSets (apps/<app>/filters.py).

A list's FilterSet parses its query string for the page, the API (DjangoFilterBackend: a bad
value answers 400 naming the parameter; the OpenAPI schema lists the parameters) and the CSV
export alike. A page binds it too and refuses a bad value the same way (`for_page`): 400, the
message next to the filter control and no rows — never the list without that filter, which
would pass for the filtered one.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .errors import InvalidInput
from .iso import CURRENCY_CODES, currency_choices
from .numbers import BIGINT_MAX, NumberError, parse_int
from .params import query_text


class SearchField(forms.CharField):
    """Search text: control characters (NUL included: PostgreSQL refuses it) are dropped and the
    text is cut at max_length, rather than refused."""

    def __init__(self, *, max_length: int = 100, **kwargs):
        super().__init__(max_length=max_length, **kwargs)

    def to_python(self, value):
        return query_text(value, self.max_length or 100)


class IdField(forms.CharField):
    default_error_messages = {"invalid": "Give an id (digits only)."}

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        # The shared number parser ("²".isdigit() is True, int("²") is not); an id beyond the
        # column's range simply names no row (Django answers such a lookup with no rows).
        try:
            return parse_int(value, min_value=0, max_value=None)
        except NumberError as exc:
            digits = value.strip()
            if digits.isascii() and digits.isdigit():  # too long to read: past any column
                return BIGINT_MAX + 1
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc


class FlagField(forms.Field):
    """A yes/no filter: true/false or 1/0 (any case); anything else is refused, not ignored."""

    default_error_messages = {"invalid": "Give true or false (or 1 or 0)."}
    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        flag = self.VALUES.get(str(value).strip().lower())
        if flag is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return flag


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


@extend_schema_field(OpenApiTypes.BOOL)
class FlagFilter(django_filters.Filter):
    field_class = FlagField


@extend_schema_field({"type": "string", "enum": sorted(CURRENCY_CODES)})
class CurrencyFilter(django_filters.ChoiceFilter):
    """An ISO 4217 code; the page's choices are named in the user's language (read when the
    filter is made), the schema lists the codes."""

    def __init__(self, **kwargs):
        super().__init__(choices=currency_choices, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 0})
class IdFilter(django_filters.Filter):
    field_class = IdField


class FilterForm(forms.Form):
    """A filter form as the list pages draw it (an empty class for the stylesheet's defaults)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "")


def for_page(filterset: django_filters.FilterSet) -> tuple[QuerySet, int]:
    """A list page's rows and status code. A value its filters refuse (an unknown status, a
    tier that does not exist, letters for an id) lists nothing and answers 400, as the API
    does: the page shows the form's errors next to the filter controls
    (`includes/filter_errors.html` where the controls are drawn by hand)."""
    if not filterset.is_bound or filterset.is_valid():
        return filterset.qs, 200
    # A page's FilterSet is always given its rows; django-filter types them optional.
    return filterset.queryset.none(), 400  # type: ignore[union-attr]


def checked(filterset: django_filters.FilterSet) -> QuerySet:
    """The rows of a list read without its page (a CSV export): InvalidInput (400) naming each
    refused filter, never the rows without it."""
    rows, status = for_page(filterset)
    if status != 200:
        raise InvalidInput({name: list(msgs) for name, msgs in filterset.errors.items()})
    return rows


class ListFilterBackend(DjangoFilterBackend):
    """The API's filter backend (REST_FRAMEWORK's DEFAULT_FILTER_BACKENDS): a view's FilterSet
    narrows its list only; one object and its sub-lists (history, tasks, transitions) take no
    list filters, and the schema lists them on the list only."""

    def get_filterset_class(self, view, queryset=None):
        if getattr(view, "action", None) != "list":
            return None
        return super().get_filterset_class(view, queryset)

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            _refuse_blank(filterset, request.query_params)
        return filterset


# A text filter takes "" (it matches everything, as the schema's plain string allows); any other
# filter's value is a date, a number, a flag or one of a list, and "" is none of them: the API
# refuses it (leave the parameter out instead) where the pages read an empty form field as no
# filter.
def _refuse_blank(filterset, params) -> None:
    from rest_framework.exceptions import ValidationError as APIValidationError

    blank = {
        name: [_("Give a value, or leave the parameter out.")]
        for name, filter_ in filterset.filters.items()
        if not isinstance(filter_, django_filters.CharFilter)
        and name in params
        and any(value.strip() == "" for value in params.getlist(name))
    }
    if blank:
        raise APIValidationError(blank)
