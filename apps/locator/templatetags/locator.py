"""The directory's country names, in the language of the request."""

from __future__ import annotations

from django import template

from apps.core.iso import country_choices

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    return dict(country_choices()).get(code, code)
