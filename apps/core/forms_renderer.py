"""The form renderer: Django's own, except that a select's options are written in Python.

Django's `select.html` includes `select_option.html` (which includes `attrs.html`) once per
option: a country or currency picker of 250 options costs 500 template includes, about a third of
the CPU of the deal registration form. `render_select` writes exactly the markup those templates
write (tests/core/test_forms_renderer.py compares both on every kind of select), so pages look
the same; every other widget keeps its template.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

SELECT = "django/forms/widgets/select.html"
INPUT_OPTION = "django/forms/widgets/input_option.html"


def _s(value: object) -> str:
    """`value|stringformat:'s'`: its text, still safe if it was."""
    return value if isinstance(value, str) else str(value)


def _attrs(attrs: Mapping[str, object]) -> str:
    """attrs.html: ` name="value"`, a bare ` name` for True, nothing for False. A value
    goes through `stringformat:'s'`, which keeps a safe mark (`_s`)."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_text(name)}")
        else:
            parts.append(f' {_text(name)}="{conditional_escape(_s(value))}"')
    return "".join(parts)


def _text(value: object) -> str:
    """`{{ value }}`: localized (a number in the language's format) and escaped."""
    return conditional_escape(_s(localize(value)))


def _option(option: Mapping) -> str:
    return (
        f'<option value="{conditional_escape(_s(option["value"]))}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>"
    )


def render_select(widget: Mapping) -> SafeString:
    """select.html's markup for the widget context `widget`, whitespace included."""
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _group_index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            out.append("\n  " + _option(option) + "\n")  # the included template ends in one
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return mark_safe("".join(out))  # noqa: S308 — every value above is escaped


def render_input_option(option: Mapping) -> SafeString:
    """A checkbox's or a radio's markup for its option context, as `checkbox_option.html` /
    `radio_option.html` (through `input_option.html` and `input.html`) write it, newlines
    included: a list of 250 countries ticked costs no template include per country."""
    attrs = option["attrs"]
    out = []
    if option["wrap_label"]:
        out.append(f'<label for="{_text(attrs["id"])}">' if attrs.get("id") else "<label>")
    out.append(f'<input type="{_text(option["type"])}" name="{_text(option["name"])}"')
    if option["value"] is not None:
        out.append(f' value="{conditional_escape(_s(option["value"]))}"')
    out.append(f"{_attrs(attrs)}>\n")
    if option["wrap_label"]:
        out.append(f" {_text(option['label'])}</label>")
    out.append("\n")  # input_option.html's last line
    if option["template_name"] != INPUT_OPTION:
        out.append("\n")  # checkbox_option.html's, which includes it
    return mark_safe("".join(out))  # noqa: S308 — every value above is escaped


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, Mapping) else None
        if template_name == SELECT and widget is not None:
            return render_select(widget)
        return super().render(template_name, context, request)
