"""The invitations list's filter (the API's list): ?partner=, an id (staff: one partner's; a
partner admin sees only their own company's whatever it names); not an id is refused (400)."""

from __future__ import annotations

import django_filters

from apps.core.filters import IdFilter

from .models import Invitation


class InvitationFilter(django_filters.FilterSet):
    partner = IdFilter(field_name="partner_id", help_text="Only this partner's invitations")

    class Meta:
        model = Invitation
        fields = ["partner"]
