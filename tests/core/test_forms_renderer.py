"""The select written in Python is the markup Django's own templates write, byte for byte."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from apps.core.forms_renderer import FormRenderer
from apps.core.iso import country_choices

STOCK = DjangoTemplates()
OURS = FormRenderer()


def both(widget: forms.Widget, name: str, value, attrs=None) -> tuple[str, str]:
    return (
        widget.render(name, value, attrs=attrs, renderer=STOCK),
        widget.render(name, value, attrs=attrs, renderer=OURS),
    )


def test_the_project_uses_it():
    assert settings.FORM_RENDERER == "apps.core.forms_renderer.FormRenderer"


CASES = [
    (forms.Select(choices=[("", "—"), ("a", "A"), ("b", "B")]), "x", "b", None),
    (forms.Select(choices=[("a", "<A & 'b'>"), ('"q"', "Q")]), "x<", '"q"', {"id": "i<d"}),
    (
        forms.Select(choices=[("Fruit", [("1", "Apple"), ("2", "Pear")]), ("3", "Other")]),
        "grouped",
        "2",
        {"required": True, "disabled": False, "aria-describedby": "h"},
    ),
    (forms.SelectMultiple(choices=[(1, "One"), (2, "Two"), (3, "Three")]), "m", [1, 3], None),
    (forms.Select(choices=[(Decimal("1.5"), Decimal("2.5")), (7, 1000)]), "n", "7", None),
    (forms.NullBooleanSelect(), "nb", True, None),
    (
        forms.Select(choices=[("s", mark_safe("<b>safe</b>"))]),
        "s",
        None,
        {"title": mark_safe("<i>")},
    ),
]


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize(("widget", "name", "value", "attrs"), CASES)
def test_every_kind_of_select_is_written_as_the_stock_templates_write_it(
    widget, name, value, attrs, language
):
    with translation.override(language):
        stock, ours = both(widget, name, value, attrs)
    assert ours == stock


@given(
    choices=st.lists(
        st.tuples(st.text(max_size=8), st.text(max_size=12)), max_size=6, unique_by=lambda c: c[0]
    ),
    pick=st.integers(min_value=0, max_value=6),
)
@hsettings(max_examples=60, deadline=None)
def test_any_choices_and_any_value_give_the_same_markup(choices, pick):
    value = choices[pick][0] if pick < len(choices) else "none of them"
    stock, ours = both(forms.Select(choices=choices), "f", value, {"class": "c"})
    assert ours == stock


@pytest.mark.parametrize("language", ["en", "de", "ja"])
def test_the_country_picker_is_the_same_in_every_language(language):
    with translation.override(language):
        widget = forms.Select(choices=[("", "—"), *country_choices()])
        stock, ours = both(widget, "customer_country", "DE", {"id": "id_customer_country"})
    assert ours == stock
    assert ours.count("<option") == len(country_choices()) + 1
    assert '<option value="DE" selected>' in ours


def test_other_widgets_keep_their_templates():
    widget = forms.RadioSelect(choices=[("a", "A")])
    assert widget.render("r", "a", renderer=OURS) == widget.render("r", "a", renderer=STOCK)


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize(
    "widget",
    [
        forms.CheckboxSelectMultiple(choices=[("DE", "Deutschland"), ("a<b", "<i> & 'q'")]),
        forms.RadioSelect(choices=[("1", "One"), ("2", mark_safe("<b>Two</b>"))]),
        forms.CheckboxSelectMultiple(choices=[(1, 1000), (Decimal("2.5"), "x")]),
    ],
)
def test_a_checkbox_or_radio_option_is_written_as_its_templates_write_it(widget, language):
    from apps.core.forms_renderer import render_input_option

    with translation.override(language):
        context = widget.get_context("f", ["DE", "2", "1"], {"id": "id_f", "required": True})
        options = [o for _g, group, _i in context["widget"]["optgroups"] for o in group]
        included = STOCK.engine.from_string("{% include option.template_name with widget=option %}")
        for option in options:  # as the checklist's template included it, newlines and all
            assert render_input_option(option) == included.render({"option": option})
    assert any(o["selected"] for o in options)


def test_the_countries_checklist_ticks_what_was_chosen():
    from apps.core.widgets import CheckboxSelectMultipleWidget

    widget = CheckboxSelectMultipleWidget(choices=[("", "")] and country_choices())
    html = widget.render("countries", ["DE", "AT"], {"id": "id_countries"}, renderer=OURS)
    assert html.count('type="checkbox"') == len(country_choices())
    assert html.count(" checked") == 2 and "{% include" not in html
