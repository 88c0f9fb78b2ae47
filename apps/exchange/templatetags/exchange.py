"""`{% export_url "exchange:partners_csv" %}`: a list page's CSV export with the page's filters."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()

# Query parameters that choose what a list shows but not which rows it holds.
NOT_FILTERS = {"page"}


def export_query(params) -> str:
    """The list's query string for its export: every filter as the page received it (the export
    reads them with the page's own filter code), without the page number or empty values."""
    pairs = [
        (key, value)
        for key, values in params.lists()
        if key not in NOT_FILTERS
        for value in values
        if value != ""
    ]
    return urlencode(pairs)


@register.simple_tag(takes_context=True)
def export_url(context, name: str) -> str:
    url = reverse(name)
    request = context.get("request")
    query = export_query(request.GET) if request is not None else ""
    return f"{url}?{query}" if query else url
