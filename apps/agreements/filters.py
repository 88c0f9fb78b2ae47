"""The agreements lists' filters: the API's list (?partner=, ?status=) and the list page."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filters import IdFilter

from .models import Agreement, Status


class AgreementFilter(django_filters.FilterSet):
    partner = IdFilter(field_name="partner_id", help_text="Only this partner's agreements")
    status = django_filters.ChoiceFilter(choices=Status.choices, empty_label=_("All"))

    class Meta:
        model = Agreement
        fields = ["partner", "status"]
