"""A long list of choices picked by ticking: the countries a partner serves or a routing rule
matches (about 250 of them, named in the reader's language).

Without JavaScript it is a plain list of checkboxes in a scrolling box, which works with a mouse,
the keyboard (Tab, Space) and a screen reader, and posts the same values as a `<select
multiple>` would. static/js/checklist.js adds a filter box above it (type "Deu", "Ger" or "DE")
and keeps the line that names what is ticked up to date.
"""

from __future__ import annotations

from babel.lists import format_list
from django import forms
from django.utils.functional import Promise

from apps.core.formatting import current_locale
from apps.core.forms_renderer import render_input_option


class CheckboxSelectMultipleWidget(forms.CheckboxSelectMultiple):
    """Django's checkbox list, in a scrolling box with a filter and a line naming what is ticked.

    The class name ends in "Widget" on purpose: BoundField.widget_type drops that suffix, so the
    shared field markup (templates/includes/field.html) draws it as any checkbox group, inside a
    fieldset whose legend is the field's label, with its errors and help tied to it."""

    template_name = "core/widgets/checklist.html"

    def __init__(
        self,
        attrs=None,
        choices=(),
        *,
        filter_label: str | Promise = "",
        empty_text: str | Promise = "",
    ):
        super().__init__(attrs, choices)
        self.filter_label = filter_label
        self.empty_text = empty_text

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        options = [o for _group, group, _index in context["widget"]["optgroups"] for o in group]
        ticked = [str(option["label"]) for option in options if option["selected"]]
        for option in options:  # written in Python: no template include per country
            option["html"] = render_input_option(option)
        context["widget"].update(
            filter_label=self.filter_label,
            empty_text=self.empty_text,
            ticked=format_list(ticked, locale=current_locale()) if ticked else "",
        )
        return context
