"""The onboarding parts of the partner page and the portal home."""

from __future__ import annotations

from django.utils import timezone

from apps.partners.models import Stage

from .selectors import progress

# The place of this app's parts on composite pages (apps/core/sections.py), lower first.
ORDER = 10


def _context(partner) -> dict:
    today = timezone.localdate()
    ctx = progress(partner)
    due = partner.onboarding_due_date
    ctx.update(
        partner=partner,
        today=today,
        due=due,
        days_left=(due - today).days if due else None,
        at_risk=bool(due and due < today),
        overdue=[t for t in ctx["tasks"] if t.is_overdue(today)],
    )
    return ctx


def partner_detail(request, partner):
    if partner.stage != Stage.ONBOARDING:
        return None
    return "onboarding/_partner_progress.html", _context(partner)


def portal_home(request):
    partner = request.user.partner
    if partner.stage == Stage.ONBOARDING:
        return "onboarding/_portal_checklist.html", _context(partner)
    if (
        partner.onboarding_completed_at
        and (timezone.now() - partner.onboarding_completed_at).days <= 30
    ):
        # the milestone is worth celebrating for a while after it is reached
        return "onboarding/_portal_celebration.html", {"partner": partner}
    return None
