"""The applications queue's filter (the API's list): ?status=, one of the states or left out for
all; any other value is refused (400) rather than ignored."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Application, Status


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=Status.choices, empty_label=_("All"), help_text="default: all"
    )

    class Meta:
        model = Application
        fields = ["status"]
