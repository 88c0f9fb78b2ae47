"""The dashboard's controls: the view, the period (with a custom range) and "my partners only".

A value the page does not offer is refused — 400, the message beside the control, no figures —
never read as the default, which would pass for the figures asked for (apps/core/filters.py
does the same for the lists). A parameter given twice is refused too: which one would count?
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.filters import FlagField

from . import periods

VIEW_PERIOD, VIEW_QUARTERS = "period", "quarters"
EARLIEST = date(2000, 1, 1)  # before any registration; far from the calendar's edges


class DashboardForm(forms.Form):
    view = forms.ChoiceField(
        label=_("View"),
        required=False,
        choices=[(VIEW_PERIOD, _("A period")), (VIEW_QUARTERS, _("Quarter over quarter"))],
        error_messages={"invalid_choice": _("Choose one of the views offered.")},
    )
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=periods.CHOICES,
        error_messages={"invalid_choice": _("Choose one of the periods offered.")},
    )
    mine = FlagField(label=_("My partners only"), required=False)

    def __init__(self, data, *, now: datetime):
        super().__init__(data)
        self.now = now
        date_error = {"invalid": _("Give a date (year-month-day).")}
        self.fields["from"] = forms.DateField(
            label=_("From"), required=False, error_messages=date_error
        )
        self.fields["to"] = forms.DateField(
            label=_("To"), required=False, error_messages=date_error
        )

    def clean(self):
        cleaned = super().clean() or {}
        for name in self.fields:
            if len(self.data.getlist(name)) > 1:  # type: ignore[attr-defined]  # a QueryDict
                self.add_error(name, gettext("Give one value, not several."))
        if cleaned.get("period") == periods.CUSTOM:
            self._check_range(cleaned.get("from"), cleaned.get("to"))
        return cleaned

    def _check_range(self, first, last) -> None:
        for name, value in (("from", first), ("to", last)):
            if value is None and name not in self.errors:
                self.add_error(name, gettext("Give the first and the last day of the range."))
        if first is None or last is None:
            return
        today = periods.today(self.now)
        if last > today:
            self.add_error("to", gettext("The range cannot end after today."))
        if first < EARLIEST:
            self.add_error("from", gettext("Choose a first day in 2000 or later."))
        elif first > last:
            self.add_error("from", gettext("The first day comes after the last day."))
        elif last - first >= timedelta(days=periods.MAX_RANGE_DAYS):
            self.add_error("from", gettext("A range covers at most three years."))

    # --- what was asked, once valid ------------------------------------------------------
    @property
    def wants_quarters(self) -> bool:
        return self.cleaned_data.get("view") == VIEW_QUARTERS

    @property
    def only_mine(self) -> bool:
        return bool(self.cleaned_data.get("mine"))

    def chosen_period(self) -> periods.Period:
        key = self.cleaned_data.get("period") or periods.DEFAULT
        if self.wants_quarters:
            key = periods.QUARTERS
        return periods.resolve(
            key, self.now, self.cleaned_data.get("from"), self.cleaned_data.get("to")
        )
