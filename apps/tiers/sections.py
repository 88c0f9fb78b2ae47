"""The tier's parts of the partner detail page and the portal home (apps.core.sections)."""

from __future__ import annotations

from apps.program.models import ProgramSettings

from .models import ProposalStatus, TierProposal, TierStanding
from .selectors import tier_history, tier_progress

# The place of this app's parts on composite pages (apps/core/sections.py), lower first.
ORDER = 70


def partner_detail(request, partner):
    # Constant queries: settings, tiers, one aggregation, history, open proposal, standing.
    program = ProgramSettings.get()
    context = tier_progress(partner, base=program.base_currency)
    context["history"] = tier_history(partner)
    context["open_proposal"] = TierProposal.objects.filter(
        partner=partner, status=ProposalStatus.OPEN
    ).first()
    context["standing"] = TierStanding.objects.filter(partner=partner).first()
    context["grace_days"] = program.demotion_grace_days
    return "tiers/_partner_section.html", context


def portal_home(request):
    return "tiers/_portal_section.html", tier_progress(request.user.partner)
