"""The tier proposals' filters (the API's list): ?status= and ?partner=."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filters import IdFilter

from .models import ProposalStatus, TierProposal


class TierProposalFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=ProposalStatus.choices, empty_label=_("All"), help_text="default: all"
    )
    partner = IdFilter(field_name="partner_id", help_text="Only this partner's proposals")

    class Meta:
        model = TierProposal
        fields = ["status", "partner"]
